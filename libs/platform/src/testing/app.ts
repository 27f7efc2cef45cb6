import type { Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mongoUrl, rabbitUrl, uniqueName } from '@cppo/testing';
import type { RoutingKey } from '@cppo/contracts';
import { connectConsumer } from '@cppo/messaging';
import { configureHttp, createHttpAdapter } from '../bootstrap';

export interface TestApp {
  app: NestFastifyApplication;
  url: string;
  /** The settings it was started with (MONGO_URL, RABBITMQ_EXCHANGE, ...). */
  env: Record<string, string>;
  /** fetch against the app with an optional API key. */
  request(
    path: string,
    init?: RequestInit & { apiKey?: string; json?: unknown },
  ): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * Boots an app module in this process as `runService` would (same pipes, guard, OpenAPI), on a random
 * port, against a fresh database and a private exchange. `env` overrides the environment.
 */
export async function startTestApp(
  module: Type,
  env: Record<string, string> = {},
  consumers: { purpose: string; subscriptions: readonly RoutingKey[] }[] = [],
): Promise<TestApp> {
  const settings: Record<string, string> = {
    PORT: '1',
    MONGO_URL: mongoUrl(),
    RABBITMQ_URL: rabbitUrl(),
    RABBITMQ_EXCHANGE: uniqueName('cppo.events.test'),
    RABBITMQ_QUEUE_PREFIX: uniqueName('test'),
    LOG_LEVEL: 'error',
    OUTBOX_POLL_MS: '100',
    // Static credentials: an AWS client never goes looking for others (the simulator accepts any).
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    ...env,
  };
  const previous = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
  Object.assign(process.env, settings);
  try {
    const app = await NestFactory.create<NestFastifyApplication>(module, createHttpAdapter(), {
      logger: process.env['TEST_LOG'] ? ['error', 'warn', 'log'] : ['error'],
      abortOnError: false,
    });
    await configureHttp(app, { name: 'test', description: 'test' });
    for (const consumer of consumers) connectConsumer(app, consumer);
    await app.startAllMicroservices();
    await app.listen(0, '127.0.0.1');
    const url = await app.getUrl();
    return {
      app,
      url,
      env: settings,
      async request(path, init = {}) {
        const headers = new Headers(init.headers);
        if (init.apiKey) headers.set('authorization', `Bearer ${init.apiKey}`);
        let body = init.body;
        if (init.json !== undefined) {
          headers.set('content-type', 'application/json');
          body = JSON.stringify(init.json);
        }
        const response = await fetch(`${url}${path}`, { ...init, headers, body });
        const text = await response.text();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          // not JSON (metrics, docs UI)
        }
        return { status: response.status, body: parsed };
      },
      close: () => app.close(),
    };
  } finally {
    for (const [key, value] of Object.entries(previous)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
