import { Inject, Injectable } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import { AMQP_CONNECTION } from '@cppo/messaging';
import type { ReadinessIndicator } from './readiness';

@Injectable()
export class RabbitMqHealthIndicator implements ReadinessIndicator {
  constructor(
    @Inject(AMQP_CONNECTION) private readonly connection: AmqpConnectionManager,
    private readonly indicator: HealthIndicatorService,
  ) {}

  async check(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('rabbitmq');
    return this.connection.isConnected() ? check.up() : check.down({ message: 'not connected' });
  }
}
