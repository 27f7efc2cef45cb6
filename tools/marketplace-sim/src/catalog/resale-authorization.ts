import type { Product, World } from '../world';
import { legalName } from '../world';

/**
 * A resale authorization (`ResaleAuthorization@1.0`) as the Catalog API keeps it, and the rules AWS
 * documents for each change type (reference/aws-marketplace.md §A.4–A.5).
 */
export type RaStatus = 'Draft' | 'Active' | 'Restricted';

export interface Term {
  Type: string;
  [key: string]: unknown;
}

export interface ResaleAuthorization {
  id: string;
  revision: number;
  manufacturerAccountId: string;
  productId: string;
  name: string;
  description?: string;
  resellerAccountId: string;
  status: RaStatus;
  createdDate: string;
  lastModifiedDate: string;
  preExistingBuyerAgreement?: { AcquisitionChannel: string; PricingModel: string };
  buyerAccounts?: string[];
  availabilityEndDate?: string;
  offersMaxQuantity?: number;
  pricingModel?: string;
  pricingTerms: Term[];
  paymentScheduleTerm?: Term;
  legalTerms: Term[];
  netPaymentTerm?: Term;
  buyerValidityTerm?: Term;
  offersCreated: number;
}

export interface ErrorDetail {
  ErrorCode: string;
  ErrorMessage: string;
}

export const RA_ENTITY_TYPE = 'ResaleAuthorization@1.0';

export const RA_CHANGE_TYPES = [
  'CreateResaleAuthorization',
  'UpdateInformation',
  'UpdateBuyerTargetingTerms',
  'UpdateAvailability',
  'UpdateBuyerValidityTerms',
  'UpdateLegalTerms',
  'UpdatePricingTerms',
  'UpdatePaymentScheduleTerms',
  'UpdateNetPaymentTerms',
  'ReleaseResaleAuthorization',
  'RestrictResaleAuthorization',
] as const;
export type RaChangeType = (typeof RA_CHANGE_TYPES)[number];

export const ACCOUNT = /^\d{12}$/;
export const DATE = /^\d{4}-\d{2}-\d{2}$/;
export const DURATION = /^P\d+[DMY]$/;
/** CONFLICT in AWS docs (pattern without spaces vs examples with spaces): letters, digits, spaces, basic punctuation. */
export const NAME = /^[\w\s.,:()&+'/-]+$/;
export const USAGE_PRICE = /^\d+(\.\d{1,8})?$/;
export const UPFRONT_PRICE = /^\d+(\.\d{1,6})?$/;
export const UPFRONT_CURRENCIES = ['USD', 'AUD', 'EUR', 'GBP', 'JPY'];
export const NET_PAYMENT_PERIODS = ['P15D', 'P30D', 'P45D', 'P60D', 'P90D', 'P120D'];
export const PRICING_TERM_TYPES = [
  'ResaleUsageBasedPricingTerm',
  'ResaleConfigurableUpfrontPricingTerm',
  'ResaleFixedUpfrontPricingTerm',
];
export const STANDARD_EULA_URL =
  'https://s3.amazonaws.com/aws-mp-standard-contracts/Standard-Contact-for-AWS-Marketplace-2022-07-14.pdf';

export type Doc = Record<string, unknown>;

export function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function cloneRa(ra: ResaleAuthorization): ResaleAuthorization {
  return structuredClone(ra);
}

export function newRa(id: string, manufacturerAccountId: string, d: Doc, now: string): ResaleAuthorization {
  return {
    id,
    revision: 0,
    manufacturerAccountId,
    productId: String(d['ProductId']),
    name: String(d['Name']),
    description: d['Description'] as string | undefined,
    resellerAccountId: String(d['ResellerAccountId']),
    status: 'Draft',
    createdDate: now,
    lastModifiedDate: now,
    pricingTerms: [],
    legalTerms: [],
    offersCreated: 0,
  };
}

/** Applies an Update* change to the working copy (validation happens afterwards, on the final state). */
export function applyChange(ra: ResaleAuthorization, changeType: RaChangeType, d: Doc): void {
  switch (changeType) {
    case 'UpdateInformation':
      if (d['Name'] !== undefined) ra.name = String(d['Name']);
      if (d['Description'] !== undefined) ra.description = String(d['Description']);
      if (d['PreExistingBuyerAgreement'] !== undefined)
        ra.preExistingBuyerAgreement = d[
          'PreExistingBuyerAgreement'
        ] as ResaleAuthorization['preExistingBuyerAgreement'];
      break;
    case 'UpdateBuyerTargetingTerms':
      ra.buyerAccounts = [
        ...(((d['Terms'] as Term[])[0]['PositiveTargeting'] as Doc)['BuyerAccounts'] as string[]),
      ];
      break;
    case 'UpdateAvailability':
      if (d['AvailabilityEndDate'] !== undefined) ra.availabilityEndDate = String(d['AvailabilityEndDate']);
      if (d['OffersMaxQuantity'] !== undefined) ra.offersMaxQuantity = Number(d['OffersMaxQuantity']);
      break;
    case 'UpdateBuyerValidityTerms':
      ra.buyerValidityTerm = (d['Terms'] as Term[])[0];
      break;
    case 'UpdateLegalTerms':
      ra.legalTerms = structuredClone(d['Terms'] as Term[]);
      break;
    case 'UpdatePricingTerms':
      ra.pricingModel = String(d['PricingModel']);
      ra.pricingTerms = structuredClone(d['Terms'] as Term[]);
      break;
    case 'UpdatePaymentScheduleTerms':
      ra.paymentScheduleTerm = structuredClone((d['Terms'] as Term[])[0]);
      break;
    case 'UpdateNetPaymentTerms':
      ra.netPaymentTerm = (d['Terms'] as Term[])[0];
      break;
    case 'ReleaseResaleAuthorization':
      ra.status = 'Active';
      break;
    case 'RestrictResaleAuthorization':
      ra.status = 'Restricted';
      break;
    case 'CreateResaleAuthorization':
      break;
  }
}

/** `OfferDetails.OfferExtendedStatus`, the ISV's signal that partners have used the authorization. */
export function offerExtendedStatus(ra: ResaleAuthorization): string {
  if (!ra.offersCreated) return 'Not Started';
  return ra.offersMaxQuantity === 1 ? 'Completed-Used' : 'Completed-Usable';
}

/** DescribeEntity's DetailsDocument, as AWS renders a stored resale authorization. */
export function renderRa(ra: ResaleAuthorization, world: World, product?: Product): Record<string, unknown> {
  let termId = 0;
  const id = () => `term-${ra.id.replace(/^resaleauthz-/, '')}-${++termId}`;
  const terms: Record<string, unknown>[] = [];
  if (ra.buyerAccounts) {
    terms.push({
      Type: 'BuyerTargetingTerm',
      Id: id(),
      PositiveTargeting: {
        BuyerAccounts: ra.buyerAccounts.map((AwsAccountId) => ({
          AwsAccountId,
          LegalName: legalName(world, AwsAccountId) ?? 'Unknown',
        })),
      },
    });
  }
  for (const term of ra.pricingTerms) terms.push({ ...structuredClone(term), Id: id() });
  if (ra.paymentScheduleTerm) terms.push({ ...structuredClone(ra.paymentScheduleTerm), Id: id() });
  for (const term of ra.legalTerms) {
    terms.push({
      Type: term.Type,
      Id: id(),
      Documents: ((term['Documents'] as Doc[]) ?? []).map((doc) =>
        doc['Type'] === 'StandardEula'
          ? { Type: 'StandardEula', Url: STANDARD_EULA_URL, Version: '2022-07-14' }
          : { ...doc },
      ),
    });
  }
  if (ra.netPaymentTerm) terms.push({ ...ra.netPaymentTerm, Id: id() });
  if (ra.buyerValidityTerm) terms.push({ ...ra.buyerValidityTerm, Id: id() });
  const limited = ra.availabilityEndDate !== undefined || ra.offersMaxQuantity !== undefined;
  const availability: Record<string, unknown> = {
    Type: 'AvailabilityRule',
    Id: `rule-${ra.id}-availability`,
    Usage: limited ? 'Limited' : 'Unlimited',
  };
  if (ra.availabilityEndDate) availability['AvailabilityEndDate'] = `${ra.availabilityEndDate}T23:59:59Z`;
  if (ra.offersMaxQuantity !== undefined) availability['OffersMaxQuantity'] = ra.offersMaxQuantity;
  return {
    Name: ra.name,
    Description: ra.description,
    ProductId: ra.productId,
    ProductName: product?.title,
    Status: ra.status,
    CreatedDate: ra.createdDate,
    ManufacturerAccountId: ra.manufacturerAccountId,
    ManufacturerLegalName: legalName(world, ra.manufacturerAccountId),
    PreExistingBuyerAgreement: ra.preExistingBuyerAgreement ?? {
      AcquisitionChannel: 'Unknown',
      PricingModel: 'Unknown',
    },
    Dimensions: (product?.dimensions ?? []).map((d) => ({
      Name: d.name,
      Description: d.description ?? d.name,
      Key: d.key,
      Unit: d.unit,
      Types: d.types,
    })),
    OfferDetails: { OfferExtendedStatus: offerExtendedStatus(ra), OfferCreatedCount: ra.offersCreated },
    PricingModel: ra.pricingModel,
    Terms: terms,
    Rules: [
      availability,
      {
        Type: 'PartnerTargetingRule',
        Id: `rule-${ra.id}-partner`,
        ResellerAccountId: ra.resellerAccountId,
        ResellerLegalName: legalName(world, ra.resellerAccountId) ?? 'Unknown',
      },
    ],
  };
}
