import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { BaseEnv } from '@cppo/platform';

export class OpportunityEnv extends BaseEnv {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  override PORT = 3001;
}
