import { randomBytes, randomUUID } from 'node:crypto';
import { must } from '../must';
import { isoSeconds, randomId } from '../catalog/catalog.ids';
import { eventBridgeEvent, type DeliveryOptions, type EventBus } from '../events';
import { epoch, type Doc } from '../json-api';
import type { AgreementRecord, AgreementStatus, PartnerOffer, SimState } from '../state';
import { findProduct, legalName } from '../world';
import {
  acceptedTerms,
  addDuration,
  agreementValue,
  configurable,
  grantsBought,
  withTermIds,
} from './accepted-terms';

const ACCOUNT = /^\d{12}$/;

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
 * The partner and buyer side of the deal chain, played through the scenario API: offers made from resale
 * authorizations (and direct ones), acceptances, amendments, ends, licence events, and the notifications
 * AWS sends the ISV for each.
 */
export class ScenarioService {
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
    const replaces = input['replacesAgreementId'] as string | undefined;
    if (replaces !== undefined) this.checkReplacement(replaces, partner, buyers, ra.productId);
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
      replacesAgreementId: replaces,
      offerSetId: input['offerSetId'] as string | undefined,
    };
    this.state.offers.set(offer.id, offer);
    ra.offersCreated += 1;
    ra.revision += 1;
    await this.offerReleased(offer, buyers, delivery);
    return offer;
  }

  /**
   * CreateReplacementOfferUsingResaleAuthorization's rules: the agreement exists and is active, and the
   * replacement keeps its seller of record, buyer and product — another partner (or the ISV directly) makes
   * a new agreement, never a replacement.
   */
  private checkReplacement(agreementId: string, partner: string, buyers: string[], productId: string): void {
    const previous = this.activeAgreement(agreementId);
    if (previous.proposerAccountId !== partner)
      throw new ScenarioError(
        409,
        `agreement ${agreementId} was sold by ${previous.proposerAccountId}: a replacement keeps the seller of record (another partner makes a new agreement)`,
      );
    if (buyers.length !== 1 || buyers[0] !== previous.acceptorAccountId)
      throw new ScenarioError(
        409,
        `a replacement offer targets the agreement's buyer ${previous.acceptorAccountId} only`,
      );
    if (previous.productId !== productId)
      throw new ScenarioError(
        409,
        `agreement ${agreementId} is for product ${previous.productId}, not ${productId}`,
      );
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
          // AWS prints no Offer Released of an offer in a set (UNVERIFIED): the set is named when there is one.
          ...(offer.offerSetId ? { offerSet: { id: offer.offerSetId } } : {}),
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
    // Agreement times follow the simulator's clock (real time unless set).
    const now = new Date(this.state.now());
    const start = (input['startTime'] as string | undefined) ?? isoSeconds(now);
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
      acceptanceTime: isoSeconds(now),
      startTime: start,
      endTime: (input['endTime'] as string | undefined) ?? addDuration(start, duration),
      previousAgreementId: previous?.id,
      offerSetId: offer.offerSetId,
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
    agreement.endTime = isoSeconds(new Date(this.state.now()));
    await this.agreementEvent('Ended', agreement, delivery);
    return agreement;
  }

  async deprovision(agreementId: string, delivery?: DeliveryOptions): Promise<AgreementRecord> {
    const agreement = this.agreementOrThrow(agreementId);
    agreement.licenseDeprovisioned = true;
    await this.licenseEvent('Deprovisioned', agreement, delivery);
    return agreement;
  }

  async agreementEvent(
    kind: 'Created' | 'Amended' | 'Ended',
    a: AgreementRecord,
    delivery?: DeliveryOptions,
    at?: Date,
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
      at,
    );
  }

  /** An EventBridge event about an agreement: its ARN in `resources`, the parties and the offer in detail. */
  async manufacturerEvent(
    detailType: string,
    a: AgreementRecord,
    detail: Doc,
    delivery?: DeliveryOptions,
    at?: Date,
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
        at ?? new Date(this.state.now()),
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

  agreementOrThrow(agreementId: string): AgreementRecord {
    const agreement = this.state.agreements.get(agreementId);
    if (!agreement) throw new ScenarioError(404, `agreement ${agreementId} not found`);
    return agreement;
  }

  activeAgreement(agreementId: string): AgreementRecord {
    const agreement = this.agreementOrThrow(agreementId);
    if (agreement.status !== 'ACTIVE')
      throw new ScenarioError(409, `agreement ${agreementId} is ${agreement.status}`);
    return agreement;
  }
}
