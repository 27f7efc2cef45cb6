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
          expect([EntitlementStatus.ACTIVE, EntitlementStatus.PENDING_START]).not.toContain(later.status);
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
});
