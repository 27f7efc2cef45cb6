import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EntitlementStatus, EntitlementType } from '@cppo/contracts';
import type { Entitlement } from '@cppo/persistence';

export class EntitlementHistoryView {
  @ApiProperty({ enum: EntitlementStatus }) status: EntitlementStatus;
  @ApiProperty({ description: 'when AWS says it happened (event time)' }) at: string;
  @ApiPropertyOptional({ description: 'the AWS event that caused it' }) eventId?: string;
  @ApiPropertyOptional() reason?: string;
}

/** The public view of a buyer's entitlement (one per AWS agreement). */
export class EntitlementView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: EntitlementType }) type: EntitlementType;
  @ApiProperty({ enum: EntitlementStatus }) status: EntitlementStatus;
  @ApiProperty() agreementId: string;
  @ApiPropertyOptional({ description: 'our CPPO offer' }) offerId?: string;
  @ApiPropertyOptional({ description: 'the AWS offer id' }) awsOfferId?: string;
  @ApiPropertyOptional({ description: 'our CPPO_OUT opportunity' }) opportunityId?: string;
  @ApiPropertyOptional() resaleAuthorizationId?: string;
  @ApiPropertyOptional() buyerAccountId?: string;
  @ApiPropertyOptional() resellerAccountId?: string;
  @ApiPropertyOptional() productId?: string;
  @ApiPropertyOptional() licenseArn?: string;
  @ApiPropertyOptional() startTime?: string;
  @ApiPropertyOptional() endTime?: string;
  @ApiPropertyOptional() previousAgreementId?: string;
  @ApiProperty({ type: [EntitlementHistoryView] }) history: EntitlementHistoryView[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(e: Entitlement): EntitlementView {
    const iso = (date?: Date) => (date ? new Date(date).toISOString() : undefined);
    return {
      id: e._id,
      type: e.type,
      status: e.status,
      agreementId: e.agreementId,
      offerId: e.offerId,
      awsOfferId: e.awsOfferId,
      opportunityId: e.opportunityId,
      resaleAuthorizationId: e.resaleAuthorizationId,
      buyerAccountId: e.buyerAccountId,
      resellerAccountId: e.resellerAccountId,
      productId: e.productId,
      licenseArn: e.licenseArn,
      startTime: iso(e.startTime),
      endTime: iso(e.endTime),
      previousAgreementId: e.previousAgreementId,
      history: (e.history ?? []).map((h) => ({
        status: h.status,
        at: new Date(h.at).toISOString(),
        eventId: h.eventId,
        reason: h.reason,
      })),
      createdAt: (e.createdAt ?? new Date(0)).toISOString(),
      updatedAt: (e.updatedAt ?? new Date(0)).toISOString(),
    };
  }
}
