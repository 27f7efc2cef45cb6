import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { JSONSchema } from 'class-validator-jsonschema';
import { IsAwsAccountId, Nested, Omittable, type OpportunityTerms } from '@cppo/contracts';

/** ISO date `YYYY-MM-DD`. */
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** Upfront and installment amounts: non-negative, up to 6 decimals (AWS's precision for upfront prices). */
export const UPFRONT_AMOUNT = /^\d{1,12}(\.\d{1,6})?$/;
/** Usage (overage) prices: non-negative, up to 8 decimals. */
export const USAGE_PRICE = /^\d{1,12}(\.\d{1,8})?$/;
/** The resale-authorization name rule is in CONFLICT in AWS's docs; we allow what both readings accept. */
/**
 * The https URLs OpenAPI clients are told to send: a subset of what the validator's IsUrl accepts (host
 * names with a top-level domain, plain paths).
 */
const HTTPS_URL_SCHEMA = '^https://([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,24}(/[A-Za-z0-9._~/-]*)?$';

export const OPPORTUNITY_NAME = /^[\w .,:()&+'/-]+$/;
/** Currencies AWS accepts for upfront resale pricing. */
export const CURRENCIES = ['USD', 'AUD', 'EUR', 'GBP', 'JPY'] as const;

export class RenewalDto {
  @ApiProperty({ enum: ['AwsMarketplace', 'External'] })
  @IsIn(['AwsMarketplace', 'External'])
  acquisitionChannel: 'AwsMarketplace' | 'External';

  @ApiProperty({ enum: ['Contract', 'Usage', 'Byol', 'Free'] })
  @IsIn(['Contract', 'Usage', 'Byol', 'Free'])
  pricingModel: 'Contract' | 'Usage' | 'Byol' | 'Free';
}

export class GrantDto {
  @ApiProperty({ example: 'users' })
  @IsString()
  @Matches(/^[\w.:-]{1,60}$/, { message: 'dimensionKey must be 1-60 letters, digits, _ . : -' })
  dimensionKey: string;

  @ApiProperty({ example: 100 })
  @IsInt()
  @Min(1)
  quantity: number;

  @ApiPropertyOptional({
    example: '120.00',
    description:
      'price of one unit for the duration; given for every grant (and no installments), the commit is offered per unit (AWS ResaleConfigurableUpfrontPricingTerm) and must add up to amount',
  })
  @Omittable()
  @IsString()
  @Matches(UPFRONT_AMOUNT, {
    message: 'unitPrice must be a non-negative decimal string with at most 6 decimals',
  })
  unitPrice?: string;
}

export class CommitAmountDto {
  @ApiProperty({ example: '12000.00', description: 'decimal string, up to 6 decimals' })
  @IsString()
  @Matches(UPFRONT_AMOUNT, {
    message: 'amount must be a non-negative decimal string with at most 6 decimals',
  })
  amount: string;

  @ApiProperty({ enum: CURRENCIES })
  @IsIn(CURRENCIES)
  currency: (typeof CURRENCIES)[number];

  @ApiProperty({ example: 'P12M', description: 'ISO-8601 duration in days, months or years' })
  @Matches(/^P[1-9]\d{0,3}[DMY]$/, {
    message: 'duration must be an ISO-8601 duration such as P12M, P1Y or P30D',
  })
  duration: string;

  @ApiProperty({ type: [GrantDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => GrantDto)
  grants: GrantDto[];
}

export class UsageDimensionPriceDto {
  @ApiProperty({ example: 'api_calls' })
  @IsString()
  @Matches(/^[\w.:-]{1,60}$/, { message: 'dimensionKey must be 1-60 letters, digits, _ . : -' })
  dimensionKey: string;

  @ApiProperty({ example: '0.002', description: 'wholesale price per unit, USD, up to 8 decimals' })
  @IsString()
  @Matches(USAGE_PRICE, { message: 'price must be a non-negative decimal string with at most 8 decimals' })
  price: string;
}

// What the validator accepts, stated for OpenAPI clients: a CUSTOM document needs its url.
@JSONSchema({ anyOf: [{ properties: { type: { enum: ['STANDARD'] } } }, { required: ['url'] }] })
export class LegalDocumentDto {
  @ApiProperty({ enum: ['STANDARD', 'CUSTOM'] })
  @IsIn(['STANDARD', 'CUSTOM'])
  type: 'STANDARD' | 'CUSTOM';

  @ApiPropertyOptional({ description: 'required for CUSTOM: an https URL of the document' })
  @ValidateIf((o: LegalDocumentDto) => o.type === 'CUSTOM' || o.url !== undefined)
  @IsUrl(
    { protocols: ['https'], require_protocol: true },
    { message: 'url must be an https URL (required for a CUSTOM document)' },
  )
  @MaxLength(2048)
  @JSONSchema({ pattern: HTTPS_URL_SCHEMA })
  url?: string;
}

export class InstallmentDto {
  @ApiProperty({ example: '2027-04-01' })
  @Matches(DATE, { message: 'chargeDate must be a date YYYY-MM-DD' })
  chargeDate: string;

  @ApiProperty({ example: '6000.00' })
  @IsString()
  @Matches(UPFRONT_AMOUNT, {
    message: 'amount must be a non-negative decimal string with at most 6 decimals',
  })
  amount: string;
}

/** `POST /v1/opportunities`: a CPPO resell opportunity (AWS resale authorization). */
export class CreateOpportunityDto implements OpportunityTerms {
  @ApiProperty({ example: 'Acme via Partner X FY27', maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  @Matches(OPPORTUNITY_NAME, {
    message: "name may contain letters, digits, spaces and . , : ( ) & + ' / - _ only",
  })
  name: string;

  @ApiPropertyOptional({ maxLength: 255 })
  @Omittable()
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  description?: string;

  @ApiPropertyOptional({
    pattern: '^[a-z0-9][a-z0-9._-]{0,62}$',
    example: 'northwind-fy27',
    description: 'a stable name for an authorization kept as code (`cppo apply`); listed with ?key=',
  })
  @Omittable()
  @IsString()
  @Matches(/^[a-z0-9][a-z0-9._-]{0,62}$/, {
    message: 'key must be 1-63 lowercase letters, digits or ._- (starting with a letter or digit)',
  })
  key?: string;

  @ApiProperty({ example: 'prod-abc123' })
  @IsString()
  @Matches(/^[\w-]{1,50}$/, { message: 'productId must be an AWS product id (1-50 letters, digits, - or _)' })
  productId: string;

  @ApiProperty({ example: '111122223333' })
  @IsAwsAccountId()
  resellerAccountId: string;

  @ApiPropertyOptional({ type: [String], maxItems: 25, description: 'required for a renewal' })
  @Omittable()
  @IsArray()
  @ArrayMaxSize(25)
  @ArrayUnique({ message: 'buyerAccountIds must not contain duplicates' })
  @IsAwsAccountId({ each: true, message: 'each value in buyerAccountIds must be a 12-digit AWS account id' })
  buyerAccountIds?: string[];

  @ApiPropertyOptional({ type: RenewalDto })
  @Omittable()
  @Nested(() => RenewalDto)
  renewal?: RenewalDto;

  @ApiPropertyOptional({ type: CommitAmountDto })
  @Omittable()
  @Nested(() => CommitAmountDto)
  commitAmount?: CommitAmountDto;

  @ApiPropertyOptional({ type: [UsageDimensionPriceDto] })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ValidateNested({ each: true })
  @Type(() => UsageDimensionPriceDto)
  usageDimensionPrices?: UsageDimensionPriceDto[];

  @ApiPropertyOptional({ example: '2027-03-31', description: 'last day the partner can create offers' })
  @Omittable()
  @Matches(DATE, { message: 'expiryDate must be a date YYYY-MM-DD' })
  expiryDate?: string;

  @ApiPropertyOptional({ default: false })
  @Omittable()
  @IsBoolean()
  singleUse?: boolean;

  @ApiPropertyOptional({ type: LegalDocumentDto, description: 'default STANDARD (SCMP)' })
  @Omittable()
  @Nested(() => LegalDocumentDto)
  eula?: LegalDocumentDto;

  @ApiPropertyOptional({ type: LegalDocumentDto })
  @Omittable()
  @Nested(() => LegalDocumentDto)
  resellerContract?: LegalDocumentDto;

  @ApiPropertyOptional({ type: [InstallmentDto], maxItems: 60 })
  @Omittable()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(60)
  @ValidateNested({ each: true })
  @Type(() => InstallmentDto)
  installments?: InstallmentDto[];
}
