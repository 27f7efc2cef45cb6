import { Injectable } from '@nestjs/common';
import { MeteringReportStatus, RoutingKeys } from '@cppo/contracts';
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

  async reconcile(orgId: string, agreementIds: string[], asOf: string): Promise<void> {
    for (const agreementId of agreementIds) await this.reconcileOne(orgId, agreementId, asOf);
  }

  private async reconcileOne(orgId: string, agreementId: string, asOf: string): Promise<void> {
    const rows = await this.finance.agreementRows(orgId, agreementId, [
      'billingevent',
      'dailyusage',
      'agreement',
    ]);
    const billing = rows.filter((r) => r.feed === 'billingevent').map(lineOf);
    if (!billing.length) return; // nothing billed yet: not a deal of the feeds
    const usage: UsageDay[] = rows
      .filter((r) => r.feed === 'dailyusage')
      .map((r) => ({
        date: r.data['usage_date'],
        dimension: r.data['dimension_key'],
        quantity: Number(r.data['quantity']),
      }));
    const entitlement = await this.entitlements.findByAgreement(orgId, agreementId);
    const expected = entitlement ? await this.expected(orgId, entitlement, asOf) : undefined;
    const figures = reconcile(agreementId, billing, usage, expected, asOf);
    // the agreement feed's current version: the latest valid_from among the rows not deleted
    const agreementRow = rows
      .filter((r) => r.feed === 'agreement')
      .sort((a, b) => (a.data['valid_from'] ?? '').localeCompare(b.data['valid_from'] ?? ''))
      .pop();

    const stillOpen: string[] = [];
    for (const found of figures.exceptions) {
      const id = financeId('fex', orgId, found.kind, found.subject);
      stillOpen.push(id);
      const payload = {
        exceptionId: id,
        kind: found.kind,
        subject: found.subject,
        agreementId,
        detail: found.detail,
      };
      await this.finance.openException({ _id: id, orgId, ...payload, status: 'OPEN', openedAt: new Date() }, [
        buildEnvelope(RoutingKeys.FinanceExceptionOpened, payload, {
          orgId,
          messageId: deterministicMessageId(`${id}:opened`),
          correlationId: agreementId,
        }),
      ]);
    }
    await this.finance.resolveAllBut(orgId, agreementId, stillOpen);
    const open = await this.finance.openExceptionIds(orgId, agreementId);
    await this.finance.saveDeal({
      _id: financeId('fdl', orgId, agreementId),
      orgId,
      agreementId,
      entitlementId: entitlement?._id,
      opportunityId: entitlement?.opportunityId,
      offerId: entitlement?.offerId,
      partnerAccountId: entitlement?.resellerAccountId ?? agreementRow?.data['proposer_account_id'],
      buyerAccountId: entitlement?.buyerAccountId ?? agreementRow?.data['acceptor_account_id'],
      productId: entitlement?.productId ?? rows.find((r) => r.data['product_id'])?.data['product_id'],
      currency: rows.find((r) => r.data['currency'])?.data['currency'],
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

  /** The deal's wholesale charges (from its opportunity) and reported overage (from the metering ledger). */
  private async expected(orgId: string, e: Entitlement, asOf: string): Promise<Expected> {
    const opportunity = e.opportunityId ? await this.offers.findById(orgId, e.opportunityId) : null;
    const terms = (opportunity?.terms ?? {}) as OpportunityTerms;
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
    const from = new Date(e.startTime ?? e.acceptanceTime ?? 0);
    const to = new Date(Date.parse(`${asOf || '9999-12-31'}T00:00:00Z`) + 86_400_000);
    const reports = await this.reports.forEntitlement(orgId, e._id, from, to);
    const overage = reports
      .filter((r) => r.status === MeteringReportStatus.REPORTED)
      .map((r) => ({
        hour: new Date(r.hour).toISOString(),
        dimension: r.dimension,
        quantity: r.overageQuantity,
        value: units(r.wholesaleValue),
      }));
    return { charges, overage };
  }
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
