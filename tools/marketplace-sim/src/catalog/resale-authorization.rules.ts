import type { Product, World } from '../world';
import { isUsageDimension } from '../world';
import {
  DURATION,
  UPFRONT_CURRENCIES,
  UPFRONT_PRICE,
  USAGE_PRICE,
  type Doc,
  type ErrorDetail,
  type RaChangeType,
  type RaStatus,
  type ResaleAuthorization,
} from './resale-authorization';

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
