import { ENDED_ENTITLEMENT_STATUSES, EntitlementStatus, EntitlementType } from '@cppo/contracts';
import type {
  AgreementApiState,
  AgreementFact,
  CancellationState,
  ChainState,
  AgreementFactKind,
  DimensionPrice,
  DimensionQuantity,
  EntitlementHistoryEntry,
  EntitlementLinkState,
  EntitlementState,
  LicenceState,
  Offer,
} from '@cppo/persistence';

/** What else the state depends on: the clock, our records of the deal, and what the Agreement API said. */
export interface DeriveContext {
  now: Date;
  /** Our CPPO offer (AWS offer id of the agreement), when known. */
  offer?: Offer | null;
  /** Our CPPO_OUT opportunity (resale authorization of the agreement), when known. */
  opportunity?: Offer | null;
  agreementApi: AgreementApiState;
  /** What the Entitlement Service said of the licence (GetEntitlements). */
  licence: LicenceState;
  /** The link state before this derivation, to keep "unlinked since". */
  previousLink?: EntitlementLinkState;
  /** The neighbours in the buyer's chain, found by the ledger (by agreement id, or by buyer and product). */
  chain?: ChainLinks;
}

export interface ChainLinks {
  previousEntitlementId?: string;
  nextEntitlementId?: string;
  chain?: ChainState;
}

export const TERMINAL = ENDED_ENTITLEMENT_STATUSES;

/** Within one second (AWS event times have second precision), the order AWS emits them in. */
const RANK: Record<AgreementFactKind, number> = {
  created: 0,
  amended: 1,
  'cancellation-request': 1.5,
  'license-updated': 2,
  'billing-adjustment': 2.5,
  ended: 3,
  superseded: 3,
  'license-deprovisioned': 4,
};

/** A cancellation request's statuses after PENDING_APPROVAL; the entitlement goes back to active on all but APPROVED. */
const REQUEST_RESOLVED = new Set(['APPROVED', 'REJECTED', 'CANCELLED', 'VALIDATION_FAILED']);
const RESOLUTION_WORDS: Record<string, string> = {
  APPROVED: 'approved',
  REJECTED: 'rejected by the buyer',
  CANCELLED: 'withdrawn by the partner',
  VALIDATION_FAILED: 'refused by AWS (validation failed)',
};

/** Within a second, a request's resolution comes after its pending notice. */
const rank = (f: AgreementFact) =>
  RANK[f.kind] + (f.kind === 'cancellation-request' && f.requestStatus !== 'PENDING_APPROVAL' ? 0.25 : 0);

/** AWS AgreementStatus → ours, for a status an agreement event carries. */
function fromAgreementStatus(status: string | undefined): EntitlementStatus | undefined {
  switch (status) {
    case undefined:
    case 'ACTIVE':
      return undefined; // active: started or not, decided by the start time
    case 'CANCELLED':
    case 'EXPIRED':
    case 'TERMINATED':
    case 'RENEWED':
    case 'REPLACED':
      return status as EntitlementStatus;
    case 'SUPERSEDED':
      return EntitlementStatus.REPLACED;
    case 'ROLLED_BACK':
      return EntitlementStatus.CANCELLED;
    case 'ARCHIVED':
      return EntitlementStatus.EXPIRED;
    default:
      return undefined;
  }
}

export function sortFacts(facts: AgreementFact[]): AgreementFact[] {
  return [...facts].sort(
    (a, b) =>
      new Date(a.eventTime).getTime() - new Date(b.eventTime).getTime() ||
      rank(a) - rank(b) ||
      a.eventId.localeCompare(b.eventId),
  );
}

const AGREEMENT_KINDS: AgreementFactKind[] = ['created', 'amended', 'ended', 'superseded'];

/**
 * The entitlement as its facts say, applied in AWS event-time order whatever order they arrived in: a
 * later fact overrides an earlier one's fields, an ended entitlement never becomes active again, and every
 * status change is in `history` with the event that caused it. A pure function of the set of facts and
 * the context: the same facts give the same entitlement.
 */
export function deriveState(facts: AgreementFact[], ctx: DeriveContext): EntitlementState {
  const f: Partial<AgreementFact> = {};
  let status: EntitlementStatus | undefined;
  let type: EntitlementType | undefined;
  let nextAgreementId: string | undefined;
  let cancellation: CancellationState | undefined;
  const resolvedRequests = new Set<string>();
  const history: EntitlementHistoryEntry[] = [];
  const change = (next: EntitlementStatus, fact: AgreementFact, reason: string) => {
    if (next === status) return;
    status = next;
    history.push({ status: next, at: new Date(fact.eventTime), eventId: fact.eventId, reason });
  };

  for (const fact of sortFacts(facts)) {
    for (const [key, value] of Object.entries(fact)) {
      if (value !== undefined && value !== null && !['eventId', 'eventTime', 'kind', 'status'].includes(key))
        (f as Record<string, unknown>)[key] = value;
    }
    if (AGREEMENT_KINDS.includes(fact.kind) && fact.kind !== 'superseded')
      type ??= fact.resaleAuthorizationId ? EntitlementType.CPPO : EntitlementType.DIRECT;
    if (fact.resaleAuthorizationId) type = EntitlementType.CPPO;
    if (['cancellation-request', 'billing-adjustment'].includes(fact.kind)) {
      if (fact.kind === 'cancellation-request') {
        const next = cancellationStep(fact, cancellation, resolvedRequests, status, terminal(status));
        cancellation = next.cancellation;
        if (next.status) change(next.status, fact, next.reason);
      } else if (status !== undefined) {
        history.push({
          status,
          at: new Date(fact.eventTime),
          eventId: fact.eventId,
          reason: adjustmentText(fact),
        });
      }
      continue;
    }
    const ended = terminal(status);
    switch (fact.kind) {
      case 'created':
      case 'amended': {
        if (ended) break;
        const named = fromAgreementStatus(fact.status);
        if (named) change(named, fact, `agreement ${fact.kind} with status ${fact.status}`);
        else if (status === EntitlementStatus.PENDING_CANCELLATION)
          break; // still pending the buyer's answer
        else {
          const start = fact.startTime ?? f.startTime;
          const pending = start !== undefined && new Date(start) > ctx.now;
          change(
            pending ? EntitlementStatus.PENDING_START : EntitlementStatus.ACTIVE,
            fact,
            pending
              ? `agreement ${fact.kind}; starts ${new Date(start).toISOString()}`
              : `agreement ${fact.kind}`,
          );
          // A request AWS stamped before this event (clocks differ) is pending still.
          if (cancellation?.status === 'PENDING_APPROVAL')
            change(
              EntitlementStatus.PENDING_CANCELLATION,
              fact,
              `cancellation request ${cancellation.requestId} pending`,
            );
        }
        break;
      }
      case 'ended':
        if (!ended) {
          const ended = fromAgreementStatus(fact.status) ?? EntitlementStatus.CANCELLED;
          change(ended, fact, `agreement ended (${fact.status ?? 'no status given'})`);
        }
        break;
      case 'superseded':
        nextAgreementId = fact.nextAgreementId;
        if (!ended) {
          const next = fact.status === 'RENEWED' ? EntitlementStatus.RENEWED : EntitlementStatus.REPLACED;
          change(
            next,
            fact,
            `${next === EntitlementStatus.RENEWED ? 'renewed' : 'replaced'} by ${fact.nextAgreementId}`,
          );
        }
        break;
      case 'license-deprovisioned':
        if (!ended || status !== EntitlementStatus.DEPROVISIONED)
          change(EntitlementStatus.DEPROVISIONED, fact, 'licence deprovisioned');
        break;
      case 'license-updated':
      case 'cancellation-request':
      case 'billing-adjustment':
        break;
    }
  }
  // A future start that has come: active from then on.
  const start = f.startTime ?? ctx.agreementApi.startTime;
  if (status === EntitlementStatus.PENDING_START && start && new Date(start) <= ctx.now) {
    status = EntitlementStatus.ACTIVE;
    history.push({ status, at: new Date(start), reason: 'start time reached' });
  }

  const opportunity = ctx.opportunity ?? undefined;
  const offer = ctx.offer ?? undefined;
  const link = linkState(facts, type, f, offer, opportunity, ctx);
  const agreementApi = ctx.agreementApi;
  const licence = ctx.licence;
  // The licence is what AWS enforces (and the only source the ISV of a CPPO may read); the accepted terms
  // stand in before it is read, for the org's own agreements; the opportunity's grants when neither.
  const grants =
    licence.status === 'OK'
      ? (licence.grants ?? [])
      : (acceptedGrants(agreementApi) ?? opportunityGrants(opportunity));
  history.push(...licenceHistory(licence, history));
  history.sort((a, b) => new Date(a.at).getTime() - new Date(b.at).getTime());
  return {
    facts: sortFacts(facts),
    type,
    status,
    offerId: offer?._id,
    awsOfferId: f.awsOfferId,
    opportunityId: opportunity?._id,
    resaleAuthorizationId: f.resaleAuthorizationId,
    buyerAccountId: f.acceptorAccountId,
    resellerAccountId: f.proposerAccountId,
    productId: f.productId ?? offer?.productId ?? opportunity?.productId,
    productCode: f.productCode,
    licenseArn: f.licenseArn,
    intent: f.intent,
    acceptanceTime: f.acceptanceTime,
    startTime: f.startTime ?? agreementApi.startTime,
    endTime: f.endTime ?? agreementApi.endTime,
    previousAgreementId: f.previousAgreementId,
    nextAgreementId,
    previousEntitlementId: ctx.chain?.previousEntitlementId,
    nextEntitlementId: ctx.chain?.nextEntitlementId,
    chain: ctx.chain?.chain,
    cancellation,
    offerSetId: offer?.offerSetId,
    grants,
    usagePrices: acceptedUsagePrices(agreementApi),
    wholesalePrices: opportunityPrices(opportunity),
    agreementApi,
    licence,
    link,
    sweepDue:
      link.missing.length > 0 ||
      (agreementApi.status === 'DUE' && status !== undefined) ||
      (licence.status === 'DUE' && status !== undefined && !!f.licenseArn && !!f.productCode) ||
      status === EntitlementStatus.PENDING_START ||
      undefined,
    history,
  };
}

const terminal = (status: EntitlementStatus | undefined) => status !== undefined && TERMINAL.has(status);

/**
 * One cancellation-request fact applied: pending → PENDING_CANCELLATION (an active entitlement only);
 * approved → CANCELLED; rejected, withdrawn or refused → back to ACTIVE. A request already resolved is never
 * pending again, whatever order its notices came in (they are applied in event-time order; a resolution
 * with the same time as its pending notice sorts after it).
 */
function cancellationStep(
  fact: AgreementFact,
  current: CancellationState | undefined,
  resolved: Set<string>,
  status: EntitlementStatus | undefined,
  ended: boolean,
): { cancellation: CancellationState | undefined; status?: EntitlementStatus; reason: string } {
  const id = fact.requestId ?? fact.eventId;
  const code = fact.requestStatus ?? 'PENDING_APPROVAL';
  const since = fact.requestedAt ?? fact.eventTime;
  const same = current?.requestId === id ? current : undefined;
  const reason = fact.reasonCode ? ` (${fact.reasonCode})` : '';
  if (code === 'PENDING_APPROVAL') {
    if (resolved.has(id)) return { cancellation: current, reason: '' };
    const next: CancellationState = {
      requestId: id,
      reasonCode: fact.reasonCode,
      status: code,
      since: new Date(since),
    };
    const pendable = status === EntitlementStatus.ACTIVE || status === EntitlementStatus.PENDING_START;
    return {
      cancellation: next,
      status: !ended && pendable ? EntitlementStatus.PENDING_CANCELLATION : undefined,
      reason: `the partner asked to cancel${reason}: request ${id}, answered by the buyer or approved by AWS after 7 days`,
    };
  }
  if (!REQUEST_RESOLVED.has(code)) return { cancellation: current, reason: '' };
  resolved.add(id);
  const next: CancellationState = {
    requestId: id,
    reasonCode: fact.reasonCode ?? same?.reasonCode,
    status: code,
    since: same?.since ?? new Date(since),
    resolvedAt: new Date(fact.eventTime),
  };
  const words = `cancellation request ${id} ${RESOLUTION_WORDS[code]}`;
  if (code === 'APPROVED')
    return { cancellation: next, status: ended ? undefined : EntitlementStatus.CANCELLED, reason: words };
  return {
    cancellation: next,
    status: status === EntitlementStatus.PENDING_CANCELLATION && same ? EntitlementStatus.ACTIVE : undefined,
    reason: words,
  };
}

/** A billing adjustment's history line: what AWS told the manufacturer (no amount: AWS withholds it). */
function adjustmentText(fact: AgreementFact): string {
  const outcome = fact.requestStatus === 'FAILED' ? 'failed' : 'completed';
  const reason = fact.reasonCode ? `, reason ${fact.reasonCode}` : '';
  return `billing adjustment ${fact.requestId ?? fact.eventId} ${outcome}${reason} (the amount is not disclosed to the manufacturer)`;
}

/** Each change of the licence's quantities, as a history line with the status the entitlement had then. */
function licenceHistory(
  licence: LicenceState,
  statuses: EntitlementHistoryEntry[],
): EntitlementHistoryEntry[] {
  const text = (grants: DimensionQuantity[]) =>
    grants.map((g) => `${g.dimensionKey} ${g.quantity}`).join(', ') || 'nothing';
  return (licence.changes ?? []).flatMap((change) => {
    const before = statuses.filter((h) => new Date(h.at) <= new Date(change.at)).pop();
    if (!before) return [];
    return [
      {
        status: before.status,
        at: new Date(change.at),
        reason: `licence entitlements changed: ${text(change.from)} → ${text(change.to)}`,
      },
    ];
  });
}

function linkState(
  facts: AgreementFact[],
  type: EntitlementType | undefined,
  f: Partial<AgreementFact>,
  offer: Offer | undefined,
  opportunity: Offer | undefined,
  ctx: DeriveContext,
): EntitlementLinkState {
  const missing: EntitlementLinkState['missing'] = [];
  const reasons: string[] = [];
  if (!facts.some((fact) => fact.kind !== 'license-updated' && fact.kind !== 'license-deprovisioned')) {
    missing.push('agreement');
    reasons.push('no agreement event yet (only licence events): waiting for Purchase Agreement Created');
  } else if (type === EntitlementType.CPPO) {
    if (!offer) {
      missing.push('offer');
      reasons.push(
        `the partner's offer ${f.awsOfferId ?? '(no offer id)'} is not known yet (Offer Released)`,
      );
    }
    if (!opportunity) {
      missing.push('opportunity');
      reasons.push(
        `no opportunity of this org was published as resale authorization ${f.resaleAuthorizationId}`,
      );
    }
  }
  if (!missing.length) return { missing };
  return { missing, reason: reasons.join('; '), since: ctx.previousLink?.since ?? ctx.now };
}

type Terms = Record<string, Record<string, unknown> | undefined>;

function acceptedGrants(api: AgreementApiState): DimensionQuantity[] | undefined {
  if (api.status !== 'OK') return undefined;
  const grants: DimensionQuantity[] = [];
  for (const term of (api.acceptedTerms ?? []) as Terms[]) {
    for (const g of (term['fixedUpfrontPricingTerm']?.['grants'] as Record<string, unknown>[]) ?? [])
      grants.push({ dimensionKey: String(g['dimensionKey']), quantity: Number(g['maxQuantity']) });
    const configuration = term['configurableUpfrontPricingTerm']?.['configuration'] as
      | { dimensions?: Record<string, unknown>[] }
      | undefined;
    for (const d of configuration?.dimensions ?? [])
      grants.push({ dimensionKey: String(d['dimensionKey']), quantity: Number(d['dimensionValue']) });
  }
  return grants;
}

function acceptedUsagePrices(api: AgreementApiState): DimensionPrice[] {
  if (api.status !== 'OK') return [];
  const prices: DimensionPrice[] = [];
  for (const term of (api.acceptedTerms ?? []) as Terms[]) {
    const cards =
      (term['usageBasedPricingTerm']?.['rateCards'] as { rateCard?: Record<string, unknown>[] }[]) ?? [];
    for (const rate of cards[0]?.rateCard ?? [])
      prices.push({ dimensionKey: String(rate['dimensionKey']), price: String(rate['price']) });
  }
  return prices;
}

interface OpportunityTerms {
  commitAmount?: { grants?: { dimensionKey: string; quantity: number }[] };
  usageDimensionPrices?: { dimensionKey: string; price: string }[];
}

function opportunityGrants(opportunity: Offer | undefined): DimensionQuantity[] {
  const terms = opportunity?.terms as OpportunityTerms | undefined;
  return (terms?.commitAmount?.grants ?? []).map((g) => ({
    dimensionKey: g.dimensionKey,
    quantity: g.quantity,
  }));
}

function opportunityPrices(opportunity: Offer | undefined): DimensionPrice[] {
  const terms = opportunity?.terms as OpportunityTerms | undefined;
  return (terms?.usageDimensionPrices ?? []).map((p) => ({ dimensionKey: p.dimensionKey, price: p.price }));
}
