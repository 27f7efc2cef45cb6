import { LoggerModule } from 'nestjs-pino';
import { BaseEnv } from '@cppo/runtime';
import type { DynamicModule } from '@nestjs/common';
import type { IncomingMessage } from 'node:http';
import type { AuthenticatedRequest } from '../auth/auth.decorators';
import { loggableUrl, scrubKeys, scrubRecord } from './scrub';

/** Paths that must never reach a log line: API keys and anything credential-like. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers.cookie',
  '*.password',
  '*.secretAccessKey',
  '*.apiKey',
];

/** Structured JSON logs (pino), one line per request with its org, pretty in development. */
export function loggerModule(service: string): DynamicModule {
  return LoggerModule.forRootAsync({
    inject: [BaseEnv],
    useFactory: (env: BaseEnv) => ({
      pinoHttp: {
        level: env.LOG_LEVEL,
        base: { service },
        redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
        autoLogging: { ignore: (req: IncomingMessage) => /^\/(health|metrics)/.test(req.url ?? '') },
        customProps: (req: IncomingMessage) => ({ orgId: (req as AuthenticatedRequest).principal?.orgId }),
        serializers: {
          // No query value and no API key in a request line (a key sent as ?api_key=… included).
          req: (req: { id: unknown; method: string; url: string }) => ({
            id: req.id,
            method: req.method,
            url: loggableUrl(req.url ?? ''),
          }),
        },
        // And none in any other line: messages and fields are cleared of `cppo_…` keys.
        hooks: {
          logMethod(this: unknown, args: unknown[], method: (...a: unknown[]) => void) {
            method.apply(
              this,
              args.map((arg) => (typeof arg === 'string' ? scrubKeys(arg) : arg)),
            );
          },
        },
        formatters: { log: (record: Record<string, unknown>) => scrubRecord(record) },
        transport: env.LOG_PRETTY
          ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } }
          : undefined,
      },
    }),
  });
}
