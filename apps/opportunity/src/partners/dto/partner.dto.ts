import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsEmail,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
} from 'class-validator';
import { IsAwsAccountId, Omittable } from '@cppo/contracts';
import type { Partner } from '@cppo/persistence';
import { PageQuery } from '@cppo/platform';

const TAG = /^[\w.:-]{1,40}$/;
const TAG_MESSAGE = 'each tag must be 1-40 letters, digits or _.:-';

/** `POST /v1/partners`. */
export class CreatePartnerDto {
  @ApiProperty({ example: 'Northwind Cloud Resellers', minLength: 1, maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name: string;

  @ApiProperty({ example: '111122223333', pattern: '^\\d{12}$', description: "the partner's AWS account" })
  @IsString()
  @IsAwsAccountId()
  awsAccountId: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  contactName?: string;

  @ApiPropertyOptional({ format: 'email', maxLength: 254, example: 'channel@northwind.example' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'contactEmail must be an e-mail address' })
  contactEmail?: string;

  @ApiPropertyOptional({ type: [String], maxItems: 20, example: ['emea', 'tier-1'] })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(TAG, { each: true, message: TAG_MESSAGE })
  tags?: string[];
}

/**
 * `PATCH /v1/partners/{id}`: what is given changes (a contact given as null is removed); the account is the
 * partner's identity and stays.
 */
export class UpdatePartnerDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200 })
  @Omittable()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/\S/, { message: 'name must not be blank' })
  name?: string;

  @ApiPropertyOptional({ maxLength: 200, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  contactName?: string | null;

  @ApiPropertyOptional({ format: 'email', maxLength: 254, nullable: true })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  @IsEmail({}, { message: 'contactEmail must be an e-mail address' })
  contactEmail?: string | null;

  @ApiPropertyOptional({ type: [String], maxItems: 20 })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(20)
  @Matches(TAG, { each: true, message: TAG_MESSAGE })
  tags?: string[];
}

/** `GET /v1/partners`. */
export class PartnerListQuery extends PageQuery {
  @ApiPropertyOptional({ description: 'partners with this tag' })
  @IsOptional()
  @IsString()
  @Matches(TAG, { message: 'tag must be 1-40 letters, digits or _.:-' })
  tag?: string;

  @ApiPropertyOptional({ description: 'the partner with this AWS account', pattern: '^\\d{12}$' })
  @IsOptional()
  @IsString()
  @IsAwsAccountId()
  awsAccountId?: string;
}

export class PartnerView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() awsAccountId: string;
  @ApiPropertyOptional() contactName?: string;
  @ApiPropertyOptional() contactEmail?: string;
  @ApiProperty({ type: [String] }) tags: string[];
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;

  static from(p: Partner): PartnerView {
    return {
      id: p._id,
      name: p.name,
      awsAccountId: p.awsAccountId,
      contactName: p.contactName,
      contactEmail: p.contactEmail,
      tags: p.tags ?? [],
      createdAt: new Date(p.createdAt ?? 0).toISOString(),
      updatedAt: new Date(p.updatedAt ?? p.createdAt ?? 0).toISOString(),
    };
  }
}

export class PartnerPage {
  @ApiProperty({ type: [PartnerView] }) items: PartnerView[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
