import { matches } from './conditional-update';

// The conditions the repositories and the outbox relay use, checked in memory as MongoDB would check them
// (the FerretDB path of updateIf).
describe('matches (MongoDB query semantics in memory)', () => {
  const now = new Date('2026-11-26T12:00:00Z');

  it('treats $ne on an array as "no element equals"', () => {
    const offer = { sourceEventIds: ['e1', 'e2'] };
    expect(matches({ sourceEventIds: { $ne: 'e2' } }, offer)).toBe(false);
    expect(matches({ sourceEventIds: { $ne: 'e3' } }, offer)).toBe(true);
    expect(matches({ sourceEventIds: { $ne: 'e3' } }, {})).toBe(true);
  });

  it('compares dates and checks existence, as the relay claim does', () => {
    const claimable = {
      outboxPending: true,
      $or: [{ outboxLeaseUntil: { $exists: false } }, { outboxLeaseUntil: { $lt: now } }],
    };
    expect(matches(claimable, { outboxPending: true })).toBe(true);
    expect(matches(claimable, { outboxPending: true, outboxLeaseUntil: new Date(now.getTime() - 1) })).toBe(
      true,
    );
    expect(matches(claimable, { outboxPending: true, outboxLeaseUntil: new Date(now.getTime() + 1) })).toBe(
      false,
    );
    expect(matches(claimable, { outboxLeaseUntil: new Date(0) })).toBe(false);
  });

  it('matches dotted paths, $in and $size', () => {
    const doc = { status: 'PENDING', marketplace: { changeSetId: 'cs-1' }, outbox: [] };
    expect(matches({ status: { $in: ['PENDING', 'ACTIVE'] }, 'marketplace.changeSetId': 'cs-1' }, doc)).toBe(
      true,
    );
    expect(matches({ 'marketplace.changeSetId': 'cs-2' }, doc)).toBe(false);
    expect(matches({ outbox: { $size: 0 } }, doc)).toBe(true);
    expect(matches({ outbox: { $size: 0 } }, { outbox: [{ messageId: 'm' }] })).toBe(false);
  });
});
