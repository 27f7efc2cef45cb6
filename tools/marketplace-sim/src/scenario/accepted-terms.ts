import { isoSeconds } from '../catalog/catalog.ids';
import type { ResaleAuthorization, Term } from '../catalog/resale-authorization';
import type { Doc } from '../json-api';

// What a buyer accepts from a resale authorization (or a direct offer): the agreement's terms, values and
// grants, derived as AWS would show them.

export function addDuration(startIso: string, duration: string): string | undefined {
  const match = /^P(\d+)([DMY])$/.exec(duration);
  if (!match) return undefined;
  const date = new Date(startIso);
  const n = Number(match[1]);
  if (match[2] === 'D') date.setUTCDate(date.getUTCDate() + n);
  if (match[2] === 'M') date.setUTCMonth(date.getUTCMonth() + n);
  if (match[2] === 'Y') date.setUTCFullYear(date.getUTCFullYear() + n);
  return isoSeconds(date);
}

export function agreementValue(ra: ResaleAuthorization): string {
  const schedule = (ra.paymentScheduleTerm?.['Schedule'] as Doc[] | undefined) ?? [];
  if (schedule.length) return schedule.reduce((sum, e) => sum + Number(e['ChargeAmount']), 0).toFixed(2);
  const fixed = ra.pricingTerms.find((t) => t.Type === 'ResaleFixedUpfrontPricingTerm');
  return Number(fixed?.['Price'] ?? 0).toFixed(2);
}

/** The rate card of a configurable upfront term, if the authorization has one. */
export function configurable(ra: ResaleAuthorization | undefined): Doc | undefined {
  const term = ra?.pricingTerms.find((t) => t.Type === 'ResaleConfigurableUpfrontPricingTerm');
  return ((term?.['RateCards'] as Doc[] | undefined) ?? [])[0];
}

/**
 * What the buyer gets: a fixed upfront term's grants, or the quantities the buyer configured on a
 * configurable one (`quantities` in the accept scenario; 1 of each dimension when not given).
 */
export function grantsBought(
  ra: ResaleAuthorization | undefined,
  fixed: Doc | undefined,
  quantities: Record<string, number> | undefined,
): { dimensionKey: string; quantity: number }[] {
  const card = configurable(ra);
  if (card)
    return ((card['RateCard'] as Doc[]) ?? []).map((r) => ({
      dimensionKey: String(r['DimensionKey']),
      quantity: Number(quantities?.[String(r['DimensionKey'])] ?? 1),
    }));
  return ((fixed?.['Grants'] as Doc[] | undefined) ?? []).map((g) => ({
    dimensionKey: String(g['DimensionKey']),
    quantity: Number(g['MaxQuantity']),
  }));
}

/** The RA's wholesale terms in the Agreement API's AcceptedTerm union shape (camelCase, one key each). */
/** A price with the partner's markup (percent), as the buyer pays it. */
function marked(price: unknown, markup: string | undefined): unknown {
  if (!markup || typeof price !== 'string') return price;
  const value = Number(price) * (1 + Number(markup) / 100);
  return value.toFixed(8).replace(/\.?0+$/, '');
}

/** Each accepted term gets an id (AWS's newer models carry one). */
export function withTermIds(agreementId: string, terms: Doc[]): Doc[] {
  return terms.map((term, i) => {
    const [[kind, body]] = Object.entries(term);
    return { [kind]: { ...(body as Doc), id: `term-${agreementId.replace(/^agmt-/, '')}-${i + 1}` } };
  });
}

export function acceptedTerms(
  ra: ResaleAuthorization,
  quantities?: Record<string, number>,
  markup?: string,
): Doc[] {
  const out: Doc[] = [];
  const legal = ra.legalTerms.find((t) => t.Type === 'BuyerLegalTerm');
  if (legal) {
    out.push({
      legalTerm: {
        type: 'LegalTerm',
        documents: ((legal['Documents'] as Doc[]) ?? []).map((d) =>
          d['Type'] === 'StandardEula'
            ? { type: 'StandardEula', version: '2022-07-14' }
            : { type: String(d['Type']), url: d['Url'] },
        ),
      },
    });
  }
  for (const term of ra.pricingTerms as Term[]) {
    if (term.Type === 'ResaleUsageBasedPricingTerm') {
      out.push({
        usageBasedPricingTerm: {
          type: 'UsageBasedPricingTerm',
          currencyCode: term['CurrencyCode'],
          rateCards: ((term['RateCards'] as Doc[]) ?? []).map((card) => ({
            rateCard: ((card['RateCard'] as Doc[]) ?? []).map((r) => ({
              dimensionKey: r['DimensionKey'],
              price: marked(r['Price'], markup),
            })),
          })),
        },
      });
    } else if (term.Type === 'ResaleConfigurableUpfrontPricingTerm') {
      const cards = (term['RateCards'] as Doc[]) ?? [];
      out.push({
        configurableUpfrontPricingTerm: {
          type: 'ConfigurableUpfrontPricingTerm',
          currencyCode: term['CurrencyCode'],
          rateCards: cards.map((card) => ({
            selector: { type: 'Duration', value: (card['Selector'] as Doc)?.['Value'] },
            constraints: { multipleDimensionSelection: 'Allowed', quantityConfiguration: 'Allowed' },
            rateCard: ((card['RateCard'] as Doc[]) ?? []).map((r) => ({
              dimensionKey: r['DimensionKey'],
              price: marked(r['Price'], markup),
            })),
          })),
          // What the buyer chose: the duration and a quantity per dimension.
          configuration: {
            selectorValue: (cards[0]?.['Selector'] as Doc | undefined)?.['Value'],
            dimensions: grantsBought(ra, undefined, quantities).map((g) => ({
              dimensionKey: g.dimensionKey,
              dimensionValue: g.quantity,
            })),
          },
        },
      });
    } else if (term.Type === 'ResaleFixedUpfrontPricingTerm') {
      out.push({
        fixedUpfrontPricingTerm: {
          type: 'FixedUpfrontPricingTerm',
          currencyCode: term['CurrencyCode'],
          duration: term['Duration'],
          price: marked(term['Price'], markup),
          grants: ((term['Grants'] as Doc[]) ?? []).map((g) => ({
            dimensionKey: g['DimensionKey'],
            maxQuantity: g['MaxQuantity'],
          })),
        },
      });
    }
  }
  if (ra.paymentScheduleTerm) {
    out.push({
      paymentScheduleTerm: {
        type: 'PaymentScheduleTerm',
        currencyCode: ra.paymentScheduleTerm['CurrencyCode'],
        schedule: ((ra.paymentScheduleTerm['Schedule'] as Doc[]) ?? []).map((e) => ({
          chargeDate: Date.parse(`${String(e['ChargeDate'])}T00:00:00Z`) / 1000,
          chargeAmount: marked(e['ChargeAmount'], markup),
        })),
      },
    });
  }
  return out;
}
