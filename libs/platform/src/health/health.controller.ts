import { Controller, Get, Inject } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, MongooseHealthIndicator } from '@nestjs/terminus';
import { Public } from '../auth/auth.decorators';
import { READINESS_INDICATORS, type ReadinessIndicator } from './readiness';
import { RabbitMqHealthIndicator } from './rabbitmq.health';

@ApiTags('health')
@Public()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly mongo: MongooseHealthIndicator,
    private readonly rabbit: RabbitMqHealthIndicator,
    @Inject(READINESS_INDICATORS) private readonly extra: ReadinessIndicator[],
  ) {}

  /** The process is up (no dependency checked): for liveness probes. */
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** Mongo, RabbitMQ and the service's own dependencies answer: for readiness probes (503 if not). */
  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.mongo.pingCheck('mongo', { timeout: 2000 }),
      () => this.rabbit.check(),
      ...this.extra.map((indicator) => () => indicator.check()),
    ]);
  }
}
