import type { OpportunityTerms } from './opportunity-terms';

// AWS's rules for a resell opportunity, as pure functions of its terms: the opportunity service checks them
// before storing one, the console before sending one (through the browser-safe `@cppo/contracts/browser`),
// so the two cannot drift. No import but types: this file runs in a browser.

/** A product's dimensions by kind, as the Catalog API lists them. */
export interface DimensionKinds {
  entitled: string[];
  metered: string[];
}

/** Today as YYYY-MM-DD (UTC), the form of expiry and charge dates. */
export function today(now = new Date()): string {
  return now.toISOString().slice(0, 10);
}

/** Whole days from today (UTC) to `date` (YYYY-MM-DD): 0 on the day itself, negative once it has passed. */
export function daysUntil(date: string, now = new Date()): number {
  return Math.round((Date.parse(date) - Date.parse(today(now))) / 86_400_000);
}

/** Decimal string → integer micro-units, exact (amounts have at most 6 decimals). */
export function toMicros(amount: string): bigint {
  const [whole, fraction = ''] = amount.split('.');
  return BigInt(whole) * 1_000_000n + BigInt(fraction.padEnd(6, '0').slice(0, 6));
}

/**
 * The rules AWS enforces asynchronously (after minutes, as a FAILED change set), checked up front with
 * messages that name the field. `today` is YYYY-MM-DD (UTC).
 */
export function opportunityProblems(dto: OpportunityTerms, today: string): string[] {
  const problems: string[] = [];
  const buyers = dto.buyerAccountIds ?? [];
  if (dto.renewal && !buyers.length) problems.push('buyerAccountIds: a renewal requires at least one buyer');
  if (dto.expiryDate !== undefined && dto.expiryDate <= today)
    problems.push('expiryDate must be in the future');
  if (!dto.commitAmount && !dto.usageDimensionPrices?.length) {
    problems.push(
      'commitAmount: provide commitAmount and/or usageDimensionPrices (a resale authorization needs a price)',
    );
  }
  if (dto.usageDimensionPrices?.length && dto.commitAmount && dto.commitAmount.currency !== 'USD') {
    problems.push(
      'commitAmount.currency must be USD when usageDimensionPrices are set (AWS prices usage in USD only)',
    );
  }
  duplicates(dto.usageDimensionPrices?.map((p) => p.dimensionKey) ?? []).forEach((key) =>
    problems.push(`usageDimensionPrices: dimension ${key} appears more than once`),
  );
  duplicates(dto.commitAmount?.grants.map((g) => g.dimensionKey) ?? []).forEach((key) =>
    problems.push(`commitAmount.grants: dimension ${key} appears more than once`),
  );
  if (dto.eula?.type === 'STANDARD' && dto.eula.url)
    problems.push('eula.url is only allowed for a CUSTOM EULA');
  if (dto.resellerContract?.type === 'STANDARD' && dto.resellerContract.url) {
    problems.push('resellerContract.url is only allowed for a CUSTOM reseller contract');
  }
  const grants = dto.commitAmount?.grants ?? [];
  const priced = grants.filter((g) => g.unitPrice !== undefined);
  if (priced.length && priced.length < grants.length)
    problems.push('commitAmount.grants: give unitPrice for every grant, or for none');
  if (priced.length && dto.installments?.length)
    problems.push(
      'commitAmount.grants: unitPrice (per-unit pricing) cannot be combined with installments (a fixed price paid on a schedule)',
    );
  if (dto.commitAmount && priced.length === grants.length && priced.length) {
    const total = priced.reduce((sum, g) => sum + toMicros(g.unitPrice as string) * BigInt(g.quantity), 0n);
    if (total !== toMicros(dto.commitAmount.amount))
      problems.push(
        `commitAmount.grants: unitPrice × quantity must add up to commitAmount.amount ${dto.commitAmount.amount}`,
      );
  }
  const installments = dto.installments ?? [];
  if (installments.length) {
    if (!dto.commitAmount) problems.push('installments require commitAmount');
    if (dto.singleUse !== true) problems.push('installments require singleUse: true');
    if (!dto.expiryDate) problems.push('installments require expiryDate (before every chargeDate)');
    duplicates(installments.map((i) => i.chargeDate)).forEach((date) =>
      problems.push(`installments: chargeDate ${date} appears more than once`),
    );
    installments.forEach((installment, i) => {
      if (installment.chargeDate <= today)
        problems.push(`installments.${i}.chargeDate must be in the future`);
      if (dto.expiryDate && installment.chargeDate <= dto.expiryDate) {
        problems.push(`installments.${i}.chargeDate must be after expiryDate ${dto.expiryDate}`);
      }
    });
    if (dto.commitAmount) {
      const total = installments.reduce((sum, i) => sum + toMicros(i.amount), 0n);
      if (total !== toMicros(dto.commitAmount.amount)) {
        problems.push(`installments: amounts must add up to commitAmount.amount ${dto.commitAmount.amount}`);
      }
    }
  }
  return problems;
}

/** Rules that need the product's dimensions (read from the Catalog API). */
export function dimensionProblems(dto: OpportunityTerms, product: DimensionKinds): string[] {
  const problems: string[] = [];
  const priced = dto.usageDimensionPrices?.map((p) => p.dimensionKey) ?? [];
  for (const key of priced) {
    if (!product.metered.includes(key)) {
      problems.push(
        `usageDimensionPrices: ${key} is not a metered dimension of the product (metered: ${product.metered.join(', ') || 'none'})`,
      );
    }
  }
  if (priced.length) {
    const missing = product.metered.filter((key) => !priced.includes(key));
    if (missing.length)
      problems.push(
        `usageDimensionPrices: a price is required for every metered dimension; missing ${missing.join(', ')}`,
      );
  }
  for (const grant of dto.commitAmount?.grants ?? []) {
    if (!product.entitled.includes(grant.dimensionKey)) {
      problems.push(
        `commitAmount.grants: ${grant.dimensionKey} is not an entitled dimension of the product (entitled: ${product.entitled.join(', ') || 'none'})`,
      );
    }
  }
  return problems;
}

function duplicates(values: string[]): string[] {
  return [...new Set(values.filter((value, i) => values.indexOf(value) !== i))];
}
