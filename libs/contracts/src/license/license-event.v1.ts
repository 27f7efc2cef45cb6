import { IsOptional, IsString } from 'class-validator';
import { AgreementScopedV1 } from '../aws-event.v1';

/** Shared shape of `cppo.license.{updated,deprovisioned}.v1`. */
export class LicenseEventV1 extends AgreementScopedV1 {
  /** Normalized to start with `arn:` (AWS examples omit it). */
  @IsOptional()
  @IsString()
  licenseArn?: string;

  @IsOptional()
  @IsString()
  productCode?: string;
}
