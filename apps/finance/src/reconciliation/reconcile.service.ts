import { Injectable } from '@nestjs/common';
import { RoutingKeys } from '@cppo/contracts';
import { buildEnvelope, deterministicMessageId } from '@cppo/messaging';
import {
  EntitlementRepository,
  financeId,
  FinanceRepository,
  MeteringReportRepository,
  OfferRepository,
} from '@cppo/persistence';
import { mergeBook, type BookLine } from '../feeds/feed-rules';
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

  /**
   * Reconciles deals as they come, a batch (at most 500) at a time: each deal's stored book (read by `_id`)
   * merged with its new lines, the figures computed, the deal and its book stored
   * (50 to a command), its exceptions opened or resolved. The org's entitlements are read once per run.
   * Answers how many deals were reconciled.
   */
  async reconcile(orgId: string, asOf: string, batches: AsyncIterable<DealWork[]>): Promise<number> {
    let links: Promise<Map<string, Linked>> | undefined;
    let count = 0;
    for await (const batch of batches)
      for (let i = 0; i < batch.length; i += CHUNK) {
        links ??= this.entitlements
          .withAgreements(orgId)
          .then((found) => new Map(found.map((e) => [e.agreementId as string, e])));
        count += await this.reconcileChunk(orgId, batch.slice(i, i + CHUNK), asOf, await links);
      }
    return count;
  }

  private async reconcileChunk(
    orgId: string,
    work: DealWork[],
    asOf: string,
    links: Map<string, Linked>,
  ): Promise<number> {
    const agreementIds = work.map((w) => w.agreementId);
    const stored = await this.finance.readBooks(orgId, agreementIds);
    const entitlements = new Map<string, Linked>();
    for (const id of agreementIds) {
      const found = links.get(id);
      if (found) entitlements.set(id, found);
    }
    const expected = await this.expected(orgId, [...entitlements.values()], asOf);
    const deals: FinanceDealDoc[] = [];
    const books: { agreementId: string; book: string }[] = [];
    const stillOpen: string[] = [];
    for (const { agreementId, added } of work) {
      const { book, lines: own } = mergeBook(stored.get(agreementId), added);
      if (added.length) books.push({ agreementId, book });
      const billing = own.filter((r) => r.feed === 'billingevent').map(lineOf);
      if (!billing.length) continue; // nothing billed yet: not a deal of the feeds (its book waits for it)
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
    // the books last: a crash before leaves the files unmarked, so they are read again and merged again
    await this.finance.saveBooks(orgId, books);
    return deals.length;
  }

  /** Per entitlement: its wholesale charges (from its opportunity) and reported overage (from the ledger). */
  private async expected(
    orgId: string,
    entitlements: Linked[],
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

/** A deal to reconcile and its new lines (none: its stored book looked at again). */
export interface DealWork {
  agreementId: string;
  added: string[];
}

type Linked = Awaited<ReturnType<EntitlementRepository['withAgreements']>>[number];
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

function lineOf(r: BookLine): BillingLine {
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
