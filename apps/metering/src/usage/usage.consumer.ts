import { EventPattern, Payload } from '@nestjs/microservices';
import { RoutingKeys, UsageRecordResult, type MessageEnvelope, type UsageRecordedV1 } from '@cppo/contracts';
import { PermanentError, MessageConsumer } from '@cppo/messaging';
import { UsageIntakeService } from './usage-intake.service';

export const METERING_SUBSCRIPTIONS = [RoutingKeys.UsageRecorded] as const;

/**
 * Queue `metering.usage`: usage records as messages, with the same rules as the HTTP intake. A rejected
 * record is parked in the dead-letter queue with its reason; a duplicate is acknowledged.
 */
@MessageConsumer()
export class UsageConsumer {
  constructor(private readonly intake: UsageIntakeService) {}

  @EventPattern(RoutingKeys.UsageRecorded)
  async recorded(@Payload() e: MessageEnvelope<UsageRecordedV1>): Promise<void> {
    const { source: _source, ...record } = e.payload;
    const [outcome] = await this.intake.record(e.orgId, [record]);
    if (outcome.status === UsageRecordResult.rejected)
      throw new PermanentError(`usage record ${record.idempotencyKey} rejected: ${outcome.reason}`);
  }
}
