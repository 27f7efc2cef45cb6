import { IsIn, IsISO8601, IsNotEmpty, IsOptional, IsString } from 'class-validator';

/** Shared shape of `cppo.changeset.{succeeded,failed,cancelled}.v1`, from the Catalog's change-set events. */
export class ChangeSetEventV1 {
  @IsString()
  @IsNotEmpty()
  eventId: string;

  @IsString()
  @IsNotEmpty()
  changeSetId: string;

  @IsOptional()
  @IsString()
  changeSetName?: string;

  @IsIn(['SUCCEEDED', 'FAILED', 'CANCELLED'])
  status: 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

  @IsOptional()
  @IsString()
  failureCode?: string;

  @IsOptional()
  @IsISO8601()
  startTime?: string;

  @IsOptional()
  @IsISO8601()
  endTime?: string;
}
