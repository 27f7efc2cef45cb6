import { bookLineOf, feedOfKey, isoOf, mergeBook, toRow } from './feed-rules';
import { DealSpill } from '../imports/spill';
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

  it("a deal's book keeps each row's latest version; a deletion stays; the same lines again change nothing", () => {
    const line = (record: Record<string, string>) => {
      const made = toRow('org', 'agreement', { agreement_id: 'agmt-1', valid_from: '2026-01-01', ...record });
      if (!('row' in made)) throw new Error(made.problem);
      return bookLineOf(made.row);
    };
    const first = line({ status: 'ACTIVE', update_date: '2026-01-01' });
    const later = line({ status: 'CANCELLED', update_date: '2026-03-01' });
    const deleted = line({ status: 'CANCELLED', update_date: '2026-04-01', delete_date: '2026-04-01' });
    const other = line({ valid_from: '2026-05-01', status: 'ACTIVE', update_date: '2026-05-01' });

    const one = mergeBook(undefined, [later, first]); // order does not matter
    expect(one.lines.map((l) => l.data['status'])).toEqual(['CANCELLED']);
    expect(mergeBook(one.book, [first, later])).toEqual(one); // read again: the same book
    const gone = mergeBook(one.book, [deleted]);
    expect(gone.lines).toEqual([]);
    expect(mergeBook(gone.book, [first]).lines).toEqual([]); // an older copy does not bring it back
    expect(mergeBook(gone.book, [other]).lines.map((l) => l.data['valid_from'])).toEqual(['2026-05-01']);
  });

  it("an agreement id is AWS's shape or the row is parked (a deal's lines are keyed by it)", () => {
    expect(toRow('org', 'billingevent', { billing_event_id: 'be-1', agreement_id: 'agmt-1\tx' })).toEqual({
      problem: 'agreement_id: "agmt-1\tx" is not an agreement id',
    });
  });

  it('the spill gives every deal back once with all its lines, whatever the partition', async () => {
    const spill = await DealSpill.open();
    try {
      for (let i = 0; i < 3000; i++) await spill.add(`agmt-${i % 1000}`, `{"n":${i}}`);
      const seen = new Map<string, string[]>();
      let partitions = 0;
      for await (const partition of spill.partitions()) {
        partitions++;
        for (const [agreementId, lines] of partition) {
          expect(seen.has(agreementId)).toBe(false);
          seen.set(agreementId, lines);
        }
      }
      expect(partitions).toBeGreaterThan(8); // memory holds a part, not the whole
      expect(seen.size).toBe(1000);
      expect(seen.get('agmt-7')).toEqual(['{"n":7}', '{"n":1007}', '{"n":2007}']);
      expect(spill.deals.size).toBe(1000);
    } finally {
      await spill.close();
    }
  });
});
