import fc from 'fast-check';
import {
  earliestAcceptedHour,
  FUTURE_TOLERANCE_MS,
  hourOf,
  HOUR_MS,
  multiplyDecimal,
  timestampProblem,
} from './usage.rules';

/** A decimal string's exact value scaled by 10^decimals (a test-side reading, independent of the code). */
function scaled(decimal: string, decimals: number): bigint {
  const [whole, fraction = ''] = decimal.split('.');
  return BigInt(whole + fraction.padEnd(decimals, '0'));
}

const price = fc
  .tuple(
    fc.bigInt({ min: 0n, max: 10n ** 12n - 1n }),
    fc.option(fc.stringMatching(/^\d{1,8}$/), { nil: undefined }),
  )
  .map(([whole, fraction]) => (fraction === undefined ? `${whole}` : `${whole}.${fraction}`));
const quantity = fc.integer({ min: 0, max: 2 ** 31 - 1 });
// 2000-01-01 … 2100-01-01, in milliseconds
const instant = fc.integer({ min: 946_684_800_000, max: 4_102_444_800_000 });

describe('metering arithmetic (property-based)', () => {
  it('multiplyDecimal is exact: price × quantity to the price’s own decimals, additive in the quantity', () => {
    fc.assert(
      fc.property(price, quantity, quantity, (p, q1, q2) => {
        const decimals = p.split('.')[1]?.length ?? 0;
        const product = multiplyDecimal(p, q1) as string;
        expect(product).toMatch(decimals ? new RegExp(`^\\d+\\.\\d{${decimals}}$`) : /^\d+$/);
        expect(product).not.toMatch(/^0\d/);
        expect(scaled(product, decimals)).toBe(scaled(p, decimals) * BigInt(q1));
        expect(scaled(multiplyDecimal(p, q1 + q2) as string, decimals)).toBe(
          scaled(product, decimals) + scaled(multiplyDecimal(p, q2) as string, decimals),
        );
      }),
    );
  });

  it('multiplyDecimal refuses what is not a plain decimal', () => {
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^\d+(\.\d+)?$/.test(s)),
        quantity,
        (s, q) => {
          expect(multiplyDecimal(s, q)).toBeUndefined();
        },
      ),
    );
  });

  it('hourOf is the start of the hour an instant falls in', () => {
    fc.assert(
      fc.property(instant, (t) => {
        const hour = hourOf(t);
        expect(hour % HOUR_MS).toBe(0);
        expect(hour <= t && t < hour + HOUR_MS).toBe(true);
        expect(hourOf(hour)).toBe(hour);
      }),
    );
  });

  it("AWS's window: never more than its hours back, never the previous month after 06:00 on the 1st", () => {
    fc.assert(
      fc.property(instant, fc.integer({ min: 1, max: 72 }), (now, windowHours) => {
        const earliest = earliestAcceptedHour(now, windowHours);
        expect(earliest).toBeGreaterThanOrEqual(now - windowHours * HOUR_MS);
        expect(earliest).toBeLessThanOrEqual(now);
        const at = new Date(now);
        const monthStart = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), 1);
        if (now >= monthStart + 6 * HOUR_MS) expect(earliest).toBeGreaterThanOrEqual(monthStart);
        else expect(earliest).toBe(now - windowHours * HOUR_MS);
      }),
    );
  });

  it('the window only moves forward as time passes', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: 0, max: 100 * HOUR_MS }),
        fc.integer({ min: 1, max: 72 }),
        (now, later, w) => {
          expect(earliestAcceptedHour(now + later, w)).toBeGreaterThanOrEqual(earliestAcceptedHour(now, w));
        },
      ),
    );
  });

  it('a timestamp is refused exactly when it is in the future or before the window', () => {
    fc.assert(
      fc.property(
        instant,
        fc.integer({ min: -100 * HOUR_MS, max: HOUR_MS }),
        fc.integer({ min: 1, max: 72 }),
        (now, offset, w) => {
          const ts = now + offset;
          const problem = timestampProblem(ts, now, w);
          const future = ts > now + FUTURE_TOLERANCE_MS;
          const early = hourOf(ts) < earliestAcceptedHour(now, w);
          expect(problem === undefined).toBe(!future && !early);
          if (future) expect(problem).toMatch(/in the future/);
          else if (early) expect(problem).toMatch(/outside AWS's acceptance window/);
        },
      ),
    );
  });
});
