import { IsArray, IsIn, IsISO8601, IsNotEmpty, IsObject, IsOptional, IsString } from 'class-validator';
import { IsAwsAccountId, Nested } from '../validation';

/**
 * class-validator shapes of the AWS notifications we accept (reference/aws-marketplace.md §B).
 * Only the fields we use are declared; unknown extra fields are tolerated (AWS adds fields).
 */
export class EventBridgeEnvelopeShape {
  @IsString()
  @IsNotEmpty()
  id: string;

  @IsString()
  @IsNotEmpty()
  'detail-type': string;

  @IsString()
  @IsNotEmpty()
  source: string;

  @IsAwsAccountId()
  account: string;

  @IsISO8601()
  time: string;

  @IsOptional()
  @IsString()
  region?: string;

  @IsObject()
  detail: Record<string, unknown>;
}

class IdRef {
  @IsString()
  @IsNotEmpty()
  id: string;
}

class OptionalIdRef {
  @IsOptional()
  @IsString()
  id?: string | null;
}

class AccountRef {
  @IsAwsAccountId()
  accountId: string;
}

class OfferRef extends IdRef {
  @IsOptional()
  @IsString()
  name?: string;

  @IsOptional()
  @IsISO8601()
  expirationDate?: string;
}

class ProductRef extends IdRef {
  @IsOptional()
  @IsString()
  title?: string;
}

export class OfferReleasedDetailShape {
  @Nested(() => OfferRef)
  offer: OfferRef;

  @Nested(() => ProductRef)
  product: ProductRef;

  @Nested(() => AccountRef, { optional: true })
  manufacturer?: AccountRef;

  @Nested(() => AccountRef)
  sellerOfRecord: AccountRef;

  @IsOptional()
  @IsArray()
  @IsAwsAccountId({ each: true })
  targetedBuyerAccountIds?: string[];

  @Nested(() => OptionalIdRef, { optional: true })
  offerSet?: OptionalIdRef;
}

/** Change-set details come PascalCase from AWS; the parser lower-cases the first letter of each key. */
export class ChangeSetDetailShape {
  @IsString()
  @IsNotEmpty()
  changeSetId: string;

  @IsOptional()
  @IsString()
  changeSetName?: string;

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

/** The parties and offer an agreement-marketplace event names (all optional: AWS varies them). */
class AgreementPartiesShape {
  @Nested(() => AccountRef, { optional: true })
  acceptor?: AccountRef;

  @Nested(() => AccountRef, { optional: true })
  proposer?: AccountRef;

  @Nested(() => OptionalIdRef, { optional: true })
  offer?: OptionalIdRef;
}

class AgreementRef extends IdRef {
  @IsOptional()
  @IsIn(['NEW', 'RENEW', 'AMEND', 'REPLACE'])
  intent?: 'NEW' | 'RENEW' | 'AMEND' | 'REPLACE';

  @IsOptional()
  @IsString()
  status?: string;

  @IsOptional()
  @IsISO8601()
  acceptanceTime?: string;

  @IsOptional()
  @IsISO8601()
  startTime?: string;

  @IsOptional()
  @IsISO8601()
  endTime?: string;

  @IsOptional()
  @IsString()
  previousAgreementId?: string;
}

export class AgreementDetailShape extends AgreementPartiesShape {
  @Nested(() => AgreementRef)
  agreement: AgreementRef;

  @Nested(() => OptionalIdRef, { optional: true })
  resaleAuthorization?: OptionalIdRef | null;

  @Nested(() => OptionalIdRef, { optional: true })
  product?: OptionalIdRef;
}

class LicenseProductRef {
  @IsOptional()
  @IsString()
  id?: string;

  @IsOptional()
  @IsString()
  code?: string;
}

class LicenseRef {
  @IsString()
  @IsNotEmpty()
  arn: string;
}

export class LicenseDetailShape extends AgreementPartiesShape {
  @Nested(() => IdRef)
  agreement: IdRef;

  @Nested(() => LicenseProductRef, { optional: true })
  product?: LicenseProductRef;

  @Nested(() => LicenseRef, { optional: true })
  license?: LicenseRef;
}

export class SnsEnvelopeShape {
  @IsIn(['Notification'])
  Type: 'Notification';

  @IsString()
  @IsNotEmpty()
  MessageId: string;

  @IsOptional()
  @IsString()
  TopicArn?: string;

  @IsString()
  @IsNotEmpty()
  Message: string;

  @IsOptional()
  @IsISO8601()
  Timestamp?: string;
}

export const SAAS_ACTIONS = [
  'subscribe-success',
  'subscribe-fail',
  'unsubscribe-pending',
  'unsubscribe-success',
  'entitlement-updated',
] as const;

export class SaasMessageShape {
  @IsIn(SAAS_ACTIONS)
  action: (typeof SAAS_ACTIONS)[number];

  @IsString()
  @IsNotEmpty()
  'customer-identifier': string;

  @IsString()
  @IsNotEmpty()
  'product-code': string;

  @IsOptional()
  @IsString()
  'offer-identifier'?: string;

  @IsOptional()
  @IsIn([true, false, 'true', 'false'])
  isFreeTrialTermPresent?: boolean | 'true' | 'false';
}

/** Agreement notices: the agreement is required; the rest as in the lifecycle events, all optional. */
export class AgreementNoticeDetailShape extends AgreementPartiesShape {
  @Nested(() => IdRef)
  agreement: IdRef;

  @Nested(() => OptionalIdRef, { optional: true })
  product?: OptionalIdRef;
}

/** OfferSet Released: its shape is not printed by AWS; the offer set id is what is required. */
export class OfferSetReleasedDetailShape {
  @Nested(() => IdRef)
  offerSet: IdRef;
}
