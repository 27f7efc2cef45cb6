import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { awsClientOptionsFrom } from '@cppo/marketplace';
import { QueueProbe } from '@cppo/marketplace/sqs';
import type { ReadinessIndicator } from '@cppo/platform';
import { OfferIngestEnv } from '../config/offer-ingest.env';

/** Ready only when the notification queue answers (within 2 s). */
@Injectable()
export class SqsHealthIndicator implements ReadinessIndicator, OnModuleDestroy {
  private readonly probe: QueueProbe;

  constructor(
    env: OfferIngestEnv,
    private readonly indicator: HealthIndicatorService,
  ) {
    this.probe = new QueueProbe(env.SQS_QUEUE_URL, {
      ...awsClientOptionsFrom(env),
      endpoint: env.SQS_ENDPOINT,
    });
  }

  async check(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('sqs');
    try {
      await this.probe.ping(2000);
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  onModuleDestroy(): void {
    this.probe.destroy();
  }
}
