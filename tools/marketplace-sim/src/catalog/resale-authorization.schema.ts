import {
  ACCOUNT,
  DATE,
  isObject,
  NAME,
  NET_PAYMENT_PERIODS,
  PRICING_TERM_TYPES,
  UPFRONT_PRICE,
  type Doc,
  type RaChangeType,
} from './resale-authorization';

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
