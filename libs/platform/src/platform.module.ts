import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ApiKeyGuard } from './auth/api-key.guard';
import { AwsServiceEnv, BaseEnv, envValidator } from '@cppo/runtime';
import { HealthController } from './health/health.controller';
import { RabbitMqHealthIndicator } from './health/rabbitmq.health';
import { READINESS_INDICATORS, type ReadinessIndicator } from './health/readiness';
import { IdempotencyInterceptor } from './http/idempotency.interceptor';
import { loggerModule } from './logging/logger.module';
import { MetricsController } from './metrics/metrics.controller';

export interface PlatformOptions {
  service: string;
  /** The app's env class (extends BaseEnv); validated at start-up. */
  env: new () => BaseEnv;
  /** Readiness checks beyond Mongo and RabbitMQ. */
  readiness?: Type<ReadinessIndicator>[];
}

/**
 * What every service has: validated, typed settings, structured logs, API-key auth on every route, health and
 * metrics endpoints. Requires PersistenceModule and MessagingModule in the same app.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const readiness = options.readiness ?? [];
    return {
      module: PlatformModule,
      global: true,
      imports: [loggerModule(options.service), TerminusModule.forRoot({ logger: false })],
      controllers: [HealthController, MetricsController],
      providers: [
        // The environment, validated when the app is created (not when this module is imported), injected
        // as the app's own env class (typed), and as BaseEnv / AwsServiceEnv for the libraries.
        { provide: options.env, useFactory: () => envValidator(options.env)(process.env) },
        { provide: BaseEnv, useExisting: options.env },
        ...(options.env.prototype instanceof AwsServiceEnv
          ? [{ provide: AwsServiceEnv, useExisting: options.env }]
          : []),
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_INTERCEPTOR, useClass: IdempotencyInterceptor },
        RabbitMqHealthIndicator,
        ...readiness,
        {
          provide: READINESS_INDICATORS,
          inject: readiness,
          useFactory: (...items: ReadinessIndicator[]) => items,
        },
      ],
      exports: [
        options.env,
        BaseEnv,
        ...(options.env.prototype instanceof AwsServiceEnv ? [AwsServiceEnv] : []),
      ],
    };
  }
}
