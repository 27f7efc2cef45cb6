import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches } from 'class-validator';
import type { MarketplaceEventRecord } from '@cppo/persistence';
import { LimitQuery } from '@cppo/platform';
import type { QuarantinedJson } from '@cppo/views';

/** Quarantined notifications are keyed by AWS event ids, so their cursor is one of those. */
export class QuarantineQuery extends LimitQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[\w.:-]{1,200}$/, { message: 'cursor must be a nextCursor returned by this API' })
  cursor?: string;
}

export class QuarantinedView implements QuarantinedJson {
  @ApiProperty() id: string;
  @ApiProperty() state: string;
  @ApiPropertyOptional() reason?: string;
  @ApiPropertyOptional() detailType?: string;
  @ApiPropertyOptional() account?: string;
  @ApiProperty({ description: 'the notification exactly as received' }) raw: string;
  @ApiProperty() replayCount: number;
  @ApiProperty() receivedAt: string;

  static from(record: MarketplaceEventRecord): QuarantinedView {
    return {
      id: record._id,
      state: record.state,
      reason: record.reason,
      detailType: record.detailType,
      account: record.account,
      raw: record.raw,
      replayCount: record.replayCount ?? 0,
      receivedAt: (record.createdAt ?? new Date(0)).toISOString(),
    };
  }
}

/** An SNS subscription (or unsubscribe) confirmation kept for a person to confirm by opening its URL. */
export class SnsConfirmationView {
  @ApiProperty({ description: "SNS's MessageId" }) id: string;
  @ApiProperty({ enum: ['SubscriptionConfirmation', 'UnsubscribeConfirmation'] }) type: string;
  @ApiProperty() topicArn: string;
  @ApiPropertyOptional({ description: 'open it to confirm (CPPO Hub makes no outbound call)' })
  subscribeUrl?: string;
  @ApiPropertyOptional({ description: "the SaaS product code in the topic's name" }) productCode?: string;
  @ApiProperty() receivedAt: string;

  static from(record: MarketplaceEventRecord): SnsConfirmationView {
    const event = (record.normalized ?? {}) as {
      type?: string;
      topicArn?: string;
      subscribeUrl?: string;
      productCode?: string;
    };
    return {
      id: record._id,
      type: event.type ?? record.detailType ?? '',
      topicArn: event.topicArn ?? '',
      subscribeUrl: event.subscribeUrl,
      productCode: event.productCode,
      receivedAt: (record.createdAt ?? new Date(0)).toISOString(),
    };
  }
}

export class SnsConfirmationPage {
  @ApiProperty({ type: [SnsConfirmationView] }) items: SnsConfirmationView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class QuarantinePage {
  @ApiProperty({ type: [QuarantinedView] }) items: QuarantinedView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
