import {
  describe as describePlan,
  plan,
  type CurrentOpportunity,
  type DesiredAuthorization,
} from './channel-plan';

const want = (name: string): DesiredAuthorization => ({
  name,
  productId: 'prod-1',
  resellerAccountId: '111122223333',
  commitAmount: {
    amount: '10.00',
    currency: 'USD',
    duration: 'P12M',
    grants: [{ quantity: 1, dimensionKey: 'u' }],
  },
});
const stored = (id: string, key: string, extra: Partial<CurrentOpportunity> = {}): CurrentOpportunity => ({
  id,
  key,
  status: 'ACTIVE',
  name: 'A',
  productId: 'prod-1',
  resellerAccountId: '111122223333',
  buyerAccountIds: [],
  // the API's stored shape: defaults filled in, keys in another order
  terms: {
    singleUse: false,
    eula: { type: 'STANDARD' },
    commitAmount: {
      grants: [{ dimensionKey: 'u', quantity: 1 }],
      duration: 'P12M',
      currency: 'USD',
      amount: '10.00',
    },
  },
  createdAt: `2026-12-0${id.slice(-1)}T00:00:00Z`,
  ...extra,
});

describe('cppo plan rules', () => {
  it('the same authorization in the stored shape is unchanged, whatever the key order', () => {
    expect(plan(new Map([['a', want('A')]]), [stored('off_1', 'a')]).map((p) => p.kind)).toEqual([
      'unchanged',
    ]);
  });

  it('a failed, restricted or restriction-asked one is not in force: the key is created again', () => {
    for (const extra of [
      { status: 'FAILED' },
      { status: 'RESTRICTED' },
      { marketplace: { restrict: { status: 'APPLYING' } } },
    ])
      expect(plan(new Map([['a', want('A')]]), [stored('off_1', 'a', extra)]).map((p) => p.kind)).toEqual([
        'create',
      ]);
  });

  it('two in force under one key: the newest counts, the older is restricted', () => {
    const actions = plan(new Map([['a', want('A')]]), [stored('off_1', 'a'), stored('off_2', 'a')]);
    expect(actions.map((a) => [a.kind, 'current' in a ? a.current.id : undefined])).toEqual([
      ['unchanged', 'off_2'],
      ['restrict', 'off_1'],
    ]);
    expect(describePlan(actions)).toEqual([
      '- restrict a: off_1 (a newer one has its key), irreversibly',
      'Plan: 0 to create, 0 to replace, 1 to restrict, 1 unchanged.',
    ]);
  });

  it('opportunities without a key are not the file’s business', () => {
    expect(plan(new Map(), [stored('off_1', '')])).toEqual([]);
  });
});
