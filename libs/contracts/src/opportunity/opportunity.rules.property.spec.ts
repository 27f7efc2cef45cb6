import fc from 'fast-check';
import type { OpportunityTerms } from './opportunity-terms';
import { opportunityProblems, toMicros } from './opportunity.rules';

/** An amount as the API accepts it (up to 6 decimals), with its value in micro-units. */
const amount = fc
  .tuple(
    fc.bigInt({ min: 0n, max: 10n ** 9n }),
    fc.integer({ min: 0, max: 6 }),
    fc.bigInt({ min: 0n, max: 999_999n }),
  )
  .map(([whole, decimals, fraction]) => {
    const digits = fraction.toString().padStart(6, '0').slice(0, decimals);
    return {
      text: decimals ? `${whole}.${digits}` : `${whole}`,
      micros: whole * 1_000_000n + BigInt(digits.padEnd(6, '0')),
    };
  });
const grant = fc.record({ unitPrice: amount, quantity: fc.integer({ min: 1, max: 10_000 }) });
const SUM_RULE = /unitPrice × quantity must add up/;

function perUnit(grants: { unitPrice: string; quantity: number }[], total: string): OpportunityTerms {
  return {
    name: 'N',
    productId: 'prod-1',
    resellerAccountId: '111122223333',
    commitAmount: {
      amount: total,
      currency: 'USD',
      duration: 'P12M',
      grants: grants.map((g, i) => ({ dimensionKey: `d${i}`, ...g })),
    },
  };
}

describe('opportunity rules (property-based)', () => {
  it('toMicros reads every accepted amount exactly', () => {
    fc.assert(fc.property(amount, (a) => expect(toMicros(a.text)).toBe(a.micros)));
  });

  it('a per-unit commit passes the sum rule exactly when unit prices × quantities add up to the amount', () => {
    fc.assert(
      fc.property(
        fc.array(grant, { minLength: 1, maxLength: 5 }),
        fc.bigInt({ min: -3n, max: 3n }),
        (grants, off) => {
          const sum = grants.reduce((s, g) => s + g.unitPrice.micros * BigInt(g.quantity), 0n) + off;
          fc.pre(sum >= 0n);
          const total = `${sum / 1_000_000n}.${(sum % 1_000_000n).toString().padStart(6, '0')}`;
          const problems = opportunityProblems(
            perUnit(
              grants.map((g) => ({ unitPrice: g.unitPrice.text, quantity: g.quantity })),
              total,
            ),
            '2026-12-03',
          );
          expect(problems.some((p) => SUM_RULE.test(p))).toBe(off !== 0n);
        },
      ),
    );
  });
});
