import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { TerminusModule } from '@nestjs/terminus';
import { ApiKeyGuard } from './auth/api-key.guard';
import { envValidator, type BaseEnv } from './config/base.env';
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
 * What every service has: validated config, structured logs, API-key auth on every route, health and
 * metrics endpoints. Requires PersistenceModule and MessagingModule in the same app.
 */
@Module({})
export class PlatformModule {
  static forRoot(options: PlatformOptions): DynamicModule {
    const readiness = options.readiness ?? [];
    return {
      module: PlatformModule,
      global: true,
      imports: [
        // Validated when the app is created (not when this module is imported), and read only from the
        // validated, typed values: skipProcessEnv stops ConfigService falling back to raw strings.
        ConfigModule.forRoot({
          isGlobal: true,
          ignoreEnvFile: true,
          skipProcessEnv: true,
          load: [() => envValidator(options.env)(process.env)],
        }),
        loggerModule(options.service),
        TerminusModule.forRoot({ logger: false }),
      ],
      controllers: [HealthController, MetricsController],
      providers: [
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
      exports: [ConfigModule],
    };
  }
}
