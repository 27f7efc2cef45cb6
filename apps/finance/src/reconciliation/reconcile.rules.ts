import type { FinanceExceptionKind, MonthFigures } from '@cppo/persistence';

// The reconciliation of one deal as pure functions: figures from AWS's billing events and daily usage next to
// what we expected, and the exceptions they show. Money in micro-units (BigInt), shown with 2 decimals.

const SCALE = 1_000_000n;

/** A decimal string as micro-units, exactly (AWS's amounts and our prices have up to 8 decimals). */
export function units(amount: string | undefined): bigint {
  const match = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount ?? '');
  if (!match) return 0n;
  const [, sign, whole, fraction = ''] = match;
  const value = BigInt(whole) * SCALE + BigInt((fraction + '000000').slice(0, 6));
  return sign ? -value : value;
}

/** Micro-units as money: 2 decimals, half away from zero. */
export function money(value: bigint): string {
  const negative = value < 0n;
  const cents = ((negative ? -value : value) + 5_000n) / 10_000n;
  const text = `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
  return negative && cents > 0n ? `-${text}` : text;
}

/** A billing event as reconciliation reads it. */
export interface BillingLine {
  id: string;
  action: string;
  type: string;
  amount: bigint;
  invoiceDate?: string;
  paymentDueDate?: string;
  parentId?: string;
  disbursementId?: string;
  bankTraceId?: string;
}

/** What we expected of the deal: its wholesale charges (dated) and the overage our ledger reported. */
export interface Expected {
  charges: { date: string; amount: bigint }[];
  /** Reported overage per hour: its value and quantity, per dimension. */
  overage: { hour: string; dimension: string; quantity: number; value: bigint }[];
}

export interface UsageDay {
  date: string;
  dimension: string;
  quantity: number;
}

export interface FoundException {
  kind: FinanceExceptionKind;
  subject: string;
  detail: string;
}

export interface DealFigures {
  expected: bigint;
  expectedCommit: bigint;
  expectedOverage: bigint;
  invoiced: bigint;
  listingFee: bigint;
  refunded: bigint;
  disbursed: bigint;
  disbursements: { date: string; reference: string; amount: string; failed?: boolean }[];
  months: Record<string, MonthFigures>;
  exceptions: FoundException[];
}

const day = (iso: string | undefined) => (iso ?? '').slice(0, 10);
const month = (iso: string | undefined) => (iso ?? '').slice(0, 7);
/** A difference AWS's per-line rounding explains: a cent per invoice line. */
const CENT = 10_000n;

/**
 * One deal reconciled through `asOf` (the day the feeds cover): expected (the charges due by then and the
 * overage reported for hours up to then) vs invoiced (SELLER_REV_SHARE), the listing fee (AWS_REV_SHARE),
 * refunds, and disbursed (the DISBURSED lines of payouts that did not fail), with the exceptions they show.
 */
export function reconcile(
  agreementId: string,
  lines: BillingLine[],
  usage: UsageDay[],
  expected: Expected | undefined,
  asOf: string,
): DealFigures {
  const months: Record<string, { expected: bigint; invoiced: bigint; disbursed: bigint }> = {};
  const at = (m: string) => (months[m] ??= { expected: 0n, invoiced: 0n, disbursed: 0n });
  const exceptions: FoundException[] = [];
  const invoiced = lines.filter((l) => l.action === 'INVOICED');
  const sum = (ls: BillingLine[]) => ls.reduce((s, l) => s + l.amount, 0n);
  const revenue = invoiced.filter((l) => l.type === 'SELLER_REV_SHARE');
  const failedPayouts = new Set(lines.filter((l) => l.type === 'DISBURSEMENT_FAILURE').map((l) => l.id));
  const payouts = lines.filter((l) => l.type === 'DISBURSEMENT' || l.type === 'DISBURSEMENT_FAILURE');
  const paidLines = lines.filter(
    (l) =>
      l.action === 'DISBURSED' &&
      l.parentId &&
      l.type !== 'DISBURSEMENT' &&
      l.type !== 'DISBURSEMENT_FAILURE' &&
      !failedPayouts.has(l.disbursementId ?? ''),
  );
  for (const l of revenue) at(month(l.invoiceDate)).invoiced += l.amount;
  for (const l of paidLines) at(month(l.invoiceDate)).disbursed += l.amount;

  const dueCharges = (expected?.charges ?? []).filter((c) => day(c.date) <= asOf);
  const dueOverage = (expected?.overage ?? []).filter((o) => day(o.hour) <= asOf);
  for (const c of dueCharges) at(month(c.date)).expected += c.amount;
  for (const o of dueOverage) at(month(o.hour)).expected += o.value;
  const expectedCommit = dueCharges.reduce((s, c) => s + c.amount, 0n);
  const expectedOverage = dueOverage.reduce((s, o) => s + o.value, 0n);
  const figures = {
    expected: expectedCommit + expectedOverage,
    expectedCommit,
    expectedOverage,
    invoiced: sum(revenue),
    listingFee: sum(invoiced.filter((l) => l.type === 'AWS_REV_SHARE')),
    refunded: sum(invoiced.filter((l) => l.type === 'SELLER_REV_SHARE_REFUND')),
    disbursed: sum(paidLines),
  };

  if (!expected)
    exceptions.push({
      kind: 'UNKNOWN_AGREEMENT',
      subject: agreementId,
      detail: `AWS billed agreement ${agreementId}, which no entitlement of this org knows`,
    });
  else {
    const gap = figures.invoiced - figures.expected;
    const tolerance = CENT * BigInt(Math.max(1, revenue.length));
    if (gap > tolerance || -gap > tolerance)
      exceptions.push({
        kind: 'INVOICE_MISMATCH',
        subject: agreementId,
        detail: `invoiced ${money(figures.invoiced)} but expected ${money(figures.expected)} through ${asOf} (${money(gap)})`,
      });
  }
  const paidParents = new Set(paidLines.map((l) => l.parentId));
  // a line whose payout failed is that failure's exception, not a second one
  const failedParents = new Set(
    lines.filter((l) => l.parentId && failedPayouts.has(l.disbursementId ?? '')).map((l) => l.parentId),
  );
  for (const l of revenue)
    if (
      l.paymentDueDate &&
      day(l.paymentDueDate) < asOf &&
      !paidParents.has(l.id) &&
      !failedParents.has(l.id)
    )
      exceptions.push({
        kind: 'NOT_DISBURSED',
        subject: l.id,
        detail: `invoice line ${l.id} of ${money(l.amount)} was due on ${day(l.paymentDueDate)} and is not disbursed`,
      });
  for (const l of lines) {
    if (l.type === 'DISBURSEMENT_FAILURE')
      exceptions.push({
        kind: 'DISBURSEMENT_FAILURE',
        subject: l.id,
        detail: `AWS could not disburse ${money(l.amount)} on ${day(l.invoiceDate)}`,
      });
    if (l.type === 'BALANCE_ADJUSTMENT')
      exceptions.push({
        kind: 'BALANCE_ADJUSTMENT',
        subject: l.id,
        detail: `AWS adjusted the balance by ${money(l.amount)} on ${day(l.invoiceDate)}`,
      });
  }
  if (expected) exceptions.push(...usageMismatches(agreementId, usage, expected));

  return {
    ...figures,
    disbursements: payouts.map((p) => ({
      date: day(p.invoiceDate),
      reference: p.bankTraceId ?? p.id,
      amount: money(-p.amount),
      ...(p.type === 'DISBURSEMENT_FAILURE' ? { failed: true } : {}),
    })),
    months: Object.fromEntries(
      Object.entries(months)
        .filter(([m]) => m)
        .sort()
        .map(([m, f]) => [
          m,
          { expected: money(f.expected), invoiced: money(f.invoiced), disbursed: money(f.disbursed) },
        ]),
    ),
    exceptions,
  };
}

/** AWS's daily usage of a dimension next to what our ledger reported for that day's hours. */
function usageMismatches(agreementId: string, usage: UsageDay[], expected: Expected): FoundException[] {
  const ours = new Map<string, number>();
  for (const o of expected.overage) {
    const key = `${o.dimension}|${day(o.hour)}`;
    ours.set(key, (ours.get(key) ?? 0) + o.quantity);
  }
  const found: FoundException[] = [];
  for (const u of usage) {
    const reported = ours.get(`${u.dimension}|${day(u.date)}`) ?? 0;
    if (reported !== u.quantity)
      found.push({
        kind: 'USAGE_MISMATCH',
        subject: `${agreementId}|${u.dimension}|${day(u.date)}`,
        detail: `AWS counted ${u.quantity} ${u.dimension} on ${day(u.date)}; our ledger reported ${reported}`,
      });
  }
  return found;
}
