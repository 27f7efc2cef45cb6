import type { Product, World } from '../world';
import { isUsageDimension, legalName } from '../world';

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

const ACCOUNT = /^\d{12}$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DURATION = /^P\d+[DMY]$/;
/** CONFLICT in AWS docs (pattern without spaces vs examples with spaces): letters, digits, spaces, basic punctuation. */
const NAME = /^[\w\s.,:()&+'/-]+$/;
const USAGE_PRICE = /^\d+(\.\d{1,8})?$/;
const UPFRONT_PRICE = /^\d+(\.\d{1,6})?$/;
const UPFRONT_CURRENCIES = ['USD', 'AUD', 'EUR', 'GBP', 'JPY'];
const NET_PAYMENT_PERIODS = ['P15D', 'P30D', 'P45D', 'P60D', 'P90D', 'P120D'];
const PRICING_TERM_TYPES = [
  'ResaleUsageBasedPricingTerm',
  'ResaleConfigurableUpfrontPricingTerm',
  'ResaleFixedUpfrontPricingTerm',
];
export const STANDARD_EULA_URL =
  'https://s3.amazonaws.com/aws-mp-standard-contracts/Standard-Contact-for-AWS-Marketplace-2022-07-14.pdf';

type Doc = Record<string, unknown>;

function isObject(value: unknown): value is Doc {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Synchronous schema checks of one change's DetailsDocument: a problem → 422 from StartChangeSet. */
export function schemaProblems(
  changeType: RaChangeType,
  d: unknown,
  today: string,
  strictIntegers = false,
): string[] {
  if (!isObject(d)) return ['DetailsDocument must be a JSON object'];
  const problems: string[] = [];
  const only = (keys: string[]) => {
    for (const key of Object.keys(d))
      if (!keys.includes(key)) problems.push(`#: extraneous key [${key}] is not permitted`);
  };
  const termsOf = (type: string, exactlyOne: boolean) => {
    only(['Terms']);
    const terms = d['Terms'];
    if (!Array.isArray(terms)) return (problems.push('#/Terms: expected type: JSONArray'), []);
    if (exactlyOne && terms.length !== 1) problems.push(`#/Terms: expected exactly 1 ${type}`);
    terms.forEach((t, i) => {
      if (!isObject(t) || t['Type'] !== type) problems.push(`#/Terms/${i}/Type: must be ${type}`);
    });
    return terms.filter(isObject);
  };
  switch (changeType) {
    case 'CreateResaleAuthorization': {
      only(['ProductId', 'Name', 'Description', 'ResellerAccountId', 'BulkRequestId']);
      if (typeof d['ProductId'] !== 'string' || !d['ProductId'] || d['ProductId'].length > 50)
        problems.push('#/ProductId: required string of 1-50 characters');
      if (typeof d['Name'] !== 'string' || !d['Name'] || d['Name'].length > 100 || !NAME.test(d['Name']))
        problems.push('#/Name: required string of 1-100 characters without special characters');
      if (
        d['Description'] !== undefined &&
        (typeof d['Description'] !== 'string' || !d['Description'] || d['Description'].length > 255)
      )
        problems.push('#/Description: string of 1-255 characters');
      if (typeof d['ResellerAccountId'] !== 'string' || !ACCOUNT.test(d['ResellerAccountId']))
        problems.push('#/ResellerAccountId: required 12-digit AWS account id');
      break;
    }
    case 'UpdateInformation': {
      only(['Name', 'Description', 'PreExistingBuyerAgreement']);
      if (
        d['Name'] !== undefined &&
        (typeof d['Name'] !== 'string' || !d['Name'] || d['Name'].length > 100 || !NAME.test(d['Name']))
      )
        problems.push('#/Name: string of 1-100 characters without special characters');
      if (
        d['Description'] !== undefined &&
        (typeof d['Description'] !== 'string' || d['Description'].length > 255)
      )
        problems.push('#/Description: string of 1-255 characters');
      const pba = d['PreExistingBuyerAgreement'];
      if (pba !== undefined) {
        if (!isObject(pba)) problems.push('#/PreExistingBuyerAgreement: expected type: JSONObject');
        else {
          if (!['External', 'AwsMarketplace'].includes(String(pba['AcquisitionChannel'])))
            problems.push(
              '#/PreExistingBuyerAgreement/AcquisitionChannel: must be External or AwsMarketplace',
            );
          if (!['Contract', 'Usage', 'Byol', 'Free'].includes(String(pba['PricingModel'])))
            problems.push('#/PreExistingBuyerAgreement/PricingModel: must be Contract, Usage, Byol or Free');
        }
      }
      break;
    }
    case 'UpdateBuyerTargetingTerms': {
      for (const [i, term] of termsOf('BuyerTargetingTerm', true).entries()) {
        const accounts = isObject(term['PositiveTargeting'])
          ? term['PositiveTargeting']['BuyerAccounts']
          : undefined;
        if (!Array.isArray(accounts) || !accounts.length)
          problems.push(`#/Terms/${i}/PositiveTargeting/BuyerAccounts: required, 1-25 accounts`);
        else {
          if (accounts.length > 25)
            problems.push(`#/Terms/${i}/PositiveTargeting/BuyerAccounts: expected maximum item count: 25`);
          accounts.forEach((a, j) => {
            if (typeof a !== 'string' || !ACCOUNT.test(a))
              problems.push(
                `#/Terms/${i}/PositiveTargeting/BuyerAccounts/${j}: must be a 12-digit AWS account id`,
              );
          });
        }
      }
      break;
    }
    case 'UpdateAvailability': {
      only(['AvailabilityEndDate', 'OffersMaxQuantity']);
      if (d['AvailabilityEndDate'] === undefined && d['OffersMaxQuantity'] === undefined)
        problems.push('#: provide AvailabilityEndDate or OffersMaxQuantity');
      if (
        d['AvailabilityEndDate'] !== undefined &&
        (typeof d['AvailabilityEndDate'] !== 'string' || !DATE.test(d['AvailabilityEndDate']))
      )
        problems.push('#/AvailabilityEndDate: must be an ISO-8601 date (YYYY-MM-DD)');
      if (typeof d['OffersMaxQuantity'] === 'string' && strictIntegers)
        problems.push('#/OffersMaxQuantity: expected type: Integer, found: String (send 1, not "1")');
      else if (d['OffersMaxQuantity'] !== undefined && Number(d['OffersMaxQuantity']) !== 1)
        problems.push('#/OffersMaxQuantity: only 1 is allowed');
      break;
    }
    case 'UpdateBuyerValidityTerms': {
      for (const [i, term] of termsOf('BuyerValidityTerm', true).entries()) {
        if (
          typeof term['MaximumAgreementStartDate'] !== 'string' ||
          !DATE.test(term['MaximumAgreementStartDate'])
        )
          problems.push(`#/Terms/${i}/MaximumAgreementStartDate: required ISO-8601 date`);
      }
      break;
    }
    case 'UpdateLegalTerms': {
      only(['Terms']);
      const terms = d['Terms'];
      if (!Array.isArray(terms)) problems.push('#/Terms: expected type: JSONArray');
      else
        terms.forEach((t, i) => {
          if (!isObject(t) || !['BuyerLegalTerm', 'ResaleLegalTerm'].includes(String(t['Type'])))
            problems.push(`#/Terms/${i}/Type: must be BuyerLegalTerm or ResaleLegalTerm`);
          else if (!Array.isArray(t['Documents']) || !t['Documents'].length)
            problems.push(`#/Terms/${i}/Documents: required, at least one document`);
        });
      break;
    }
    case 'UpdatePricingTerms': {
      only(['PricingModel', 'Terms']);
      if (!['Usage', 'Contract'].includes(String(d['PricingModel'])))
        problems.push('#/PricingModel: must be Usage or Contract');
      const terms = d['Terms'];
      if (!Array.isArray(terms) || !terms.length) problems.push('#/Terms: required, at least one term');
      else
        terms.forEach((t, i) => {
          if (!isObject(t) || !PRICING_TERM_TYPES.includes(String(t['Type'])))
            problems.push(`#/Terms/${i}/Type: must be one of ${PRICING_TERM_TYPES.join(', ')}`);
        });
      break;
    }
    case 'UpdatePaymentScheduleTerms': {
      for (const [i, term] of termsOf('ResalePaymentScheduleTerm', true).entries()) {
        if (typeof term['CurrencyCode'] !== 'string') problems.push(`#/Terms/${i}/CurrencyCode: required`);
        if (!Array.isArray(term['Schedule']))
          problems.push(`#/Terms/${i}/Schedule: expected type: JSONArray`);
        else
          term['Schedule'].forEach((entry, j) => {
            if (
              !isObject(entry) ||
              typeof entry['ChargeDate'] !== 'string' ||
              !DATE.test(entry['ChargeDate'])
            )
              problems.push(`#/Terms/${i}/Schedule/${j}/ChargeDate: required ISO-8601 date`);
            // Checked at submission (AWS): a charge date must be in the future.
            else if (entry['ChargeDate'] <= today)
              problems.push(`#/Terms/${i}/Schedule/${j}/ChargeDate: must be a future date`);
            if (
              !isObject(entry) ||
              typeof entry['ChargeAmount'] !== 'string' ||
              !UPFRONT_PRICE.test(entry['ChargeAmount'])
            )
              problems.push(`#/Terms/${i}/Schedule/${j}/ChargeAmount: required non-negative decimal string`);
          });
      }
      break;
    }
    case 'UpdateNetPaymentTerms': {
      only(['Terms']);
      const terms = d['Terms'];
      if (!Array.isArray(terms) || terms.length > 1)
        problems.push('#/Terms: at most one ResaleNetPaymentTerm');
      else if (terms.length && (!isObject(terms[0]) || terms[0]['Type'] !== 'ResaleNetPaymentTerm'))
        problems.push('#/Terms/0/Type: must be ResaleNetPaymentTerm');
      // Checked at submission (AWS): the due period is one of the listed values.
      else if (terms.length && !NET_PAYMENT_PERIODS.includes(String((terms[0] as Doc)['PaymentDuePeriod'])))
        problems.push(`#/Terms/0/PaymentDuePeriod: must be one of ${NET_PAYMENT_PERIODS.join(', ')}`);
      break;
    }
    case 'ReleaseResaleAuthorization':
    case 'RestrictResaleAuthorization':
      only([]);
      break;
  }
  return problems;
}

/** A copy the change set works on; committed only if no change failed. */
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

export interface CheckContext {
  world: World;
  product?: Product;
  /** Status of the entity before this change set (undefined when the change set creates it). */
  statusBefore?: RaStatus;
  today: string;
  /** CONFLICT switch: a fixed upfront price also needs a payment schedule (see SimConfig). */
  fixedUpfrontRequiresSchedule?: boolean;
}

const err = (ErrorCode: string, ErrorMessage: string): ErrorDetail => ({ ErrorCode, ErrorMessage });

/**
 * The asynchronous business checks of one change, against the entity's final state after every change
 * of the change set: they end up in that change's `ErrorDetailList`.
 */
export function businessErrors(
  ra: ResaleAuthorization,
  changeType: RaChangeType,
  ctx: CheckContext,
): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const released = ctx.statusBefore === 'Active' || ctx.statusBefore === 'Restricted';
  if (released && changeType !== 'RestrictResaleAuthorization') {
    return [
      err(
        'INCOMPATIBLE_STATUS',
        `${changeType} request can't be performed after the resale authorization is released`,
      ),
    ];
  }
  const dims = ctx.product?.dimensions ?? [];
  const metered = dims.filter(isUsageDimension).map((x) => x.key);
  const entitled = dims.filter((x) => x.types.includes('Entitled')).map((x) => x.key);
  const chargeDates = ((ra.paymentScheduleTerm?.['Schedule'] as Doc[] | undefined) ?? []).map((e) =>
    String(e['ChargeDate']),
  );
  const fixed = ra.pricingTerms.find((t) => t.Type === 'ResaleFixedUpfrontPricingTerm');

  switch (changeType) {
    case 'CreateResaleAuthorization': {
      const isReseller = ctx.world.resellers.some((r) => r.accountId === ra.resellerAccountId);
      if (!isReseller || ra.resellerAccountId === ra.manufacturerAccountId)
        errors.push(
          err(
            'INVALID_RESELLER_ACCOUNT',
            `The reseller account ${ra.resellerAccountId} is not a valid AWS Marketplace channel partner`,
          ),
        );
      break;
    }
    case 'UpdateInformation':
      if (ra.preExistingBuyerAgreement && !ra.buyerAccounts?.length)
        errors.push(
          err(
            'INCOMPATIBLE_BUYER_TARGETING',
            'At least one Buyer account must be present for ResaleAuthorization with PreExistingBuyerAgreement.',
          ),
        );
      break;
    case 'UpdateAvailability':
      if (ra.availabilityEndDate !== undefined) {
        const end = ra.availabilityEndDate;
        if (end <= ctx.today)
          errors.push(err('INVALID_AVAILABILITY_END_DATE', 'Provide a future AvailabilityEndDate'));
        if (chargeDates.some((date) => date <= end))
          errors.push(
            err(
              'INVALID_AVAILABILITY_END_DATE',
              'Provide an AvailabilityEndDate that is before all the ChargeDate in ResalePaymentScheduleTerms',
            ),
          );
      }
      break;
    case 'UpdateBuyerValidityTerms': {
      if (ctx.product?.type !== 'SaaSProduct')
        errors.push(
          err('INCOMPATIBLE_PRODUCT', 'Future dated agreements are supported for SaaS products only'),
        );
      const date = String(ra.buyerValidityTerm?.['MaximumAgreementStartDate']);
      const limit = new Date(`${ctx.today}T00:00:00Z`);
      limit.setUTCFullYear(limit.getUTCFullYear() + 3);
      if (date <= ctx.today || date > limit.toISOString().slice(0, 10))
        errors.push(
          err(
            'INVALID_MAXIMUM_AGREEMENT_START_DATE',
            'MaximumAgreementStartDate must be in the future and at most 3 years ahead',
          ),
        );
      break;
    }
    case 'UpdateLegalTerms': {
      const buyer = ra.legalTerms.find((t) => t.Type === 'BuyerLegalTerm');
      if (!buyer) errors.push(err('MISSING_MANDATORY_TERMS', 'Provide a BuyerLegalTerm'));
      for (const term of ra.legalTerms) {
        const allowed =
          term.Type === 'BuyerLegalTerm'
            ? ['StandardEula', 'EnterpriseEula', 'CustomEula']
            : ['StandardResellerContract', 'CustomResellerContract'];
        const code =
          term.Type === 'BuyerLegalTerm' ? 'INVALID_BUYER_LEGAL_DOCUMENTS' : 'INVALID_RESALE_LEGAL_DOCUMENTS';
        for (const doc of (term['Documents'] as Doc[]) ?? []) {
          if (!allowed.includes(String(doc['Type'])))
            errors.push(err(code, `Document type ${String(doc['Type'])} is not valid in ${term.Type}`));
          else if (
            String(doc['Type']).startsWith('Custom') &&
            !/^https:\/\/\S+$/.test(String(doc['Url'] ?? ''))
          )
            errors.push(err(code, `${String(doc['Type'])} requires a Url to an accessible document`));
        }
      }
      if (
        ra.legalTerms.filter((t) => t.Type === 'BuyerLegalTerm').length > 1 ||
        ra.legalTerms.filter((t) => t.Type === 'ResaleLegalTerm').length > 1
      )
        errors.push(err('INVALID_BUYER_LEGAL_DOCUMENTS', 'Provide each legal term type at most once'));
      break;
    }
    case 'UpdatePricingTerms':
      errors.push(...pricingErrors(ra, metered, entitled));
      break;
    case 'UpdatePaymentScheduleTerms': {
      const schedule = (ra.paymentScheduleTerm?.['Schedule'] as Doc[]) ?? [];
      if (schedule.length < 1 || schedule.length > 60)
        errors.push(err('TOO_MANY_SCHEDULED_PAYMENTS', 'Provide between 1 and 60 scheduled payments'));
      if (new Set(chargeDates).size !== chargeDates.length)
        errors.push(err('DUPLICATE_CHARGE_DATES', 'Each ChargeDate in the payment schedule must be unique'));
      if (!fixed)
        errors.push(
          err(
            'MISSING_MANDATORY_TERMS',
            'Provide a ResaleFixedUpfrontPricingTerm and ResalePaymentScheduleTerm together',
          ),
        );
      else if (fixed['CurrencyCode'] !== ra.paymentScheduleTerm?.['CurrencyCode'])
        errors.push(err('INVALID_CURRENCY_CODE', 'Use the same currency in all pricing and payment terms'));
      const end = ra.availabilityEndDate;
      if (ra.offersMaxQuantity === undefined || end === undefined)
        errors.push(
          err(
            'INCOMPATIBLE_TERMS',
            'OffersMaxQuantity and AvailabilityEndDate must be present with ResalePaymentScheduleTerm',
          ),
        );
      else if (chargeDates.some((date) => date <= end))
        errors.push(err('INVALID_CHARGE_DATES', 'Every ChargeDate must be after the AvailabilityEndDate'));
      break;
    }
    case 'UpdateNetPaymentTerms':
      break;
    case 'ReleaseResaleAuthorization': {
      if (ctx.statusBefore !== undefined && ctx.statusBefore !== 'Draft')
        errors.push(err('INCOMPATIBLE_STATUS', 'Only a Draft resale authorization can be released'));
      if (!ctx.product || ctx.product.status === 'Draft')
        errors.push(err('INCOMPATIBLE_PRODUCT', 'The product must be active, limited or public'));
      if (!ra.legalTerms.some((t) => t.Type === 'BuyerLegalTerm'))
        errors.push(err('MISSING_MANDATORY_TERMS', 'Provide a BuyerLegalTerm'));
      if (!ra.pricingTerms.length) errors.push(err('MISSING_MANDATORY_TERMS', 'Provide a PricingTerm'));
      if (
        (ra.paymentScheduleTerm && !fixed) ||
        (fixed && !ra.paymentScheduleTerm && ctx.fixedUpfrontRequiresSchedule)
      )
        errors.push(
          err(
            'INCOMPATIBLE_PRICING_TERM',
            'PaymentScheduleTerm and FixedUpfrontPricingTerm must be present together',
          ),
        );
      if (ra.preExistingBuyerAgreement && !ra.buyerAccounts?.length)
        errors.push(
          err(
            'INCOMPATIBLE_BUYER_TARGETING',
            'At least one Buyer account must be present for ResaleAuthorization with PreExistingBuyerAgreement.',
          ),
        );
      if (ra.availabilityEndDate !== undefined && ra.availabilityEndDate <= ctx.today)
        errors.push(err('INVALID_AVAILABILITY_END_DATE', 'Provide a future AvailabilityEndDate'));
      break;
    }
    case 'RestrictResaleAuthorization':
      if (
        ctx.statusBefore !== 'Active' ||
        (ra.availabilityEndDate !== undefined && ra.availabilityEndDate < ctx.today)
      )
        errors.push(
          err('INCOMPATIBLE_STATUS', 'Only an active, unexpired resale authorization can be restricted'),
        );
      break;
  }
  return errors;
}

function pricingErrors(ra: ResaleAuthorization, metered: string[], entitled: string[]): ErrorDetail[] {
  const errors: ErrorDetail[] = [];
  const types = ra.pricingTerms.map((t) => t.Type);
  if (new Set(types).size !== types.length)
    errors.push(err('INCOMPATIBLE_TERMS', 'Provide each pricing term type at most once'));
  const upfront = ra.pricingTerms.filter((t) => t.Type !== 'ResaleUsageBasedPricingTerm');
  // AWS documents INCOMPATIBLE_TERMS as "terms aren't compatible with the PricingModel": upfront terms under
  // Usage. A usage term under Contract is fine (AWS's own UpdatePricingTerms example has one).
  if (ra.pricingModel === 'Usage' && upfront.length)
    errors.push(err('INCOMPATIBLE_TERMS', "The terms aren't compatible with the PricingModel"));
  const currencies = new Set(ra.pricingTerms.map((t) => String(t['CurrencyCode'])));
  if (currencies.size > 1)
    errors.push(err('INVALID_CURRENCY_CODE', 'Use the same currency in all pricing and payment terms'));

  for (const term of ra.pricingTerms) {
    const currency = String(term['CurrencyCode']);
    const cards = (term['RateCards'] as Doc[] | undefined) ?? [];
    if (term.Type === 'ResaleUsageBasedPricingTerm') {
      if (currency !== 'USD')
        errors.push(err('INVALID_CURRENCY_CODE', 'ResaleUsageBasedPricingTerm supports USD only'));
      const rates = cards.flatMap((card) => (card['RateCard'] as Doc[] | undefined) ?? []);
      const keys = rates.map((r) => String(r['DimensionKey']));
      if (new Set(keys).size !== keys.length)
        errors.push(err('DUPLICATE_DIMENSION_KEYS', 'Each dimension may have one usage rate'));
      for (const rate of rates) {
        if (!USAGE_PRICE.test(String(rate['Price'])))
          errors.push(
            err(
              'INVALID_RATE_CARD',
              `Price ${String(rate['Price'])} of ${String(rate['DimensionKey'])} must be a non-negative decimal with up to 8 decimals`,
            ),
          );
        if (!metered.includes(String(rate['DimensionKey'])))
          errors.push(
            err(
              'INCOMPATIBLE_PRODUCT',
              `Dimension ${String(rate['DimensionKey'])} is not a metered dimension of the product`,
            ),
          );
      }
      const missing = metered.filter((key) => !keys.includes(key));
      if (missing.length)
        errors.push(
          err(
            'INVALID_RATE_CARD',
            `Provide usage based rates for all available metered dimensions in ResaleUsageBasedPricingTerm (missing: ${missing.join(', ')})`,
          ),
        );
      continue;
    }
    if (!UPFRONT_CURRENCIES.includes(currency))
      errors.push(err('INVALID_CURRENCY_CODE', `Currency ${currency} is not supported`));
    if (term.Type === 'ResaleFixedUpfrontPricingTerm') {
      if (!UPFRONT_PRICE.test(String(term['Price'])))
        errors.push(err('INVALID_RATE_CARD', 'Price must be a non-negative decimal with up to 6 decimals'));
      if (!DURATION.test(String(term['Duration'])))
        errors.push(
          err('INVALID_SELECTOR_DURATION_VALUE', 'Duration must be an ISO-8601 duration such as P12M'),
        );
      const grants = (term['Grants'] as Doc[] | undefined) ?? [];
      if (!grants.length)
        errors.push(err('MISSING_MANDATORY_TERMS', 'ResaleFixedUpfrontPricingTerm requires Grants'));
      for (const grant of grants) {
        if (!entitled.includes(String(grant['DimensionKey'])))
          errors.push(
            err(
              'INCOMPATIBLE_PRODUCT',
              `Dimension ${String(grant['DimensionKey'])} is not an entitled dimension of the product`,
            ),
          );
        if (!Number.isInteger(grant['MaxQuantity']) || Number(grant['MaxQuantity']) < 1)
          errors.push(
            err(
              'INVALID_RATE_CARD',
              `MaxQuantity of ${String(grant['DimensionKey'])} must be a positive integer`,
            ),
          );
      }
    } else {
      const keySets = cards.map((card) =>
        ((card['RateCard'] as Doc[] | undefined) ?? [])
          .map((r) => String(r['DimensionKey']))
          .sort()
          .join(','),
      );
      if (new Set(keySets).size > 1)
        errors.push(err('INVALID_RATE_CARD', 'The same dimension keys must appear for every duration'));
      for (const card of cards) {
        const selector = card['Selector'] as Doc | undefined;
        if (selector?.['Type'] !== 'Duration' || !DURATION.test(String(selector?.['Value'])))
          errors.push(
            err(
              'INVALID_SELECTOR_DURATION_VALUE',
              'Selector must be {Type: Duration, Value: ISO-8601 duration}',
            ),
          );
        for (const rate of (card['RateCard'] as Doc[] | undefined) ?? []) {
          if (!entitled.includes(String(rate['DimensionKey'])))
            errors.push(
              err(
                'INCOMPATIBLE_PRODUCT',
                `Dimension ${String(rate['DimensionKey'])} is not an entitled dimension of the product`,
              ),
            );
          if (!UPFRONT_PRICE.test(String(rate['Price'])))
            errors.push(
              err('INVALID_RATE_CARD', 'Price must be a non-negative decimal with up to 6 decimals'),
            );
        }
      }
    }
  }
  return errors;
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
