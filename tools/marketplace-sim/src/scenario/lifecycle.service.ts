import { isoSeconds, randomId } from '../catalog/catalog.ids';
import { eventBridgeEvent, type DeliveryOptions, type EventBus } from '../events';
import type { Doc } from '../json-api';
import {
  CANCELLATION_REASON_CODES,
  type AgreementRecord,
  type BillingAdjustmentRecord,
  type CancellationRequestRecord,
  type CancellationStatus,
  type OfferSetRecord,
  type PartnerOffer,
  type SimState,
} from '../state';
import { ScenarioError, type ScenarioService } from './scenario.service';

const DAY_MS = 86_400_000;
const MAX_ADJUSTMENTS = 5;
const MONEY = /^\d+(\.\d{1,2})?$/;

/** AWS's event words for each cancellation status. */
const CANCELLATION_STAGE: Record<CancellationStatus, string> = {
  PENDING_APPROVAL: 'Pending Approval',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  CANCELLED: 'Cancelled',
  VALIDATION_FAILED: 'Validation Failed',
};

/** Cents of a decimal money string. */
const cents = (amount: string) => Math.round(Number(amount) * 100);

/**
 * What happens after the buyer accepted (AWS's 2025–26 agreement lifecycle), played as the partner (the
 * seller of record, the only party who may ask) and the buyer: cancellation requests answered, withdrawn,
 * refused by validation or approved by AWS after 7 days on the simulator's clock; billing adjustments
 * (refunds) completed or failed; offer sets. The ISV is notified of each without amounts or message text.
 */
export class LifecycleService {
  constructor(
    private readonly state: SimState,
    private readonly events: EventBus,
    private readonly scenarios: ScenarioService,
  ) {}

  // ---------------------------------------------------------------- cancellation requests

  /**
   * SendAgreementCancellationRequest by the seller of record. `validation: "fail"` plays AWS's asynchronous
   * validation refusing it afterwards (Pending Approval, then Validation Failed).
   */
  async requestCancellation(
    agreementId: string,
    input: Doc,
    delivery?: DeliveryOptions,
  ): Promise<CancellationRequestRecord> {
    const agreement = this.scenarios.activeAgreement(agreementId);
    const caller = String(input['partnerAccountId'] ?? agreement.proposerAccountId);
    if (caller !== agreement.proposerAccountId)
      throw new ScenarioError(
        403,
        `AccessDeniedException: only the seller of record (${agreement.proposerAccountId}) may request a cancellation`,
      );
    const reasonCode = input['reasonCode'] as CancellationRequestRecord['reasonCode'];
    if (!CANCELLATION_REASON_CODES.includes(reasonCode))
      throw new ScenarioError(
        400,
        `ValidationException: reasonCode must be one of ${CANCELLATION_REASON_CODES.join(', ')}`,
      );
    const pending = this.pendingOf(agreementId);
    if (pending)
      throw new ScenarioError(
        409,
        `ConflictException: cancellation request ${pending.id} is already pending`,
      );
    const now = isoSeconds(new Date(this.state.now()));
    const request: CancellationRequestRecord = {
      id: `acr-${randomId(20)}`,
      agreementId,
      reasonCode,
      description: typeof input['description'] === 'string' ? input['description'] : undefined,
      statusCode: 'PENDING_APPROVAL',
      createdAt: now,
      updatedAt: now,
    };
    this.state.cancellationRequests.set(request.id, request);
    await this.cancellationEvent(request, agreement, delivery);
    if (input['validation'] === 'fail')
      return this.resolve(request, 'VALIDATION_FAILED', new Date(this.state.now()), delivery);
    return request;
  }

  /** The buyer approves or rejects; the partner withdraws (CancelAgreementCancellationRequest). */
  async answerCancellation(
    requestId: string,
    answer: 'approve' | 'reject' | 'withdraw',
    delivery?: DeliveryOptions,
  ): Promise<CancellationRequestRecord> {
    const request = this.state.cancellationRequests.get(requestId);
    if (!request)
      throw new ScenarioError(404, `ResourceNotFoundException: cancellation request ${requestId} not found`);
    if (request.statusCode !== 'PENDING_APPROVAL')
      throw new ScenarioError(
        409,
        `ConflictException: cancellation request ${requestId} is ${request.statusCode}`,
      );
    const status: Record<typeof answer, CancellationStatus> = {
      approve: 'APPROVED',
      reject: 'REJECTED',
      withdraw: 'CANCELLED',
    };
    return this.resolve(request, status[answer], new Date(this.state.now()), delivery);
  }

  /**
   * AWS approves a request the buyer did not answer within `cancellationAutoApprovalDays`, at that moment on
   * the simulator's clock. Runs whenever the clock is set, and on demand.
   */
  async autoApprove(): Promise<CancellationRequestRecord[]> {
    const now = this.state.now();
    const window = this.state.config.cancellationAutoApprovalDays * DAY_MS;
    const approved: CancellationRequestRecord[] = [];
    for (const request of this.state.cancellationRequests.values()) {
      const due = Date.parse(request.createdAt) + window;
      if (request.statusCode === 'PENDING_APPROVAL' && due <= now)
        approved.push(await this.resolve(request, 'APPROVED', new Date(due)));
    }
    return approved;
  }

  private async resolve(
    request: CancellationRequestRecord,
    status: CancellationStatus,
    at: Date,
    delivery?: DeliveryOptions,
  ): Promise<CancellationRequestRecord> {
    const agreement = this.scenarios.agreementOrThrow(request.agreementId);
    request.statusCode = status;
    request.updatedAt = isoSeconds(at);
    await this.cancellationEvent(request, agreement, delivery, at);
    if (status === 'APPROVED' && agreement.status === 'ACTIVE') {
      // Approval cancels the agreement (future invoices only); AWS ends it as for a buyer's cancellation.
      agreement.status = 'CANCELLED';
      agreement.endTime = isoSeconds(at);
      await this.scenarios.agreementEvent('Ended', agreement, delivery, at);
    }
    return request;
  }

  private pendingOf(agreementId: string): CancellationRequestRecord | undefined {
    return [...this.state.cancellationRequests.values()].find(
      (r) => r.agreementId === agreementId && r.statusCode === 'PENDING_APPROVAL',
    );
  }

  /** `Agreement Cancellation Request <Stage> - <suffix>`: identifiers and codes, no description. */
  private cancellationEvent(
    request: CancellationRequestRecord,
    agreement: AgreementRecord,
    delivery?: DeliveryOptions,
    at = new Date(this.state.now()),
  ): Promise<void> {
    const stage = CANCELLATION_STAGE[request.statusCode];
    return this.scenarios.manufacturerEvent(
      `Agreement Cancellation Request ${stage} - ${this.state.config.lifecycleNoticeSuffix}`,
      agreement,
      {
        agreement: {
          id: agreement.id,
          acceptorId: agreement.acceptorAccountId,
          productId: agreement.productId,
          offerId: agreement.offerId,
        },
        product: { id: agreement.productId },
        agreementCancellationRequest: {
          id: request.id,
          reasonCode: request.reasonCode,
          statusCode: request.statusCode,
          createdAt: request.createdAt,
          updatedAt: request.updatedAt,
        },
      },
      delivery,
      at,
    );
  }

  // ---------------------------------------------------------------- billing adjustments

  /**
   * BatchCreateBillingAdjustmentRequest by the seller of record: at most 5 entries; each is capped by what
   * is left to adjust on its invoice (the agreement's value less completed adjustments) and completes or
   * fails on its own.
   */
  async adjustBilling(
    agreementId: string,
    input: Doc,
    delivery?: DeliveryOptions,
  ): Promise<BillingAdjustmentRecord[]> {
    const agreement = this.scenarios.agreementOrThrow(agreementId);
    const entries = input['adjustments'];
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ADJUSTMENTS)
      throw new ScenarioError(
        400,
        `ValidationException: adjustments must hold 1 to ${MAX_ADJUSTMENTS} entries`,
      );
    const results: BillingAdjustmentRecord[] = [];
    for (const [index, raw] of (entries as Doc[]).entries()) {
      const amount = String(raw['adjustmentAmount'] ?? '');
      if (!MONEY.test(amount) || cents(amount) <= 0)
        throw new ScenarioError(
          400,
          `ValidationException: adjustments[${index}].adjustmentAmount must be a positive amount`,
        );
      const token = raw['clientToken'] as string | undefined;
      const again = token
        ? [...this.state.billingAdjustments.values()].find(
            (b) => b.agreementId === agreementId && b.clientToken === token,
          )
        : undefined;
      if (again) {
        results.push(again); // idempotent by client token
        continue;
      }
      const invoice = String(raw['originalInvoiceId'] ?? `inv-${agreement.id.slice(5, 17)}`);
      const adjustable = cents(agreement.agreementValue) - this.adjusted(agreementId, invoice);
      const record: BillingAdjustmentRecord = {
        id: `bar-${randomId(20)}`,
        agreementId,
        originalInvoiceId: invoice,
        adjustmentAmount: amount,
        currencyCode: String(raw['currencyCode'] ?? agreement.currencyCode),
        adjustmentReasonCode: String(raw['adjustmentReasonCode'] ?? 'OTHER'),
        clientToken: token,
        statusCode: cents(amount) <= adjustable ? 'COMPLETED' : 'FAILED',
        statusMessage:
          cents(amount) <= adjustable
            ? undefined
            : `the adjustment exceeds the invoice's adjustable amount (${(adjustable / 100).toFixed(2)})`,
        createdAt: isoSeconds(new Date(this.state.now())),
      };
      this.state.billingAdjustments.set(record.id, record);
      results.push(record);
      await this.scenarios.manufacturerEvent(
        `Purchase Agreement Billing Adjustment ${record.statusCode === 'COMPLETED' ? 'Completed' : 'Failed'} - ${this.state.config.lifecycleNoticeSuffix}`,
        agreement,
        {
          agreement: { id: agreement.id },
          product: { id: agreement.productId },
          // The ISV of a CPPO gets no amounts: the request's identifiers and codes only.
          billingAdjustmentRequest: {
            id: record.id,
            originalInvoiceId: record.originalInvoiceId,
            adjustmentReasonCode: record.adjustmentReasonCode,
            statusCode: record.statusCode,
            createdAt: record.createdAt,
            updatedAt: record.createdAt,
          },
        },
        delivery,
      );
    }
    return results;
  }

  private adjusted(agreementId: string, invoice: string): number {
    let total = 0;
    for (const b of this.state.billingAdjustments.values())
      if (b.agreementId === agreementId && b.originalInvoiceId === invoice && b.statusCode === 'COMPLETED')
        total += cents(b.adjustmentAmount);
    return total;
  }

  // ---------------------------------------------------------------- offer sets

  /**
   * An offer set (OfferSet@1.0) of 2–7 private offers for one buyer, released together: each offer is made
   * as the partner makes it (Offer Released naming the set), then `OfferSet Released` goes to each
   * manufacturer with its own offers of the set.
   */
  async createOfferSet(
    input: Doc,
    delivery?: DeliveryOptions,
  ): Promise<OfferSetRecord & { offers: PartnerOffer[] }> {
    const specs = input['offers'];
    if (!Array.isArray(specs) || specs.length < 2 || specs.length > 7)
      throw new ScenarioError(400, 'ValidationException: an offer set holds 2 to 7 private offers');
    // One seller of record and one buyer for the whole set, checked before any offer is made.
    const sellers = new Set(
      (specs as Doc[]).map(
        (spec) =>
          this.state.resaleAuthorizations.get(String(spec['resaleAuthorizationId']))?.resellerAccountId,
      ),
    );
    const buyers = new Set((specs as Doc[]).map((spec) => JSON.stringify(spec['buyerAccountIds'] ?? null)));
    const buyer = (specs as Doc[])[0]['buyerAccountIds'];
    if (
      sellers.size !== 1 ||
      sellers.has(undefined) ||
      buyers.size !== 1 ||
      !Array.isArray(buyer) ||
      buyer.length !== 1
    )
      throw new ScenarioError(400, 'ValidationException: the offers of a set have one seller and one buyer');
    const id = `offerset-${randomId(13)}`;
    const offers: PartnerOffer[] = [];
    for (const spec of specs as Doc[])
      offers.push(await this.scenarios.createPartnerOffer({ ...spec, offerSetId: id }, delivery));
    const set: OfferSetRecord = {
      id,
      name: String(input['name'] ?? `Offer set ${id}`),
      partnerAccountId: offers[0].partnerAccountId,
      offerIds: offers.map((o) => o.id),
      createdDate: isoSeconds(),
    };
    this.state.offerSets.set(id, set);
    for (const manufacturer of new Set(offers.map((o) => o.manufacturerAccountId))) {
      const own = offers.filter((o) => o.manufacturerAccountId === manufacturer).map((o) => o.id);
      await this.events.emit(
        'eventbridge',
        'OfferSet Released',
        eventBridgeEvent(
          'aws.marketplacecatalog',
          'OfferSet Released',
          manufacturer,
          [`arn:aws:catalog:us-east-1:${set.partnerAccountId}:OfferSet/${id}`],
          { offerSet: { id, name: set.name, offerIds: own } },
        ),
        delivery,
      );
    }
    return { ...set, offers };
  }
}
