import 'reflect-metadata';
import rateLimit from '@fastify/rate-limit';
import { HttpException, type INestApplication, type LoggerService, type Type } from '@nestjs/common';
import { ModulesContainer, NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import type { RoutingKey } from '@cppo/contracts';
import { connectConsumer } from '@cppo/messaging';
import { LRUCache } from 'lru-cache';
import { ApiKeyRepository } from '@cppo/persistence';
import { BaseEnv, ConfigValidationError, envValidator, HttpServerEnv } from '@cppo/runtime';
import { knownKey, principalOfKey, requestKeyHash, type KeyHeaders } from './auth/api-key.guard';
import { BoundedInputPipe } from './http/bounded-input.pipe';
import { completeOpenApi, type ClassType } from './http/openapi';
import { createValidationPipe } from './http/validation.pipe';

export interface ServiceDefinition {
  name: string;
  description: string;
  module: Type;
  consumers?: { purpose: string; subscriptions: readonly RoutingKey[] }[];
}

/**
 * Largest request body: 1000 usage records with the longest ids allowed are about 0.5 MB. Larger bodies
 * are refused (413) before they are parsed.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * The HTTP server every service (and every test app) runs on. X-Forwarded-For is believed only from the
 * proxies in TRUSTED_PROXIES (the console's): anyone else could invent addresses to dodge the per-client
 * limit. A request must arrive, body included, within HTTP_REQUEST_TIMEOUT_MS (a slow body is cut off).
 */
export function createHttpAdapter(): FastifyAdapter {
  const http = envValidator(HttpServerEnv)(process.env);
  const proxies = http.TRUSTED_PROXIES.split(/[\s,]+/).filter(Boolean);
  return new FastifyAdapter({
    bodyLimit: MAX_BODY_BYTES,
    trustProxy: proxies.length ? proxies : false,
    requestTimeout: http.HTTP_REQUEST_TIMEOUT_MS,
    // Node honours the timeout only when the server is created with it (set afterwards, as Fastify does,
    // it is never enforced), and looks for late requests every 30 s by default: both given here, so a slow
    // body is cut off within half a second of its time. The headers' timeout stays Node's (at most this one).
    http: { requestTimeout: http.HTTP_REQUEST_TIMEOUT_MS, connectionsCheckingInterval: 500 },
  });
}

/** Routes the rate limit leaves alone: probes and scrapers call them often, and they cost nothing. */
const UNLIMITED = /^\/(health|metrics|docs)(\/|-json|\?|$)/;

/** Per client: how many keys never seen before it had looked up in the current window. */
const keyLookups = new LRUCache<string, number>({ max: 100_000, ttl: 60_000 });

/**
 * The hash of the request's key when the key is valid — checked now if it was not known (one query,
 * cached), so that a valid key is always limited per key and never falls into a client bucket others
 * emptied. A client may have only RATE_LIMIT_PER_IP unknown keys looked up per window: beyond that its keys
 * count as invalid, and a flood of invented keys costs no more queries than requests the client may make.
 */
async function limitedKey(
  keys: ApiKeyRepository,
  headers: KeyHeaders,
  client: string,
  env: BaseEnv,
): Promise<string | undefined> {
  const hash = requestKeyHash(headers);
  if (!hash) return undefined;
  const known = knownKey(hash);
  if (known !== undefined) return known ? hash : undefined;
  const looked = keyLookups.get(client) ?? 0;
  if (looked >= env.RATE_LIMIT_PER_IP) return undefined;
  keyLookups.set(client, looked + 1, { ttl: env.RATE_LIMIT_WINDOW_MS, noUpdateTTL: looked > 0 });
  return (await principalOfKey(keys, hash)) ? hash : undefined;
}

/**
 * Applies what every service's HTTP side shares: rate limits (@fastify/rate-limit: per valid API key,
 * else per client IP; 429 with Retry-After), validation pipes, and OpenAPI at /docs, /docs-json.
 */
export async function configureHttp(
  app: NestFastifyApplication,
  definition: Pick<ServiceDefinition, 'name' | 'description'>,
): Promise<void> {
  const env = app.get(BaseEnv);
  const keys = app.get(ApiKeyRepository);
  await app.register(rateLimit, {
    global: true,
    timeWindow: env.RATE_LIMIT_WINDOW_MS,
    allowList: (request) => UNLIMITED.test(request.url),
    keyGenerator: async (request) => {
      const key = await limitedKey(keys, request.headers as KeyHeaders, request.ip, env);
      return key ? `key:${key}` : `ip:${request.ip}`;
    },
    max: (_request, key) => (key.startsWith('key:') ? env.RATE_LIMIT_PER_KEY : env.RATE_LIMIT_PER_IP),
    // As an HttpException: answered in the shape of every other error here.
    errorResponseBuilder: (_request, context) =>
      new HttpException(
        {
          statusCode: context.statusCode,
          error: 'Too Many Requests',
          message: `rate limit of ${context.max} requests per ${env.RATE_LIMIT_WINDOW_MS / 1000} s exceeded: retry in ${Math.ceil(context.ttl / 1000)} s`,
        },
        context.statusCode,
      ),
  });
  app.useGlobalPipes(new BoundedInputPipe(), createValidationPipe());
  const document = completeOpenApi(
    SwaggerModule.createDocument(
      app,
      new DocumentBuilder()
        .setTitle(`CPPO Hub ${definition.name}`)
        .setDescription(definition.description)
        .setVersion('1')
        .addBearerAuth({
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'opaque API key (cppo_…)',
          description: 'API key',
        })
        .addApiKey({ type: 'apiKey', in: 'header', name: 'x-api-key' }, 'x-api-key')
        .addSecurityRequirements('bearer')
        .addSecurityRequirements('x-api-key')
        .build(),
    ),
    routeParameterTypes(app),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
}

/** Nest's start-up narration (each module loaded, each route mapped): useful when debugging, noise otherwise. */
const FRAMEWORK_CONTEXTS = new Set([
  'InstanceLoader',
  'RoutesResolver',
  'RouterExplorer',
  'NestFactory',
  'NestApplication',
  'NestMicroservice',
]);

/** Passes everything to the service's logger, Nest's own start-up lines at debug level. */
class FrameworkChatterAtDebug implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    const context = rest[rest.length - 1];
    if (typeof context === 'string' && FRAMEWORK_CONTEXTS.has(context)) this.logger.debug(message, ...rest);
    else this.logger.log(message, ...rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.logger.error(message, ...rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.logger.warn(message, ...rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.logger.debug(message, ...rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.logger.verbose(message, ...rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.logger.fatal(message, ...rest);
  }
}

/** The declared types of every controller method's parameters (DTOs among them). */
function routeParameterTypes(app: INestApplication): ClassType[] {
  const types = new Set<ClassType>();
  for (const module of app.get(ModulesContainer).values()) {
    for (const { metatype } of module.controllers.values()) {
      if (typeof metatype !== 'function') continue;
      const prototype = metatype.prototype as object;
      for (const method of Object.getOwnPropertyNames(prototype)) {
        const params = Reflect.getMetadata('design:paramtypes', prototype, method) as unknown[] | undefined;
        for (const type of params ?? []) if (typeof type === 'function') types.add(type as ClassType);
      }
    }
  }
  return [...types];
}

/**
 * Boots a service: config validated first (a bad variable exits 1 naming it), Mongo and RabbitMQ
 * connected, then consumers, then HTTP. SIGTERM/SIGINT: stop HTTP and consumers, let in-flight work
 * finish, flush the outbox, close connections; forced exit after SHUTDOWN_TIMEOUT_MS.
 */
export async function runService(definition: ServiceDefinition): Promise<NestFastifyApplication> {
  process.env['TZ'] = 'UTC';
  let app: NestFastifyApplication;
  try {
    app = await NestFactory.create<NestFastifyApplication>(definition.module, createHttpAdapter(), {
      bufferLogs: true,
      abortOnError: false,
    });
  } catch (error) {
    const message = error instanceof ConfigValidationError ? error.message : (error as Error).stack;
    process.stderr.write(`${definition.name}: cannot start: ${message}\n`);
    process.exit(1);
  }
  app.useLogger(new FrameworkChatterAtDebug(app.get(Logger)));
  await configureHttp(app, definition);
  app.enableShutdownHooks();
  const env = app.get(BaseEnv);
  const timeout = env.SHUTDOWN_TIMEOUT_MS;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => setTimeout(() => process.exit(1), timeout).unref());
  }
  for (const consumer of definition.consumers ?? []) connectConsumer(app, consumer);
  await app.startAllMicroservices();
  await app.listen(env.PORT, env.HOST);
  app.get(Logger).log(`${definition.name} listening on ${await app.getUrl()}`, 'Bootstrap');
  return app;
}
