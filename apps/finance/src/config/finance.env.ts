import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { AwsServiceEnv } from '@cppo/runtime';

export class FinanceEnv extends AwsServiceEnv {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  override PORT = 3006;

  /**
   * How often every configured org's SDDS bucket is imported (AWS delivers once a day); 0 = only on
   * `POST /v1/finance/imports`.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  FINANCE_IMPORT_MS = 6 * 3_600_000;
}
