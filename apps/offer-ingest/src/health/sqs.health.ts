import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { awsClientOptionsFrom, createSqsClient } from '@cppo/marketplace';
import type { ReadinessIndicator } from '@cppo/platform';
import { OfferIngestEnv } from '../config/offer-ingest.env';

/** Ready only when the notification queue answers. */
@Injectable()
export class SqsHealthIndicator implements ReadinessIndicator, OnModuleDestroy {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(
    env: OfferIngestEnv,
    private readonly indicator: HealthIndicatorService,
  ) {
    this.queueUrl = env.SQS_QUEUE_URL;
    this.client = createSqsClient({
      ...awsClientOptionsFrom(env),
      endpoint: env.SQS_ENDPOINT,
      maxAttempts: 1,
    });
  }

  async check(): Promise<HealthIndicatorResult> {
    const check = this.indicator.check('sqs');
    try {
      await this.client.send(
        new GetQueueAttributesCommand({
          QueueUrl: this.queueUrl,
          AttributeNames: ['ApproximateNumberOfMessages'],
        }),
        { abortSignal: AbortSignal.timeout(2000) },
      );
      return check.up();
    } catch (error) {
      return check.down({ message: (error as Error).message });
    }
  }

  onModuleDestroy(): void {
    this.client.destroy();
  }
}
