import { Injectable } from '@nestjs/common';
import { RoutingKeys } from '@cppo/contracts';
import { buildEnvelope, deterministicMessageId } from '@cppo/messaging';
import {
  EntitlementRepository,
  financeId,
  FinanceRepository,
  MeteringReportRepository,
  OfferRepository,
  type Entitlement,
  type FinanceRow,
} from '@cppo/persistence';
import { money, reconcile, units, type BillingLine, type Expected, type UsageDay } from './reconcile.rules';

interface OpportunityTerms {
  commitAmount?: { amount: string; currency: string };
  installments?: { chargeDate: string; amount: string }[];
}

/**
 * Reconciles deals: for each agreement, its billing events and daily usage (the feeds as stored) next to what
 * we expected — the opportunity's commit or installments and the overage the metering ledger reported for
 * the agreement's entitlement — stored as the deal, and its exceptions opened (once each, with their event)
 * or resolved.
 */
@Injectable()
export class ReconcileService {
  constructor(
    private readonly finance: FinanceRepository,
    private readonly entitlements: EntitlementRepository,
    private readonly offers: OfferRepository,
    private readonly reports: MeteringReportRepository,
  ) {}

  /** Reconciles the deals, 500 at a time: a handful of queries per chunk, whatever its size. */
  async reconcile(orgId: string, agreementIds: string[], asOf: string): Promise<void> {
    for (let i = 0; i < agreementIds.length; i += CHUNK)
      await this.reconcileChunk(orgId, agreementIds.slice(i, i + CHUNK), asOf);
  }

  private async reconcileChunk(orgId: string, agreementIds: string[], asOf: string): Promise<void> {
    const rows = await this.finance.agreementRows(orgId, agreementIds, [
      'billingevent',
      'dailyusage',
      'agreement',
    ]);
    const rowsOf = groupBy(rows, (r) => r.agreementId as string);
    const entitlements = new Map(
      (await this.entitlements.findByAgreements(orgId, agreementIds)).map((e) => [e.agreementId, e]),
    );
    const expected = await this.expected(orgId, [...entitlements.values()], asOf);
    const deals: FinanceDealDoc[] = [];
    const stillOpen: string[] = [];
    for (const agreementId of agreementIds) {
      const own = rowsOf.get(agreementId) ?? [];
      const billing = own.filter((r) => r.feed === 'billingevent').map(lineOf);
      if (!billing.length) continue; // nothing billed yet: not a deal of the feeds
      const usage: UsageDay[] = own
        .filter((r) => r.feed === 'dailyusage')
        .map((r) => ({
          date: r.data['usage_date'],
          dimension: r.data['dimension_key'],
          quantity: Number(r.data['quantity']),
        }));
      const entitlement = entitlements.get(agreementId);
      const figures = reconcile(
        agreementId,
        billing,
        usage,
        entitlement && expected.get(entitlement._id),
        asOf,
      );
      const open: string[] = [];
      for (const found of figures.exceptions) {
        const id = financeId('fex', orgId, found.kind, found.subject);
        open.push(id);
        const payload = {
          exceptionId: id,
          kind: found.kind,
          subject: found.subject,
          agreementId,
          detail: found.detail,
        };
        await this.finance.openException(
          { _id: id, orgId, ...payload, status: 'OPEN', openedAt: new Date() },
          [
            buildEnvelope(RoutingKeys.FinanceExceptionOpened, payload, {
              orgId,
              messageId: deterministicMessageId(`${id}:opened`),
              correlationId: agreementId,
            }),
          ],
        );
      }
      stillOpen.push(...open);
      // the agreement feed's current version: the latest valid_from among the rows not deleted
      const agreementRow = own
        .filter((r) => r.feed === 'agreement')
        .sort((x, y) => (x.data['valid_from'] ?? '').localeCompare(y.data['valid_from'] ?? ''))
        .pop();
      deals.push({
        _id: financeId('fdl', orgId, agreementId),
        orgId,
        agreementId,
        entitlementId: entitlement?._id,
        opportunityId: entitlement?.opportunityId,
        offerId: entitlement?.offerId,
        partnerAccountId: entitlement?.resellerAccountId ?? agreementRow?.data['proposer_account_id'],
        buyerAccountId: entitlement?.buyerAccountId ?? agreementRow?.data['acceptor_account_id'],
        productId: entitlement?.productId ?? own.find((r) => r.data['product_id'])?.data['product_id'],
        currency: own.find((r) => r.data['currency'])?.data['currency'],
        agreementStatus: agreementRow?.data['status'],
        agreementEndDate: agreementRow?.data['end_date'],
        asOf,
        expected: money(figures.expected),
        expectedCommit: money(figures.expectedCommit),
        expectedOverage: money(figures.expectedOverage),
        invoiced: money(figures.invoiced),
        listingFee: money(figures.listingFee),
        refunded: money(figures.refunded),
        disbursed: money(figures.disbursed),
        disbursements: figures.disbursements,
        months: figures.months,
        status: open.length ? 'EXCEPTION' : 'OK',
        openExceptions: open,
      });
    }
    await this.finance.resolveAllBut(orgId, agreementIds, stillOpen);
    await this.finance.saveDeals(deals);
  }

  /** Per entitlement: its wholesale charges (from its opportunity) and reported overage (from the ledger). */
  private async expected(
    orgId: string,
    entitlements: Entitlement[],
    asOf: string,
  ): Promise<Map<string, Expected>> {
    const to = new Date(Date.parse(`${asOf || '9999-12-31'}T00:00:00Z`) + 86_400_000);
    const reports = groupBy(
      await this.reports.reportedFor(
        orgId,
        entitlements.map((e) => e._id),
        to,
      ),
      (r) => r.entitlementId,
    );
    const opportunities = new Map<string, OpportunityTerms>();
    for (const id of new Set(entitlements.map((e) => e.opportunityId).filter((o): o is string => !!o)))
      opportunities.set(id, ((await this.offers.findById(orgId, id))?.terms ?? {}) as OpportunityTerms);
    const expected = new Map<string, Expected>();
    for (const e of entitlements) {
      const terms = (e.opportunityId && opportunities.get(e.opportunityId)) || {};
      const accepted = new Date(e.acceptanceTime ?? e.startTime ?? Date.now()).toISOString().slice(0, 10);
      // Installments on their dates (one due before the acceptance is charged then); else the commit at acceptance.
      const charges = terms.installments?.length
        ? terms.installments.map((i) => ({
            date: i.chargeDate > accepted ? i.chargeDate : accepted,
            amount: units(i.amount),
          }))
        : terms.commitAmount
          ? [{ date: accepted, amount: units(terms.commitAmount.amount) }]
          : [];
      const overage = (reports.get(e._id) ?? []).map((r) => ({
        hour: new Date(r.hour).toISOString(),
        dimension: r.dimension,
        quantity: r.overageQuantity,
        value: units(r.wholesaleValue),
      }));
      expected.set(e._id, { charges, overage });
    }
    return expected;
  }
}

const CHUNK = 500;
type FinanceDealDoc = Parameters<FinanceRepository['saveDeals']>[0][number];

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

function lineOf(r: FinanceRow): BillingLine {
  const d = r.data;
  return {
    id: d['billing_event_id'],
    action: d['action'] ?? '',
    type: d['transaction_type'] ?? '',
    amount: units(d['amount']),
    invoiceDate: d['invoice_date'],
    paymentDueDate: d['payment_due_date'],
    parentId: d['parent_billing_event_id'],
    disbursementId: d['disbursement_billing_event_id'],
    bankTraceId: d['bank_trace_id'],
  };
}
