import { ApiProperty } from '@nestjs/swagger';
import { EntitlementView } from '@cppo/views';

/** `GET /v1/entitlements`: a page of entitlements. */
export class EntitlementPage {
  @ApiProperty({ type: [EntitlementView] }) items: EntitlementView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
