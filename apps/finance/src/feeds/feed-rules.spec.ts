import { feedOfKey, isoOf, toRow } from './feed-rules';
import { money, units } from '../reconciliation/reconcile.rules';

describe('feed rules', () => {
  it('knows feed files by their key under the prefix, and nothing else', () => {
    expect(feedOfKey('sdds/billingevent_v1/year=2026/month=12/data.csv', 'sdds/')).toBe('billingevent');
    expect(feedOfKey('billingevent_v1/year=2026/month=12/data.csv', 'sdds/')).toBeUndefined();
    expect(feedOfKey('sdds/unknownfeed_v1/year=2026/month=12/data.csv', 'sdds/')).toBeUndefined();
    expect(feedOfKey('sdds/billingevent_v1/manifest.json', 'sdds/')).toBeUndefined();
  });

  it('a row needs its key, ISO dates, decimal amounts with their currency', () => {
    const ok = {
      billing_event_id: 'be-1',
      amount: '-12.50',
      currency: 'USD',
      invoice_date: '2026-12-01 10:00:00',
    };
    expect(toRow('org', 'billingevent', ok)).toMatchObject({ row: { key: 'be-1', version: '' } });
    expect(toRow('org', 'billingevent', { ...ok, billing_event_id: '' })).toEqual({
      problem: 'billing_event_id missing',
    });
    expect(toRow('org', 'billingevent', { ...ok, amount: '12,50' })).toEqual({
      problem: 'amount: "12,50" is not a decimal number',
    });
    expect(toRow('org', 'billingevent', { ...ok, invoice_date: 'yesterday' })).toEqual({
      problem: 'invoice_date: "yesterday" is not an ISO-8601 date',
    });
    expect(toRow('org', 'billingevent', { ...ok, currency: '' })).toEqual({
      problem: 'amount without its currency',
    });
  });

  it('the bi-temporal version is the update date, else the insert date, comparable whatever its form', () => {
    const a = toRow('org', 'agreement', {
      agreement_id: 'a',
      valid_from: '2026-01-01',
      update_date: '2026-02-01 00:00:00',
    });
    const b = toRow('org', 'agreement', {
      agreement_id: 'a',
      valid_from: '2026-01-01',
      update_date: '2026-01-31T23:00:00Z',
    });
    if (!('row' in a) || !('row' in b)) throw new Error('rows expected');
    expect(a.row._id).toBe(b.row._id); // same key and valid_from: one row
    expect(a.row.version > b.row.version).toBe(true);
    expect(isoOf('2026-02-01 00:00:00')).toBe('2026-02-01T00:00:00.000Z');
  });

  it('money is exact: micro-units in, two decimals out, half away from zero', () => {
    expect(money(units('0.1') + units('0.2'))).toBe('0.30');
    expect(money(units('10000.00') - units('300.005'))).toBe('9700.00');
    expect(money(units('10000.00') - units('300.006'))).toBe('9699.99');
    expect(money(units('-0.005'))).toBe('-0.01');
    expect(money(units('-0.004'))).toBe('0.00');
  });
});
