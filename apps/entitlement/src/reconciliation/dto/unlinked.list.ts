import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

/** `GET /v1/reconciliation/unlinked`: what is still missing a link, and why. */
export class UnlinkedItem {
  @ApiProperty({ enum: ['entitlement', 'offer'] }) kind: 'entitlement' | 'offer';
  @ApiProperty() id: string;
  @ApiPropertyOptional() agreementId?: string;
  @ApiPropertyOptional() awsOfferId?: string;
  @ApiProperty({ type: [String], description: 'what is missing' }) missing: string[];
  @ApiProperty() reason: string;
  @ApiProperty({ description: 'unlinked since' }) since: string;
}

export class UnlinkedList {
  @ApiProperty({ type: [UnlinkedItem] }) items: UnlinkedItem[];
}
