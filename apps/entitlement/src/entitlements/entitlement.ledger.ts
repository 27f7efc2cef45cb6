import { Injectable, Logger } from '@nestjs/common';
import { EntitlementStatus, EntitlementType, OfferType, RoutingKeys } from '@cppo/contracts';
import { buildEnvelope, deterministicMessageId } from '@cppo/messaging';
import {
  AuditEventRepository,
  BuyerChainRepository,
  EntitlementRepository,
  isDuplicateKeyError,
  newId,
  OfferRepository,
  type AgreementApiState,
  type AgreementFact,
  type Entitlement,
  type EntitlementState,
  type LicenceState,
  type Offer,
  type OutboxAudit,
  type OutboxEvent,
} from '@cppo/persistence';
import { LRUCache } from 'lru-cache';
import { deriveState, TERMINAL, type ChainLinks } from './entitlement.state';

/** New answers of AWS's APIs to record with (or without) a fact. */
export interface AwsAnswers {
  agreementApi?: AgreementApiState;
  licence?: LicenceState;
}

/** Facts after which AWS may hold new terms or quantities: the Agreement API and the licence are read again. */
const RE_READ_AGREEMENT = new Set(['created', 'amended']);
const RE_READ_LICENCE = new Set(['created', 'amended', 'license-updated']);

type EntitlementKey =
  | typeof RoutingKeys.EntitlementActivated
  | typeof RoutingKeys.EntitlementUpdated
  | typeof RoutingKeys.EntitlementEnded;

/** Fields whose change is worth a `cppo.entitlement.updated.v1`. */
const PUBLIC_FIELDS: (keyof EntitlementState)[] = [
  'type',
  'status',
  'offerId',
  'opportunityId',
  'licenseArn',
  'productId',
  'startTime',
  'endTime',
  'nextAgreementId',
  'previousEntitlementId',
  'nextEntitlementId',
  'chain',
  'cancellation',
  'offerSetId',
  'grants',
];

/** Statuses in which the buyer holds the entitlement: going from one to the other is not an activation. */
const HELD = new Set<EntitlementStatus | undefined>([
  EntitlementStatus.ACTIVE,
  EntitlementStatus.PENDING_CANCELLATION,
]);

/**
 * Keeps each agreement's entitlement: records a fact (an AWS event) once, derives the entitlement again
 * from all its facts and what we know of the deal (offer, opportunity, Agreement API), and writes it with a
 * compare-and-set on its version, together with the `cppo.entitlement.*.v1` event the change causes. A
 * concurrent writer makes the write miss: it reads and derives again.
 */
@Injectable()
export class EntitlementLedger {
  private readonly logger = new Logger(EntitlementLedger.name);
  /**
   * org + agreement → entitlement id, for the agreements this process has seen: their next events read
   * the entitlement by `_id` (which every Mongo-compatible server answers from its index; FerretDB answers
   * any other lookup by scanning). Ids never change, so the cache cannot be stale, only missing.
   */
  private readonly ids = new LRUCache<string, string>({ max: 100_000 });
  /**
   * Our offers and opportunities found for a deal, for a short while: every event of an agreement names the
   * same ones. Only what was found is kept (a missing one is looked up again, so it links the moment it
   * arrives); what is used of them (ids, product, terms) does not change once they exist.
   */
  private readonly deals = new LRUCache<string, Offer>({ max: 10_000, ttl: 10_000 });

  constructor(
    private readonly entitlements: EntitlementRepository,
    private readonly offers: OfferRepository,
    private readonly audit: AuditEventRepository,
    private readonly chains: BuyerChainRepository,
  ) {}

  /**
   * Records `fact` (if new) and refreshes the agreement's entitlement; with no fact, only refreshes it
   * (links, the clock, a new Agreement API answer). Returns the entitlement as stored.
   */
  async record(
    orgId: string,
    agreementId: string,
    fact?: AgreementFact,
    answers: AwsAnswers = {},
  ): Promise<Entitlement | null> {
    const answered = !!answers.agreementApi || !!answers.licence;
    // An agreement this process has not seen: assume it is new and insert (a unique conflict means it
    // was not, and it is read); anything else is read first.
    let assumeNew = !!fact && !this.ids.has(`${orgId}:${agreementId}`);
    for (let attempt = 0; attempt < 20; attempt++) {
      const current = assumeNew ? null : await this.find(orgId, agreementId);
      assumeNew = false;
      if (!current && !fact) return null;
      const facts = current?.facts ?? [];
      const isNew = !!fact && !facts.some((f) => f.eventId === fact.eventId);
      if (fact && !isNew && !answered && current) return current; // a duplicate: nothing changes
      const allFacts = isNew && fact ? [...facts, fact] : facts;
      const api =
        answers.agreementApi ??
        (isNew && RE_READ_AGREEMENT.has(fact?.kind ?? '')
          ? { status: 'DUE' as const } // new terms may have been accepted: ask again
          : (current?.agreementApi ?? { status: 'DUE' as const }));
      const licence = answers.licence
        ? withChange(current?.licence, answers.licence)
        : isNew && RE_READ_LICENCE.has(fact?.kind ?? '')
          ? { ...(current?.licence ?? {}), status: 'DUE' as const } // the licence may have changed: read it
          : (current?.licence ?? { status: 'DUE' as const });
      const state = await this.derive(orgId, agreementId, allFacts, api, licence, current);
      if (current && !changed(current, state)) return current;
      const cause = fact?.eventId ?? `refresh:${current?.version ?? 0}`;
      const id = current?._id ?? newId('ent');
      const events = this.events(orgId, id, agreementId, current, state, cause);
      let written: Entitlement | null;
      if (!current) {
        try {
          written = await this.entitlements.create({ _id: id, orgId, agreementId, ...state }, events);
        } catch (error) {
          if (isDuplicateKeyError(error)) continue; // created concurrently: derive again on top of it
          throw error;
        }
      } else {
        written = await this.entitlements.replaceState(orgId, id, current.version, state, events);
        if (!written) continue;
      }
      this.ids.set(`${orgId}:${agreementId}`, written._id);
      // A renewal opportunity's deal found the agreement it renews (AWS named none): that one learns its
      // successor too — whichever derivation (event, relink, sweep) first placed this one in the chain.
      const renews =
        state.chain?.kind === 'RENEWAL' && !state.previousAgreementId && state.previousEntitlementId;
      if (renews && current?.previousEntitlementId !== state.previousEntitlementId)
        await this.entitlements.linkNext(orgId, state.previousEntitlementId as string, written._id);
      // A status change's audit line travels with its event (written by the relay: a crash loses neither);
      // one without an event (the entitlement's type not known yet) is written here, best effort.
      if (current?.status !== state.status && !events.length) await this.recordAudit(written, current, cause);
      return written;
    }
    throw new Error(`entitlement of agreement ${agreementId} kept changing under concurrent writes`);
  }

  private async cached(key: string, find: () => Promise<Offer | null>): Promise<Offer | null> {
    const known = this.deals.get(key);
    if (known) return known;
    const found = await find();
    // A CPPO offer is kept once its opportunity is known (linking may still add it).
    if (found && (found.type !== OfferType.CPPO || found.cppoOutOfferId)) this.deals.set(key, found);
    return found;
  }

  /** Read by `_id` when it is known (remembered, or `hint` from a list), else by org and agreement. */
  private async find(orgId: string, agreementId: string): Promise<Entitlement | null> {
    const id = this.ids.get(`${orgId}:${agreementId}`);
    if (id) return this.entitlements.findById(orgId, id);
    const found = await this.entitlements.findByAgreement(orgId, agreementId);
    if (found) this.ids.set(`${orgId}:${agreementId}`, found._id);
    return found;
  }

  /** A partner offer changed (its offer set learnt): the next derivation reads it again. */
  forgetOffer(orgId: string, awsOfferId: string): void {
    this.deals.delete(`offer:${orgId}:${awsOfferId}`);
  }

  /** Entitlements read from a list: later reads of them go by `_id`. */
  remember(entitlements: Pick<Entitlement, '_id' | 'orgId' | 'agreementId'>[]): void {
    for (const e of entitlements) this.ids.set(`${e.orgId}:${e.agreementId}`, e._id);
  }

  private async derive(
    orgId: string,
    agreementId: string,
    facts: AgreementFact[],
    agreementApi: AgreementApiState,
    licence: LicenceState,
    current: Entitlement | null,
  ): Promise<EntitlementState> {
    const awsOfferId = facts.map((f) => f.awsOfferId).find((id) => !!id);
    const resaleAuthorizationId = facts.map((f) => f.resaleAuthorizationId).find((id) => !!id);
    const offer = awsOfferId
      ? await this.cached(`offer:${orgId}:${awsOfferId}`, () =>
          this.offers.findCppoByAwsOfferId(orgId, awsOfferId),
        )
      : null;
    let opportunity = resaleAuthorizationId
      ? await this.cached(`ra:${orgId}:${resaleAuthorizationId}`, () =>
          this.offers.findOpportunityByResaleAuthorization(orgId, resaleAuthorizationId),
        )
      : null;
    if (!opportunity && offer?.cppoOutOfferId)
      opportunity = await this.offers.findById(orgId, offer.cppoOutOfferId);
    const ctx = { now: new Date(), offer, opportunity, agreementApi, licence, previousLink: current?.link };
    const first = deriveState(facts, ctx);
    const chain = await this.chainLinks(orgId, agreementId, facts, first, current, opportunity);
    return deriveState(facts, { ...ctx, chain });
  }

  /**
   * The entitlement's neighbours in its buyer's chain, looked up once and kept: the agreement it renews or
   * replaces and the one that renewed or replaced it (by agreement id); for a first agreement, whether a
   * renewal opportunity (buyers required) made it follow the buyer's earlier agreement for the product, or
   * another seller of record started a new chain (AWS never replaces across sellers).
   */
  private async chainLinks(
    orgId: string,
    agreementId: string,
    facts: AgreementFact[],
    state: EntitlementState,
    current: Entitlement | null,
    opportunity: Offer | null,
  ): Promise<ChainLinks> {
    const links: ChainLinks = {
      previousEntitlementId: current?.previousEntitlementId,
      nextEntitlementId: current?.nextEntitlementId,
      chain: current?.chain,
    };
    if (!links.previousEntitlementId && state.previousAgreementId)
      links.previousEntitlementId = (await this.find(orgId, state.previousAgreementId))?._id;
    if (!links.nextEntitlementId && state.nextAgreementId)
      links.nextEntitlementId = (await this.find(orgId, state.nextAgreementId))?._id;
    if (state.previousAgreementId) {
      const renewal = state.intent === 'RENEW';
      links.chain = {
        kind: renewal ? 'RENEWAL' : 'REPLACEMENT',
        reason: `${renewal ? 'renews' : 'replaces'} agreement ${state.previousAgreementId} (named by AWS)`,
        relatedEntitlementId: links.previousEntitlementId,
      };
    } else if (!links.chain && facts.some((f) => f.kind === 'created') && !state.link.missing.length)
      links.chain = await this.firstInChain(orgId, agreementId, state, links, opportunity);
    return links;
  }

  /** A first agreement: NEW, a renewal through a renewal opportunity, or a partner switch. */
  private async firstInChain(
    orgId: string,
    agreementId: string,
    state: EntitlementState,
    links: ChainLinks,
    opportunity: Offer | null,
  ): Promise<ChainLinks['chain']> {
    if (!state.buyerAccountId || !state.productId) return undefined;
    const start = new Date(state.startTime ?? state.acceptanceTime ?? Date.now()).getTime();
    const time = (date?: Date) => new Date(date ?? 0).getTime();
    // One round trip by `_id`: this agreement joins its buyer's chain and learns the others.
    const before = (
      await this.chains.join(orgId, state.buyerAccountId, state.productId, {
        agreementId,
        type: state.type,
        resellerAccountId: state.resellerAccountId,
        startTime: state.startTime,
      })
    ).filter((m) => m.agreementId !== agreementId && time(m.startTime) < start);
    const earlier = [...before].sort((a, b) => time(b.startTime) - time(a.startTime))[0];
    if (!earlier)
      return { kind: 'NEW', reason: `the buyer's first agreement for product ${state.productId}` };
    if (
      state.type === EntitlementType.CPPO &&
      (opportunity?.terms as { renewal?: unknown } | undefined)?.renewal
    ) {
      // a renewal renews the one in force that ends first (read now: their ends and statuses move on)
      const current = (await Promise.all(before.map((m) => this.find(orgId, m.agreementId)))).filter(
        (e): e is Entitlement => !!e,
      );
      const renewed =
        current
          .filter((e) => !e.status || !TERMINAL.has(e.status))
          .sort((a, b) => time(a.endTime ?? new Date(8.64e15)) - time(b.endTime ?? new Date(8.64e15)))[0] ??
        current.find((e) => e.agreementId === earlier.agreementId);
      if (!renewed) return undefined;
      links.previousEntitlementId = renewed._id;
      return {
        kind: 'RENEWAL',
        reason: `made from renewal opportunity ${state.opportunityId}: renews the buyer's agreement ${renewed.agreementId}, the one in force ending first (linked by buyer and product; AWS named no previous agreement)`,
        relatedEntitlementId: renewed._id,
      };
    }
    const otherSeller = (earlier.resellerAccountId ?? '') !== (state.resellerAccountId ?? '');
    if (otherSeller)
      return {
        kind: 'PARTNER_SWITCH',
        reason: `a new chain: the buyer held agreement ${earlier.agreementId} through ${earlier.type === EntitlementType.CPPO ? `partner ${earlier.resellerAccountId}` : 'the ISV directly'}; another seller of record makes a new agreement, never a replacement`,
        relatedEntitlementId: (await this.find(orgId, earlier.agreementId))?._id,
      };
    return {
      kind: 'NEW',
      reason: `a new agreement beside the buyer's agreement ${earlier.agreementId} from the same seller`,
    };
  }

  /** The event the change causes; its id is derived from the cause, so a retried write repeats it. */
  private events(
    orgId: string,
    id: string,
    agreementId: string,
    before: Entitlement | null,
    after: EntitlementState,
    cause: string,
  ): OutboxEvent[] {
    // No event until an agreement fact says what kind of entitlement it is (a lone `superseded` fact says
    // not): consumers refuse an entitlement event without its type (the payload cast once hid this).
    if (after.status === undefined || after.type === undefined) return [];
    let key: EntitlementKey = RoutingKeys.EntitlementUpdated;
    if (after.status === EntitlementStatus.ACTIVE && !HELD.has(before?.status))
      key = RoutingKeys.EntitlementActivated;
    else if (TERMINAL.has(after.status) && !(before?.status && TERMINAL.has(before.status)))
      key = RoutingKeys.EntitlementEnded;
    else if (before && !PUBLIC_FIELDS.some((field) => !same(before[field], after[field]))) return [];
    const payload = {
      entitlementId: id,
      agreementId,
      type: after.type,
      status: after.status,
      opportunityId: after.opportunityId,
      offerId: after.offerId,
      buyerAccountId: after.buyerAccountId,
      licenseArn: after.licenseArn,
      productId: after.productId,
      previousEntitlementId: after.previousEntitlementId,
      nextEntitlementId: after.nextEntitlementId,
      nextAgreementId: after.nextAgreementId,
      cancellationReasonCode:
        after.status === EntitlementStatus.PENDING_CANCELLATION ? after.cancellation?.reasonCode : undefined,
      offerSetId: after.offerSetId,
      version: before ? before.version + 1 : 1, // what the write makes it (create: 1; replace: +1)
    };
    const envelope = (k: EntitlementKey | typeof RoutingKeys.EntitlementCreated) =>
      buildEnvelope(k, payload, {
        orgId,
        messageId: deterministicMessageId(`${id}:${cause}:${k}`),
        causationId: cause,
        correlationId: agreementId,
      });
    const event = envelope(key);
    // The first event the entitlement has: it is new to everyone outside (its earlier versions had no type).
    const created = before?.status === undefined || before.type === undefined;
    const first = created ? [envelope(RoutingKeys.EntitlementCreated)] : [];
    if (before?.status === after.status) return [...first, event];
    return [...first, { ...event, audit: statusAudit(id, before, after.status, agreementId, cause) }];
  }

  /** The audit line of a status change that has no event to carry it; its loss on a crash loses history only. */
  private async recordAudit(
    entitlement: Entitlement,
    before: Entitlement | null,
    cause: string,
  ): Promise<void> {
    await this.audit
      .append({
        orgId: entitlement.orgId,
        ...statusAudit(entitlement._id, before, entitlement.status, entitlement.agreementId, cause),
      })
      .catch((error: Error) =>
        this.logger.warn(`audit for ${entitlement._id} not written: ${error.message}`),
      );
  }
}

/** The audit line of an entitlement's status change: who (AWS's event, or our own refresh) and from what. */
function statusAudit(
  id: string,
  before: Entitlement | null,
  status: EntitlementStatus | undefined,
  agreementId: string,
  cause: string,
): OutboxAudit {
  return {
    entityType: 'entitlement',
    entityId: id,
    action: `status:${status ?? 'unknown'}`,
    actor: cause.startsWith('refresh:') ? 'service:entitlement' : `aws:${cause}`,
    data: { from: before?.status, to: status, agreementId },
  };
}

/**
 * A new reading of the licence, with the change from the previous one remembered when the quantities
 * differ (the first reading is not a change); a failed reading keeps what was read before.
 */
function withChange(previous: LicenceState | undefined, next: LicenceState): LicenceState {
  const changes = previous?.changes ?? [];
  if (next.status !== 'OK')
    return { ...next, grants: previous?.grants, expiresAt: previous?.expiresAt, changes };
  const before = previous?.grants;
  const after = next.grants ?? [];
  const changed =
    before !== undefined && previous?.at !== undefined && !same(sortGrants(before), sortGrants(after));
  return {
    ...next,
    changes: changed ? [...changes, { at: next.at ?? new Date(), from: before, to: after }] : changes,
  };
}

function sortGrants<T extends { dimensionKey: string }>(grants: T[]): T[] {
  return [...grants].sort((a, b) => a.dimensionKey.localeCompare(b.dimensionKey));
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Whether the derived state differs from what is stored (nothing to write otherwise). */
function changed(current: Entitlement, state: EntitlementState): boolean {
  return Object.entries(state).some(
    ([key, value]) => !same((current as unknown as Record<string, unknown>)[key], value),
  );
}
