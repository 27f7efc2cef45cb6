import fc from 'fast-check';
import { EntitlementStatus } from '@cppo/contracts';
import type { AgreementFact, AgreementFactKind } from '@cppo/persistence';
import { deriveState, TERMINAL, type DeriveContext } from './entitlement.state';

const KINDS: AgreementFactKind[] = [
  'created',
  'amended',
  'ended',
  'superseded',
  'license-updated',
  'license-deprovisioned',
  'cancellation-request',
  'billing-adjustment',
];
const REQUEST_STATUSES = [
  'PENDING_APPROVAL',
  'APPROVED',
  'REJECTED',
  'CANCELLED',
  'VALIDATION_FAILED',
  'COMPLETED',
];
const STATUSES = [
  undefined,
  'ACTIVE',
  'CANCELLED',
  'EXPIRED',
  'TERMINATED',
  'RENEWED',
  'REPLACED',
  'SUPERSEDED',
];
const T0 = Date.parse('2026-11-01T10:00:00Z');

/** One AWS event about the agreement; a few seconds apart at most, so that ties in time are common. */
const fact = fc.record({
  kind: fc.constantFrom(...KINDS),
  second: fc.integer({ min: 0, max: 5 }),
  status: fc.constantFrom(...STATUSES),
  resaleAuthorizationId: fc.option(fc.constant('ra-1'), { nil: undefined }),
  startHours: fc.option(fc.integer({ min: -48, max: 48 }), { nil: undefined }),
  licenseArn: fc.option(fc.constantFrom('arn:l-1', 'arn:l-2'), { nil: undefined }),
  requestId: fc.constantFrom('acr-1', 'acr-2'),
  requestStatus: fc.constantFrom(...REQUEST_STATUSES),
});

/** Facts with unique event ids (AWS's ids are unique; a redelivery repeats one). */
const facts = fc.array(fact, { minLength: 1, maxLength: 8 }).map((drawn) =>
  drawn.map(
    (d, i): AgreementFact => ({
      eventId: `ev-${i}`,
      eventTime: new Date(T0 + d.second * 1000),
      kind: d.kind,
      status: d.status,
      resaleAuthorizationId: d.resaleAuthorizationId,
      startTime: d.startHours === undefined ? undefined : new Date(T0 + d.startHours * 3_600_000),
      licenseArn: d.licenseArn,
      nextAgreementId: d.kind === 'superseded' ? 'agmt-next' : undefined,
      ...(d.kind === 'cancellation-request' || d.kind === 'billing-adjustment'
        ? { requestId: d.requestId, requestStatus: d.requestStatus, reasonCode: 'OTHER' }
        : {}),
    }),
  ),
);

const ctx: DeriveContext = {
  now: new Date(T0 + 3_600_000),
  agreementApi: { status: 'DUE' },
  licence: { status: 'DUE' },
};

/** What the ledger keeps of a delivery sequence: each event id once (entitlement.ledger.ts). */
function received(deliveries: AgreementFact[]): AgreementFact[] {
  const kept: AgreementFact[] = [];
  for (const f of deliveries) if (!kept.some((k) => k.eventId === f.eventId)) kept.push(f);
  return kept;
}

describe('deriveState (property-based)', () => {
  it('any order and any duplication of the same facts give the same entitlement', () => {
    fc.assert(
      fc.property(
        facts.chain((fs) =>
          fc.tuple(
            fc.constant(fs),
            // every fact delivered at least once, some two or three times, in any order
            fc
              .shuffledSubarray(fs, { minLength: 0 })
              .chain((again) =>
                fc.shuffledSubarray([...fs, ...again, ...again], { minLength: fs.length + 2 * again.length }),
              ),
          ),
        ),
        ([fs, deliveries]) => {
          expect(deriveState(received(deliveries), ctx)).toEqual(deriveState(fs, ctx));
        },
      ),
    );
  });

  it('an ended entitlement never becomes active again', () => {
    fc.assert(
      fc.property(facts, (fs) => {
        const { history } = deriveState(fs, ctx);
        const firstEnd = history.findIndex((h) => TERMINAL.has(h.status));
        if (firstEnd < 0) return;
        for (const later of history.slice(firstEnd))
          expect([
            EntitlementStatus.ACTIVE,
            EntitlementStatus.PENDING_START,
            EntitlementStatus.PENDING_CANCELLATION,
          ]).not.toContain(later.status);
      }),
    );
  });

  it('a fact naming a resale authorization makes the entitlement a CPPO one, whatever came before', () => {
    fc.assert(
      fc.property(facts, (fs) => {
        const state = deriveState(fs, ctx);
        if (fs.some((f) => f.resaleAuthorizationId)) expect(state.type).toBe('CPPO');
      }),
    );
  });

  describe("a cancellation request's events, in every order, each delivered twice", () => {
    const at = (second: number) => new Date(T0 + second * 1000);
    const created: AgreementFact = {
      eventId: 'ev-created',
      eventTime: at(0),
      kind: 'created',
      resaleAuthorizationId: 'ra-1',
      startTime: at(0),
    };
    const request = (eventId: string, second: number, requestStatus: string): AgreementFact => ({
      eventId,
      eventTime: at(second),
      kind: 'cancellation-request',
      requestId: 'acr-1',
      requestStatus,
      reasonCode: 'BUYER_DISSATISFACTION',
      requestedAt: at(10),
    });
    const ended: AgreementFact = {
      eventId: 'ev-ended',
      eventTime: at(20),
      kind: 'ended',
      status: 'CANCELLED',
    };

    function permutations<T>(items: T[]): T[][] {
      if (items.length <= 1) return [items];
      return items.flatMap((item, i) =>
        permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
      );
    }

    /** Every ordering of the events, each delivered twice (the copies interleaved), as the ledger keeps them. */
    function everyDelivery(events: AgreementFact[]): AgreementFact[][] {
      return permutations(events).map((order) => received([...order, ...[...order].reverse()]));
    }

    it.each([
      [
        'approved (and ended)',
        [request('ev-p', 10, 'PENDING_APPROVAL'), request('ev-a', 20, 'APPROVED'), ended],
        'CANCELLED',
      ],
      [
        'rejected by the buyer',
        [request('ev-p', 10, 'PENDING_APPROVAL'), request('ev-r', 30, 'REJECTED')],
        'ACTIVE',
      ],
      [
        'withdrawn by the partner',
        [request('ev-p', 10, 'PENDING_APPROVAL'), request('ev-w', 30, 'CANCELLED')],
        'ACTIVE',
      ],
      [
        'refused by validation',
        [request('ev-p', 10, 'PENDING_APPROVAL'), request('ev-v', 10, 'VALIDATION_FAILED')],
        'ACTIVE',
      ],
      ['still pending', [request('ev-p', 10, 'PENDING_APPROVAL')], 'PENDING_CANCELLATION'],
    ])('%s: the same state and history whatever the order', (_name, events, status) => {
      const all = [created, ...events];
      const expected = deriveState(all, ctx);
      expect(expected.status).toBe(status);
      for (const delivered of everyDelivery(all)) expect(deriveState(delivered, ctx)).toEqual(expected);
    });

    it('pending, then back to active: both transitions in the history with AWS event time and id', () => {
      const state = deriveState(
        [created, request('ev-p', 10, 'PENDING_APPROVAL'), request('ev-r', 30, 'REJECTED')],
        ctx,
      );
      expect(state.history.map((h) => [h.status, h.eventId, new Date(h.at).toISOString()])).toEqual([
        ['ACTIVE', 'ev-created', at(0).toISOString()],
        ['PENDING_CANCELLATION', 'ev-p', at(10).toISOString()],
        ['ACTIVE', 'ev-r', at(30).toISOString()],
      ]);
      expect(state.cancellation).toMatchObject({
        requestId: 'acr-1',
        reasonCode: 'BUYER_DISSATISFACTION',
        status: 'REJECTED',
        since: at(10),
        resolvedAt: at(30),
      });
    });

    it('a billing adjustment is a history line without an amount; the status does not change', () => {
      const state = deriveState(
        [
          created,
          {
            eventId: 'ev-b',
            eventTime: at(40),
            kind: 'billing-adjustment',
            requestId: 'bar-1',
            requestStatus: 'COMPLETED',
          },
        ],
        ctx,
      );
      expect(state.status).toBe('ACTIVE');
      expect(state.history.at(-1)).toMatchObject({ status: 'ACTIVE', eventId: 'ev-b' });
      expect(state.history.at(-1)?.reason).toMatch(/billing adjustment bar-1 completed .*not disclosed/);
    });
  });
});
