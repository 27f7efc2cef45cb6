import { randomBytes, randomUUID } from 'node:crypto';
import { AwsError } from './aws-errors';
import { must } from './must';
import { isoSeconds, randomId } from './catalog/catalog.service';
import type { ResaleAuthorization, Term } from './catalog/resale-authorization';
import { eventBridgeEvent, type DeliveryOptions, type EventBus } from './events';
import type { AgreementRecord, AgreementStatus, MeteringRecord, PartnerOffer, SimState } from './state';
import { findProduct, isUsageDimension, legalName } from './world';

type Doc = Record<string, unknown>;

const ACCOUNT = /^\d{12}$/;
const epoch = (iso: string | undefined) => (iso ? Date.parse(iso) / 1000 : undefined);

/** 400-class errors of the JSON services: `message` member, AWS error type. */
const jsonError = (type: string, message: string, status = 400, extra: Doc = {}) =>
  new AwsError(type, status, message, extra);
/** Scenario API errors: plain JSON `{ error, message }` with an HTTP status. */
export class ScenarioError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * The partner and buyer side of the deal chain (scenario API), and the Agreement, Entitlement and
 * Metering APIs that read it.
 */
export class CommerceService {
  constructor(
    private readonly state: SimState,
    private readonly events: EventBus,
  ) {}

  // ---------------------------------------------------------------- partner: CPPO offers

  /** CreateOfferUsingResaleAuthorization + release, as the partner would do it; notifies the ISV. */
  async createPartnerOffer(input: Doc, delivery?: DeliveryOptions): Promise<PartnerOffer> {
    const ra = this.state.resaleAuthorizations.get(String(input['resaleAuthorizationId']));
    if (!ra)
      throw new ScenarioError(
        404,
        `resale authorization ${String(input['resaleAuthorizationId'])} not found`,
      );
    const partner = String(input['partnerAccountId'] ?? ra.resellerAccountId);
    const buyers = (input['buyerAccountIds'] as string[] | undefined) ?? ra.buyerAccounts ?? [];
    const today = new Date().toISOString().slice(0, 10);
    if (ra.status !== 'Active')
      throw new ScenarioError(409, `resale authorization ${ra.id} is ${ra.status}, not Active`);
    if (ra.resellerAccountId !== partner)
      throw new ScenarioError(403, `resale authorization ${ra.id} is not targeted to ${partner}`);
    if (ra.availabilityEndDate && ra.availabilityEndDate < today)
      throw new ScenarioError(409, `resale authorization ${ra.id} expired on ${ra.availabilityEndDate}`);
    if (ra.offersMaxQuantity === 1 && ra.offersCreated >= 1)
      throw new ScenarioError(409, `resale authorization ${ra.id} is single use and already used`);
    if (
      !Array.isArray(buyers) ||
      !buyers.length ||
      buyers.length > 25 ||
      buyers.some((b) => !ACCOUNT.test(b))
    ) {
      throw new ScenarioError(400, 'buyerAccountIds must list 1-25 12-digit account ids');
    }
    const targeted = ra.buyerAccounts ?? [];
    if (targeted.length) {
      const outside = buyers.filter((b) => !targeted.includes(b));
      if (outside.length)
        throw new ScenarioError(
          409,
          `INCOMPATIBLE_RESALE_AUTHORIZATION: buyers ${outside.join(', ')} are not targeted by ${ra.id}`,
        );
    }
    const offer: PartnerOffer = {
      id: `offer-${randomId(13)}`,
      name: String(input['name'] ?? `${ra.name} (CPPO)`),
      partnerAccountId: partner,
      manufacturerAccountId: ra.manufacturerAccountId,
      resaleAuthorizationId: ra.id,
      productId: ra.productId,
      buyerAccountIds: buyers,
      expirationDate:
        (input['expirationDate'] as string | undefined) ??
        (ra.availabilityEndDate ? `${ra.availabilityEndDate}T23:59:59Z` : undefined),
      markupPercentage: input['markupPercentage'] as string | undefined,
      state: 'Released',
      createdDate: isoSeconds(),
      replacesAgreementId: input['replacesAgreementId'] as string | undefined,
    };
    this.state.offers.set(offer.id, offer);
    ra.offersCreated += 1;
    ra.revision += 1;
    await this.offerReleased(offer, buyers, delivery);
    return offer;
  }

  /** The ISV's own (direct) private offer on one of its products; AWS notifies it with Offer Released too. */
  async createDirectOffer(input: Doc, delivery?: DeliveryOptions): Promise<PartnerOffer> {
    const found = findProduct(this.state.world, String(input['productId']));
    if (!found) throw new ScenarioError(404, `product ${String(input['productId'])} not found`);
    const buyers = (input['buyerAccountIds'] as string[] | undefined) ?? [];
    if (!Array.isArray(buyers) || !buyers.length || buyers.some((b) => !ACCOUNT.test(b)))
      throw new ScenarioError(400, 'buyerAccountIds must list 1-25 12-digit account ids');
    const offer: PartnerOffer = {
      id: `offer-${randomId(13)}`,
      name: String(input['name'] ?? `${found.product.title} private offer`),
      partnerAccountId: found.seller.accountId,
      manufacturerAccountId: found.seller.accountId,
      productId: found.product.id,
      buyerAccountIds: buyers,
      state: 'Released',
      createdDate: isoSeconds(),
    };
    this.state.offers.set(offer.id, offer);
    await this.offerReleased(offer, buyers, delivery);
    return offer;
  }

  /** `Offer Released` to the manufacturer: seller of record the partner (CPPO) or the ISV itself (direct). */
  private async offerReleased(
    offer: PartnerOffer,
    buyers: string[],
    delivery?: DeliveryOptions,
  ): Promise<void> {
    const seller = offer.partnerAccountId;
    const product = must(findProduct(this.state.world, offer.productId), `product ${offer.productId}`);
    await this.events.emit(
      'eventbridge',
      'Offer Released',
      eventBridgeEvent(
        'aws.marketplacecatalog',
        'Offer Released',
        offer.manufacturerAccountId,
        [`arn:aws:aws-marketplace:us-east-1:${seller}:AWSMarketplace/Offer/${offer.id}`],
        {
          offer: {
            id: offer.id,
            arn: `arn:aws:catalog:us-east-1:${seller}:Offer/${offer.id}`,
            name: offer.name,
            expirationDate: offer.expirationDate,
          },
          product: {
            id: product.product.id,
            arn: `arn:aws:aws-marketplace:us-east-1:${product.seller.accountId}:AWSMarketplace/SaaSProduct/${product.product.id}`,
            title: product.product.title,
          },
          manufacturer: { accountId: product.seller.accountId, name: product.seller.legalName },
          sellerOfRecord: { accountId: seller, name: legalName(this.state.world, seller) ?? 'Unknown' },
          targetedBuyerAccountIds: buyers,
        },
      ),
      delivery,
    );
  }

  // ---------------------------------------------------------------- buyer: agreements

  /** The buyer accepts a CPPO offer: agreement, licence, Created + License Updated notifications. */
  async accept(input: Doc, delivery?: DeliveryOptions): Promise<AgreementRecord> {
    const offer = this.state.offers.get(String(input['offerId']));
    if (!offer) throw new ScenarioError(404, `offer ${String(input['offerId'])} not found`);
    const buyer = String(input['buyerAccountId'] ?? offer.buyerAccountIds[0]);
    if (!offer.buyerAccountIds.includes(buyer))
      throw new ScenarioError(403, `offer ${offer.id} is not targeted to ${buyer}`);
    if (offer.expirationDate && offer.expirationDate < new Date().toISOString())
      throw new ScenarioError(409, `offer ${offer.id} expired`);
    // A direct private offer has no resale authorization: no wholesale terms to inherit.
    const ra = offer.resaleAuthorizationId
      ? must(this.state.resaleAuthorizations.get(offer.resaleAuthorizationId), offer.resaleAuthorizationId)
      : undefined;
    // A renewal names the agreement it renews; a replacement offer (CreateReplacementOffer…) the one it replaces.
    const renews = input['previousAgreementId'] as string | undefined;
    const previousId = renews ?? offer.replacesAgreementId;
    const previous = previousId ? this.state.agreements.get(previousId) : undefined;
    if (previousId && !previous) throw new ScenarioError(404, `agreement ${previousId} not found`);
    const product = must(findProduct(this.state.world, offer.productId), offer.productId).product;
    const fixed = ra?.pricingTerms.find((t) => t.Type === 'ResaleFixedUpfrontPricingTerm');
    const start = (input['startTime'] as string | undefined) ?? isoSeconds();
    const duration = String(
      fixed?.['Duration'] ?? (configurable(ra)?.['Selector'] as Doc | undefined)?.['Value'] ?? '',
    );
    const agreement: AgreementRecord = {
      id: `agmt-${randomId(25)}`,
      offerId: offer.id,
      resaleAuthorizationId: ra?.id,
      productId: product.id,
      productCode: product.code,
      manufacturerAccountId: offer.manufacturerAccountId,
      proposerAccountId: offer.partnerAccountId,
      acceptorAccountId: buyer,
      status: 'ACTIVE',
      intent: !previous ? 'NEW' : renews ? 'RENEW' : 'REPLACE',
      acceptanceTime: isoSeconds(),
      startTime: start,
      endTime: (input['endTime'] as string | undefined) ?? addDuration(start, duration),
      previousAgreementId: previous?.id,
      licenseArn: `arn:aws:license-manager::${offer.manufacturerAccountId}:license:l-${randomBytes(16).toString('hex')}`,
      customerIdentifier: `cust-${randomId(11)}`,
      registrationToken: randomUUID(),
      grants: grantsBought(ra, fixed, input['quantities'] as Record<string, number> | undefined),
      acceptedTerms: [],
      agreementValue: ra ? agreementValue(ra) : '0.00',
      currencyCode: String(fixed?.['CurrencyCode'] ?? ra?.pricingTerms[0]?.['CurrencyCode'] ?? 'USD'),
      licenseDeprovisioned: false,
    };
    // What the buyer accepted is the partner's offer: the authorization's terms with the partner's markup,
    // each term with an id, and a validity term.
    agreement.acceptedTerms = ra
      ? withTermIds(agreement.id, [
          ...acceptedTerms(
            ra,
            input['quantities'] as Record<string, number> | undefined,
            offer.markupPercentage,
          ),
          {
            validityTerm: {
              type: 'ValidityTerm',
              agreementDuration: duration || undefined,
              agreementStartDate: epoch(agreement.startTime),
              agreementEndDate: epoch(agreement.endTime),
            },
          },
        ])
      : [];
    this.state.agreements.set(agreement.id, agreement);
    await this.agreementEvent('Created', agreement, delivery);
    await this.licenseEvent('Updated', agreement, delivery);
    if (previous) {
      // The old agreement ends RENEWED or REPLACED, and AWS says so with Purchase Agreement Ended too.
      previous.status = renews ? 'RENEWED' : 'REPLACED';
      previous.endTime = agreement.startTime;
      await this.agreementEvent('Ended', previous, delivery);
    }
    return agreement;
  }

  async amend(agreementId: string, input: Doc, delivery?: DeliveryOptions): Promise<AgreementRecord> {
    const agreement = this.activeAgreement(agreementId);
    if (Array.isArray(input['grants'])) {
      agreement.grants = (input['grants'] as Doc[]).map((g) => ({
        dimensionKey: String(g['dimensionKey']),
        quantity: Number(g['quantity']),
      }));
    }
    if (typeof input['endTime'] === 'string') agreement.endTime = input['endTime'];
    agreement.intent = 'AMEND';
    await this.agreementEvent('Amended', agreement, delivery);
    await this.licenseEvent('Updated', agreement, delivery);
    return agreement;
  }

  /** Cancel (the buyer), expire or terminate (AWS): the agreement ends; Ended opens the final-usage hour. */
  async end(
    agreementId: string,
    status: AgreementStatus,
    delivery?: DeliveryOptions,
  ): Promise<AgreementRecord> {
    if (!['CANCELLED', 'EXPIRED', 'TERMINATED'].includes(status))
      throw new ScenarioError(400, 'status must be CANCELLED, EXPIRED or TERMINATED');
    const agreement = this.activeAgreement(agreementId);
    agreement.status = status;
    agreement.endTime = isoSeconds();
    await this.agreementEvent('Ended', agreement, delivery);
    return agreement;
  }

  async deprovision(agreementId: string, delivery?: DeliveryOptions): Promise<AgreementRecord> {
    const agreement = this.agreementOrThrow(agreementId);
    agreement.licenseDeprovisioned = true;
    await this.licenseEvent('Deprovisioned', agreement, delivery);
    return agreement;
  }

  private async agreementEvent(
    kind: 'Created' | 'Amended' | 'Ended',
    a: AgreementRecord,
    delivery?: DeliveryOptions,
  ): Promise<void> {
    const detailType = `Purchase Agreement ${kind} - Manufacturer`;
    const agreement: Doc =
      kind === 'Ended'
        ? { id: a.id, status: a.status }
        : {
            id: a.id,
            intent: a.intent,
            status: a.status,
            acceptanceTime: a.acceptanceTime,
            startTime: a.startTime,
            endTime: a.endTime,
            ...(a.previousAgreementId ? { previousAgreementId: a.previousAgreementId } : {}),
          };
    await this.manufacturerEvent(
      detailType,
      a,
      { agreement, resaleAuthorization: { id: a.resaleAuthorizationId ?? null } },
      delivery,
    );
  }

  /** An EventBridge event about an agreement: its ARN in `resources`, the parties and the offer in detail. */
  private async manufacturerEvent(
    detailType: string,
    a: AgreementRecord,
    detail: Doc,
    delivery?: DeliveryOptions,
  ): Promise<void> {
    await this.events.emit(
      'eventbridge',
      detailType,
      eventBridgeEvent(
        'aws.agreement-marketplace',
        detailType,
        a.manufacturerAccountId,
        [`arn:aws:aws-marketplace::aws:agreement:${a.id}`],
        {
          ...detail,
          acceptor: { accountId: a.acceptorAccountId },
          proposer: { accountId: a.proposerAccountId },
          offer: { id: a.offerId },
        },
      ),
      delivery,
    );
  }

  private async licenseEvent(
    kind: 'Updated' | 'Deprovisioned',
    a: AgreementRecord,
    delivery?: DeliveryOptions,
  ): Promise<void> {
    const detailType = `License ${kind} - Manufacturer`;
    // As AWS sends them: the agreement's ARN in resources (manufacturerEvent).
    await this.manufacturerEvent(
      detailType,
      a,
      {
        agreement: { id: a.id },
        product: { code: a.productCode, id: a.productId },
        // The licence ARN as it is (AWS's printed example lacks the leading `arn:`: a typo of the page,
        // which readers tolerate, see the contracts parser).
        license: { arn: a.licenseArn },
      },
      delivery,
    );
  }

  /** A legacy SaaS SNS notification, in its envelope (default) or raw. */
  async snsNotification(input: Doc, delivery?: DeliveryOptions): Promise<void> {
    const message: Doc = {
      action: input['action'],
      'customer-identifier': input['customerIdentifier'],
      'product-code': input['productCode'],
    };
    if (input['offerIdentifier']) message['offer-identifier'] = input['offerIdentifier'];
    if (input['isFreeTrialTermPresent'] !== undefined)
      message['isFreeTrialTermPresent'] = String(input['isFreeTrialTermPresent']);
    const topic = input['action'] === 'entitlement-updated' ? 'entitlement' : 'subscription';
    if (input['raw'] === true) {
      await this.events.emit('sns-raw', String(input['action']), message, delivery);
      return;
    }
    await this.events.emit(
      'sns',
      String(input['action']),
      {
        Type: 'Notification',
        MessageId: randomUUID(),
        TopicArn: `arn:aws:sns:us-east-1:287250355862:aws-mp-${topic}-notification-${String(input['productCode'])}`,
        Subject: 'AWS Marketplace notification',
        Message: JSON.stringify(message),
        Timestamp: new Date().toISOString(),
        SignatureVersion: '1',
        Signature: 'SIMULATED',
        SigningCertURL: 'https://sns.us-east-1.amazonaws.com/SimpleNotificationService-simulated.pem',
        UnsubscribeURL: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
      },
      delivery,
    );
  }

  // ---------------------------------------------------------------- Agreement API (JSON 1.0)

  describeAgreement(caller: string, input: Doc): Doc {
    const a = this.readableAgreement(caller, input['agreementId']);
    return {
      agreementId: a.id,
      acceptor: { accountId: a.acceptorAccountId },
      proposer: { accountId: a.proposerAccountId },
      startTime: epoch(a.startTime),
      endTime: epoch(a.endTime),
      acceptanceTime: epoch(a.acceptanceTime),
      agreementType: 'PurchaseAgreement',
      estimatedCharges: { currencyCode: a.currencyCode, agreementValue: a.agreementValue },
      proposalSummary: { offerId: a.offerId, resources: [{ id: a.productId, type: 'SaaSProduct' }] },
      status: a.status,
    };
  }

  getAgreementTerms(caller: string, input: Doc): Doc {
    const a = this.readableAgreement(caller, input['agreementId']);
    const max = Number(input['maxResults'] ?? 50);
    if (!Number.isInteger(max) || max < 1 || max > 50)
      throw jsonError('ValidationException', 'maxResults must be 1-50', 400, {
        reason: 'INVALID_MAX_RESULTS',
      });
    const start = Number(input['nextToken'] ?? 0);
    return {
      acceptedTerms: a.acceptedTerms.slice(start, start + max),
      nextToken: start + max < a.acceptedTerms.length ? String(start + max) : undefined,
    };
  }

  searchAgreements(caller: string, input: Doc): Doc {
    if (input['catalog'] !== 'AWSMarketplace')
      throw jsonError('ValidationException', 'catalog must be AWSMarketplace', 400, {
        reason: 'INVALID_CATALOG',
      });
    const filters = (input['filters'] as Doc[] | undefined) ?? [];
    const value = (name: string) =>
      (filters.find((f) => f['name'] === name)?.['values'] as string[] | undefined)?.[0];
    const party = value('PartyType');
    if (!party || !['Proposer', 'Acceptor'].includes(party)) {
      throw jsonError('ValidationException', 'filter PartyType (Proposer or Acceptor) is required', 400, {
        reason: 'UNSUPPORTED_FILTERS',
      });
    }
    if (!value('AgreementType'))
      throw jsonError('ValidationException', 'filter AgreementType is required', 400, {
        reason: 'UNSUPPORTED_FILTERS',
      });
    let list = [...this.state.agreements.values()].filter(
      (a) => (party === 'Proposer' ? a.proposerAccountId : a.acceptorAccountId) === caller,
    );
    // Date filters are ISO-8601 strings.
    const at = (v: string) => {
      const time = Date.parse(v);
      if (Number.isNaN(time))
        throw jsonError('ValidationException', `${v} is not an ISO-8601 date-time`, 400, {
          reason: 'INVALID_FILTER_VALUES',
        });
      return time;
    };
    const initial = (a: AgreementRecord): string => {
      const previous = a.previousAgreementId ? this.state.agreements.get(a.previousAgreementId) : undefined;
      return previous ? initial(previous) : a.id;
    };
    const checks: Record<string, (a: AgreementRecord, v: string) => boolean> = {
      AgreementType: (_a, v) => v === 'PurchaseAgreement',
      OfferId: (a, v) => a.offerId === v,
      OfferSetId: () => false, // offer sets are not simulated
      Status: (a, v) => a.status === v,
      AcceptorAccountId: (a, v) => a.acceptorAccountId === v,
      ResourceIdentifier: (a, v) => a.productId === v,
      ResourceType: (_a, v) => v === 'SaaSProduct',
      LicenseArn: (a, v) => a.licenseArn === v,
      InitialAgreementId: (a, v) => initial(a) === v,
      BeforeEndTime: (a, v) => !!a.endTime && Date.parse(a.endTime) <= at(v),
      AfterEndTime: (a, v) => !!a.endTime && Date.parse(a.endTime) >= at(v),
      BeforeStartTime: (a, v) => Date.parse(a.startTime) <= at(v),
      AfterStartTime: (a, v) => Date.parse(a.startTime) >= at(v),
    };
    for (const filter of filters) {
      const name = String(filter['name']);
      if (name === 'PartyType') continue;
      const check = checks[name];
      if (!check)
        throw jsonError('ValidationException', `unsupported filter ${name}`, 400, {
          reason: 'INVALID_FILTER_NAME',
        });
      list = list.filter((a) => check(a, String((filter['values'] as string[])[0])));
    }
    const sort = input['sort'] as Doc | undefined;
    const by = sort?.['sortBy'] === 'StartTime' ? 'startTime' : 'endTime';
    // Ascending unless asked otherwise (the 2026 model's default).
    const direction = sort?.['sortOrder'] === 'DESCENDING' ? -1 : 1;
    list.sort((x, y) => direction * String(x[by] ?? '').localeCompare(String(y[by] ?? '')));
    const max = Number(input['maxResults'] ?? 50);
    const start = Number(input['nextToken'] ?? 0);
    return {
      agreementViewSummaries: list.slice(start, start + max).map((a) => ({
        agreementId: a.id,
        acceptanceTime: epoch(a.acceptanceTime),
        startTime: epoch(a.startTime),
        endTime: epoch(a.endTime),
        agreementType: 'PurchaseAgreement',
        acceptor: { accountId: a.acceptorAccountId },
        proposer: { accountId: a.proposerAccountId },
        proposalSummary: { offerId: a.offerId, resources: [{ id: a.productId, type: 'SaaSProduct' }] },
        status: a.status,
      })),
      nextToken: start + max < list.length ? String(start + max) : undefined,
    };
  }

  // ---------------------------------------------------------------- Entitlement Service (JSON 1.1)

  getEntitlements(caller: string, input: Doc): Doc {
    const productCode = input['ProductCode'];
    if (typeof productCode !== 'string' || !productCode)
      throw jsonError('InvalidParameterException', 'ProductCode is required');
    const found = findProduct(this.state.world, productCode);
    if (!found || found.product.code !== productCode || found.seller.accountId !== caller) {
      throw jsonError('InvalidParameterException', `ProductCode ${productCode} is not one of your products`);
    }
    const filter = (input['Filter'] as Record<string, string[]> | undefined) ?? {};
    if (filter['CUSTOMER_IDENTIFIER'] && filter['CUSTOMER_AWS_ACCOUNT_ID']) {
      throw jsonError(
        'InvalidParameterException',
        'CUSTOMER_IDENTIFIER and CUSTOMER_AWS_ACCOUNT_ID are mutually exclusive',
      );
    }
    const known = ['CUSTOMER_IDENTIFIER', 'CUSTOMER_AWS_ACCOUNT_ID', 'DIMENSION', 'LICENSE_ARN'];
    const unknown = Object.keys(filter).find((k) => !known.includes(k));
    if (unknown) throw jsonError('InvalidParameterException', `unknown filter ${unknown}`);
    const matches = (values: string[] | undefined, value: string) => !values || values.includes(value);
    const entitlements = [...this.state.agreements.values()]
      .filter((a) => a.productCode === productCode && a.status === 'ACTIVE' && !a.licenseDeprovisioned)
      .filter((a) => matches(filter['CUSTOMER_IDENTIFIER'], a.customerIdentifier))
      .filter((a) => matches(filter['CUSTOMER_AWS_ACCOUNT_ID'], a.acceptorAccountId))
      .filter((a) => matches(filter['LICENSE_ARN'], a.licenseArn))
      .flatMap((a) =>
        a.grants
          .filter((g) => matches(filter['DIMENSION'], g.dimensionKey))
          .map((g) => ({
            ProductCode: a.productCode,
            Dimension: g.dimensionKey,
            CustomerIdentifier: a.customerIdentifier,
            CustomerAWSAccountId: a.acceptorAccountId,
            LicenseArn: a.licenseArn,
            Value: { IntegerValue: g.quantity },
            ExpirationDate: epoch(a.endTime),
          })),
      );
    const max = Number(input['MaxResults'] ?? 25);
    if (!Number.isInteger(max) || max < 1 || max > 25)
      throw jsonError('InvalidParameterException', 'MaxResults must be 1-25');
    const start = Number(input['NextToken'] ?? 0);
    return {
      Entitlements: entitlements.slice(start, start + max),
      NextToken: start + max < entitlements.length ? String(start + max) : undefined,
    };
  }

  // ---------------------------------------------------------------- Metering Service (JSON 1.1)

  resolveCustomer(input: Doc): Doc {
    const token = input['RegistrationToken'];
    const agreement = [...this.state.agreements.values()].find((a) => a.registrationToken === token);
    if (!agreement) throw jsonError('InvalidTokenException', 'Registration token is invalid');
    return {
      CustomerIdentifier: agreement.customerIdentifier,
      ProductCode: agreement.productCode,
      CustomerAWSAccountId: agreement.acceptorAccountId,
      LicenseArn: agreement.licenseArn,
    };
  }

  /**
   * BatchMeterUsage. `unprocessed` (a fault rule fired): the second half of the records (at least one) comes
   * back in `UnprocessedRecords`, untouched, as AWS returns records it could not process this time.
   */
  batchMeterUsage(caller: string, input: Doc, unprocessed = false): Doc {
    const records = input['UsageRecords'];
    if (!Array.isArray(records) || records.length > 25)
      throw jsonError('ValidationException', 'UsageRecords must contain 0-25 records');
    const productCode =
      typeof input['ProductCode'] === 'string' && input['ProductCode'] ? input['ProductCode'] : undefined;
    if (productCode) {
      const found = findProduct(this.state.world, productCode);
      if (!found || found.product.code !== productCode || found.seller.accountId !== caller) {
        throw jsonError(
          'InvalidProductCodeException',
          `ProductCode ${productCode} is not one of your products`,
        );
      }
    }
    const now = this.state.now();
    const window = this.state.config.meteringWindowHours * 3600_000;
    // The month-end rule: from 06:00 UTC on the 1st, the previous month's usage is closed.
    const monthStart = Date.UTC(new Date(now).getUTCFullYear(), new Date(now).getUTCMonth(), 1);
    const closedBefore = now >= monthStart + 6 * 3600_000 ? monthStart : -Infinity;
    // Whole call rejected when any timestamp is outside the acceptance window.
    for (const record of records as Doc[]) {
      const ts = Number(record['Timestamp']) * 1000;
      if (!Number.isFinite(ts) || ts < now - window || ts > now + 300_000 || ts < closedBefore) {
        throw jsonError(
          'TimestampOutOfBoundsException',
          ts < closedBefore && ts >= now - window
            ? `Timestamp ${String(record['Timestamp'])} is in a previous month, closed at 06:00 UTC on the 1st`
            : `Timestamp ${String(record['Timestamp'])} is outside the accepted window of ${this.state.config.meteringWindowHours} hours`,
        );
      }
    }
    const keep = unprocessed ? Math.floor(records.length / 2) : records.length;
    const processed = (records as Doc[]).slice(0, keep);
    // A licence unknown, or used outside its agreement's time, fails the whole call (nothing is recorded).
    const licensed = processed.map((record) => this.licensedAgreement(caller, record));
    const results = processed.map((record, i) => this.meterOne(caller, productCode, record, licensed[i]));
    return { Results: results, UnprocessedRecords: (records as Doc[]).slice(keep) };
  }

  /** The agreement of the record's `LicenseArn` (none on the legacy path), or InvalidLicenseException. */
  private licensedAgreement(caller: string, record: Doc): AgreementRecord | undefined {
    const licenseArn = record['LicenseArn'];
    if (licenseArn === undefined) return undefined;
    const agreement = [...this.state.agreements.values()].find(
      (a) => a.licenseArn === licenseArn && a.manufacturerAccountId === caller,
    );
    const ts = Number(record['Timestamp']) * 1000;
    const customer = record['CustomerAWSAccountId'];
    const problem = !agreement
      ? `LicenseArn ${String(licenseArn)} is not valid`
      : customer !== undefined && customer !== agreement.acceptorAccountId
        ? `LicenseArn ${String(licenseArn)} does not belong to customer ${String(customer)}`
        : ts < Date.parse(agreement.startTime)
          ? `Timestamp ${String(record['Timestamp'])} is before LicenseArn ${String(licenseArn)} was activated`
          : undefined;
    if (problem) throw jsonError('InvalidLicenseException', problem);
    return agreement;
  }

  private meterOne(
    caller: string,
    productCode: string | undefined,
    record: Doc,
    licensed: AgreementRecord | undefined,
  ): Doc {
    const dimension = String(record['Dimension'] ?? '');
    const quantity = Number(record['Quantity'] ?? 0);
    const licenseArn = record['LicenseArn'] as string | undefined;
    const accountId = record['CustomerAWSAccountId'] as string | undefined;
    const customerIdentifier = record['CustomerIdentifier'] as string | undefined;
    if (accountId && customerIdentifier) {
      throw jsonError(
        'InvalidCustomerIdentifierException',
        'CustomerIdentifier and CustomerAWSAccountId are mutually exclusive',
      );
    }
    const isCustomer = (a: AgreementRecord) =>
      customerIdentifier ? a.customerIdentifier === customerIdentifier : a.acceptorAccountId === accountId;
    // With a LicenseArn, the licence's agreement (found once, by licensedAgreement); else the product's.
    const agreement = licenseArn
      ? licensed && isCustomer(licensed)
        ? licensed
        : undefined
      : [...this.state.agreements.values()].find(
          (a) => a.manufacturerAccountId === caller && a.productCode === productCode && isCustomer(a),
        );
    const result = (status: string, meteringRecordId?: string) => ({
      UsageRecord: record,
      MeteringRecordId: meteringRecordId,
      Status: status,
    });
    if (!agreement) return result('CustomerNotSubscribed');
    const product = must(findProduct(this.state.world, agreement.productId), agreement.productId).product;
    if (!product.dimensions.some((d) => d.key === dimension && isUsageDimension(d))) {
      throw jsonError(
        'InvalidUsageDimensionException',
        `Dimension ${dimension} is not a metered dimension of ${product.code}`,
      );
    }
    const endedAt = agreement.status === 'ACTIVE' ? undefined : Date.parse(agreement.endTime ?? '');
    const ts = Number(record['Timestamp']) * 1000;
    // After the agreement ends, usage is accepted for one more hour; after deprovisioning, never.
    if (
      agreement.licenseDeprovisioned ||
      (endedAt !== undefined && this.state.now() > endedAt + 3600_000) ||
      (endedAt !== undefined && ts > endedAt + 3600_000)
    ) {
      return result('CustomerNotSubscribed');
    }
    const hour = new Date(Math.floor(ts / 3600_000) * 3600_000).toISOString();
    const path = licenseArn ? 'LicenseArn' : 'ProductCode';
    // One record per customer, dimension and hour — per licence on the licence path (two licences of one
    // buyer in one hour are two records).
    const customerHour = `${agreement.productCode}|${agreement.acceptorAccountId}|${dimension}|${hour}`;
    const key = licenseArn ? `${customerHour}|LicenseArn|${licenseArn}` : `${customerHour}|ProductCode`;
    const existing = this.state.meteringRecords.get(key);
    if (existing) {
      // Identical records are idempotent (same id); a different quantity for that hour is not honoured.
      existing.sends += 1;
      if (existing.quantity === quantity) return result('Success', existing.meteringRecordId);
      existing.conflicts += 1;
      return result('DuplicateRecord', existing.meteringRecordId);
    }
    // The same customer and hour through the other path: AWS bills both.
    const other = licenseArn
      ? this.state.meteringRecords.get(`${customerHour}|ProductCode`)
      : [...this.state.meteringRecords.entries()].find(([k]) =>
          k.startsWith(`${customerHour}|LicenseArn|`),
        )?.[1];
    const accepted: MeteringRecord = {
      meteringRecordId: randomUUID(),
      productCode: agreement.productCode,
      customer: agreement.acceptorAccountId,
      path,
      licenseArn,
      customerAWSAccountId: accountId,
      customerIdentifier,
      dimension,
      quantity,
      timestamp: new Date(ts).toISOString(),
      hour,
      acceptedAt: new Date().toISOString(),
      doubleBilling: other ? true : undefined,
      sends: 1,
      conflicts: 0,
    };
    if (other) other.doubleBilling = true;
    this.state.meteringRecords.set(key, accepted);
    return result('Success', accepted.meteringRecordId);
  }

  private agreementOrThrow(agreementId: string): AgreementRecord {
    const agreement = this.state.agreements.get(agreementId);
    if (!agreement) throw new ScenarioError(404, `agreement ${agreementId} not found`);
    return agreement;
  }

  private activeAgreement(agreementId: string): AgreementRecord {
    const agreement = this.agreementOrThrow(agreementId);
    if (agreement.status !== 'ACTIVE')
      throw new ScenarioError(409, `agreement ${agreementId} is ${agreement.status}`);
    return agreement;
  }

  private readableAgreement(caller: string, agreementId: unknown): AgreementRecord {
    if (typeof agreementId !== 'string' || !/^agmt-[a-zA-Z0-9]+$/.test(agreementId)) {
      throw jsonError('ValidationException', 'agreementId is invalid', 400, {
        reason: 'INVALID_AGREEMENT_ID',
      });
    }
    const agreement = this.state.agreements.get(agreementId);
    if (!agreement)
      throw jsonError('ResourceNotFoundException', `Agreement ${agreementId} not found`, 404, {
        resourceId: agreementId,
        resourceType: 'Agreement',
      });
    const party = agreement.acceptorAccountId === caller || agreement.proposerAccountId === caller;
    const manufacturer =
      agreement.manufacturerAccountId === caller && this.state.config.manufacturerCanReadAgreements;
    if (!party && !manufacturer)
      throw jsonError('AccessDeniedException', `You are not a party to agreement ${agreementId}`, 403);
    return agreement;
  }
}

function addDuration(startIso: string, duration: string): string | undefined {
  const match = /^P(\d+)([DMY])$/.exec(duration);
  if (!match) return undefined;
  const date = new Date(startIso);
  const n = Number(match[1]);
  if (match[2] === 'D') date.setUTCDate(date.getUTCDate() + n);
  if (match[2] === 'M') date.setUTCMonth(date.getUTCMonth() + n);
  if (match[2] === 'Y') date.setUTCFullYear(date.getUTCFullYear() + n);
  return isoSeconds(date);
}

function agreementValue(ra: ResaleAuthorization): string {
  const schedule = (ra.paymentScheduleTerm?.['Schedule'] as Doc[] | undefined) ?? [];
  if (schedule.length) return schedule.reduce((sum, e) => sum + Number(e['ChargeAmount']), 0).toFixed(2);
  const fixed = ra.pricingTerms.find((t) => t.Type === 'ResaleFixedUpfrontPricingTerm');
  return Number(fixed?.['Price'] ?? 0).toFixed(2);
}

/** The rate card of a configurable upfront term, if the authorization has one. */
function configurable(ra: ResaleAuthorization | undefined): Doc | undefined {
  const term = ra?.pricingTerms.find((t) => t.Type === 'ResaleConfigurableUpfrontPricingTerm');
  return ((term?.['RateCards'] as Doc[] | undefined) ?? [])[0];
}

/**
 * What the buyer gets: a fixed upfront term's grants, or the quantities the buyer configured on a
 * configurable one (`quantities` in the accept scenario; 1 of each dimension when not given).
 */
function grantsBought(
  ra: ResaleAuthorization | undefined,
  fixed: Doc | undefined,
  quantities: Record<string, number> | undefined,
): { dimensionKey: string; quantity: number }[] {
  const card = configurable(ra);
  if (card)
    return ((card['RateCard'] as Doc[]) ?? []).map((r) => ({
      dimensionKey: String(r['DimensionKey']),
      quantity: Number(quantities?.[String(r['DimensionKey'])] ?? 1),
    }));
  return ((fixed?.['Grants'] as Doc[] | undefined) ?? []).map((g) => ({
    dimensionKey: String(g['DimensionKey']),
    quantity: Number(g['MaxQuantity']),
  }));
}

/** The RA's wholesale terms in the Agreement API's AcceptedTerm union shape (camelCase, one key each). */
/** A price with the partner's markup (percent), as the buyer pays it. */
function marked(price: unknown, markup: string | undefined): unknown {
  if (!markup || typeof price !== 'string') return price;
  const value = Number(price) * (1 + Number(markup) / 100);
  return value.toFixed(8).replace(/\.?0+$/, '');
}

/** Each accepted term gets an id (AWS's newer models carry one). */
function withTermIds(agreementId: string, terms: Doc[]): Doc[] {
  return terms.map((term, i) => {
    const [[kind, body]] = Object.entries(term);
    return { [kind]: { ...(body as Doc), id: `term-${agreementId.replace(/^agmt-/, '')}-${i + 1}` } };
  });
}

function acceptedTerms(ra: ResaleAuthorization, quantities?: Record<string, number>, markup?: string): Doc[] {
  const out: Doc[] = [];
  const legal = ra.legalTerms.find((t) => t.Type === 'BuyerLegalTerm');
  if (legal) {
    out.push({
      legalTerm: {
        type: 'LegalTerm',
        documents: ((legal['Documents'] as Doc[]) ?? []).map((d) =>
          d['Type'] === 'StandardEula'
            ? { type: 'StandardEula', version: '2022-07-14' }
            : { type: String(d['Type']), url: d['Url'] },
        ),
      },
    });
  }
  for (const term of ra.pricingTerms as Term[]) {
    if (term.Type === 'ResaleUsageBasedPricingTerm') {
      out.push({
        usageBasedPricingTerm: {
          type: 'UsageBasedPricingTerm',
          currencyCode: term['CurrencyCode'],
          rateCards: ((term['RateCards'] as Doc[]) ?? []).map((card) => ({
            rateCard: ((card['RateCard'] as Doc[]) ?? []).map((r) => ({
              dimensionKey: r['DimensionKey'],
              price: marked(r['Price'], markup),
            })),
          })),
        },
      });
    } else if (term.Type === 'ResaleConfigurableUpfrontPricingTerm') {
      const cards = (term['RateCards'] as Doc[]) ?? [];
      out.push({
        configurableUpfrontPricingTerm: {
          type: 'ConfigurableUpfrontPricingTerm',
          currencyCode: term['CurrencyCode'],
          rateCards: cards.map((card) => ({
            selector: { type: 'Duration', value: (card['Selector'] as Doc)?.['Value'] },
            constraints: { multipleDimensionSelection: 'Allowed', quantityConfiguration: 'Allowed' },
            rateCard: ((card['RateCard'] as Doc[]) ?? []).map((r) => ({
              dimensionKey: r['DimensionKey'],
              price: marked(r['Price'], markup),
            })),
          })),
          // What the buyer chose: the duration and a quantity per dimension.
          configuration: {
            selectorValue: (cards[0]?.['Selector'] as Doc | undefined)?.['Value'],
            dimensions: grantsBought(ra, undefined, quantities).map((g) => ({
              dimensionKey: g.dimensionKey,
              dimensionValue: g.quantity,
            })),
          },
        },
      });
    } else if (term.Type === 'ResaleFixedUpfrontPricingTerm') {
      out.push({
        fixedUpfrontPricingTerm: {
          type: 'FixedUpfrontPricingTerm',
          currencyCode: term['CurrencyCode'],
          duration: term['Duration'],
          price: marked(term['Price'], markup),
          grants: ((term['Grants'] as Doc[]) ?? []).map((g) => ({
            dimensionKey: g['DimensionKey'],
            maxQuantity: g['MaxQuantity'],
          })),
        },
      });
    }
  }
  if (ra.paymentScheduleTerm) {
    out.push({
      paymentScheduleTerm: {
        type: 'PaymentScheduleTerm',
        currencyCode: ra.paymentScheduleTerm['CurrencyCode'],
        schedule: ((ra.paymentScheduleTerm['Schedule'] as Doc[]) ?? []).map((e) => ({
          chargeDate: Date.parse(`${String(e['ChargeDate'])}T00:00:00Z`) / 1000,
          chargeAmount: marked(e['ChargeAmount'], markup),
        })),
      },
    });
  }
  return out;
}
