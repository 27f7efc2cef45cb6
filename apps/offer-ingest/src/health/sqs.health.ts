import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { HealthIndicatorService, type HealthIndicatorResult } from '@nestjs/terminus';
import { GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { awsClientOptionsFrom, createSqsClient } from '@cppo/marketplace';
import type { ReadinessIndicator } from '@cppo/platform';

/** Ready only when the notification queue answers. */
@Injectable()
export class SqsHealthIndicator implements ReadinessIndicator, OnModuleDestroy {
  private readonly client: SQSClient;
  private readonly queueUrl: string;

  constructor(
    config: ConfigService,
    private readonly indicator: HealthIndicatorService,
  ) {
    this.queueUrl = config.getOrThrow<string>('SQS_QUEUE_URL');
    this.client = createSqsClient({
      ...awsClientOptionsFrom(config),
      endpoint: config.get<string>('SQS_ENDPOINT'),
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
