import { createHash } from 'node:crypto';
import { CreateBucketCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { ResaleAuthorization } from '../catalog/resale-authorization';
import type { Doc } from '../json-api';
import type { AgreementRecord, SimState } from '../state';

const DAY_MS = 86_400_000;

/** The feeds the simulator writes and their columns, in AWS's order where AWS prints one (seller guide, SDDS). */
export const FEEDS = {
  billingevent: [
    'billing_event_id',
    'from_account_id',
    'to_account_id',
    'end_user_account_id',
    'product_id',
    'action',
    'transaction_type',
    'parent_billing_event_id',
    'disbursement_billing_event_id',
    'currency',
    'amount',
    'balance_impacting',
    'invoice_date',
    'payment_due_date',
    'usage_period_start_date',
    'usage_period_end_date',
    'invoice_id',
    'billing_address_id',
    'transaction_reference_id',
    'bank_trace_id',
    'broker_id',
    'agreement_id',
    'offer_id',
    'insert_date',
  ],
  agreement: [
    'valid_from',
    'insert_date',
    'update_date',
    'delete_date',
    'agreement_id',
    'proposer_account_id',
    'acceptor_account_id',
    'offer_id',
    'product_id',
    'status',
    'start_date',
    'end_date',
    'acceptance_date',
    'previous_agreement_id',
  ],
  agreementterm: [
    'valid_from',
    'insert_date',
    'update_date',
    'delete_date',
    'agreement_id',
    'term_id',
    'term_type',
    'currency',
    'amount',
  ],
  offer: [
    'valid_from',
    'insert_date',
    'update_date',
    'delete_date',
    'offer_id',
    'offer_revision',
    'name',
    'seller_account_id',
    'product_id',
    'resale_authorization_id',
  ],
  offertarget: [
    'valid_from',
    'insert_date',
    'update_date',
    'delete_date',
    'offer_target_id',
    'offer_id',
    'offer_revision',
    'target_type',
    'polarity',
    'value',
  ],
  product: ['valid_from', 'insert_date', 'update_date', 'delete_date', 'product_id', 'product_code', 'title'],
  account: ['valid_from', 'insert_date', 'update_date', 'delete_date', 'account_id', 'legal_name'],
  legacyidmapping: ['insert_date', 'mapping_type', 'legacy_id', 'new_id'],
  dailyusage: [
    'usage_date',
    'insert_date',
    'agreement_id',
    'customer_account_id',
    'product_id',
    'license_arn',
    'dimension_key',
    'quantity',
  ],
} as const;

export type Feed = keyof typeof FEEDS;
type Row = Partial<Record<string, string>>;

const money = (cents: number) => (cents / 100).toFixed(2);
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const stamp = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const cents = (amount: unknown) => Math.round(Number(amount) * 100);

/** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
function csvLine(columns: readonly string[], row: Row): string {
  return columns
    .map((column) => {
      const value = row[column] ?? '';
      return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
    })
    .join(',');
}

/** A stable id of a simulated billing event from what it is about. */
const eventId = (...parts: string[]) =>
  `be-${createHash('sha256').update(parts.join('|')).digest('hex').slice(0, 24)}`;

/**
 * The Seller Data Delivery Service as the simulator plays it: for the deals it knows, the feeds AWS delivers to
 * the seller's bucket (`<feed>_v1/year=YYYY/month=MM/data.csv`), a day at a time on the simulator's clock —
 * wholesale invoices for the authorization's upfront price or installments, usage from what BatchMeterUsage
 * accepted, the listing fee, disbursements some days later (or their failure), refunds from completed billing
 * adjustments, agreement rows superseded when an agreement ends. Rows planted through the scenario API (a
 * correction, a soft delete, a malformed line) go out with the next day delivered.
 */
export class SddsWriter {
  private s3?: { endpoint: string; client: S3Client };

  constructor(private readonly state: SimState) {}

  /**
   * Delivers every day through `through`: each row AWS would have recorded by then that was not delivered yet
   * (so a deal made after an earlier delivery still gets its first days' rows, appended to their month's file,
   * as AWS's late corrections are), and the planted rows, with the last day.
   */
  async deliver(throughDate: string): Promise<{ days: string[]; files: string[]; rows: number }> {
    const sdds = this.state.sdds;
    const through = Date.parse(`${throughDate}T00:00:00Z`);
    if (Number.isNaN(through)) throw new Error('through must be a date (YYYY-MM-DD)');
    const starts = this.manufacturersAgreements().map((a) => Date.parse(a.acceptanceTime.slice(0, 10)));
    const first = Math.min(...starts, through);
    const touched = new Set<string>();
    const days: string[] = [];
    let rows = 0;
    for (let d = first; d <= through; d += DAY_MS) {
      days.push(day(d));
      for (const [feed, row] of this.rowsOf(d)) {
        const line = csvLine(FEEDS[feed], row);
        const key = identity(feed, row, line);
        if (sdds.emitted.has(key)) continue;
        sdds.emitted.add(key);
        touched.add(this.appendLine(feed, line, d));
        rows++;
      }
    }
    for (const planted of sdds.planted.splice(0)) {
      const line = planted.raw ?? csvLine(FEEDS[planted.feed], planted.row ?? {});
      touched.add(this.appendLine(planted.feed, line, through));
      rows++;
    }
    if (!sdds.through || day(through) > sdds.through) sdds.through = day(through);
    await this.write([...touched]);
    return { days, files: [...touched], rows };
  }

  /** A row (or a raw line) delivered with the next day: a correction, a soft delete, a malformed line. */
  plant(feed: Feed, row: Row | undefined, raw: string | undefined): void {
    if (!(feed in FEEDS)) throw new Error(`feed must be one of ${Object.keys(FEEDS).join(', ')}`);
    this.state.sdds.planted.push({ feed, row, raw });
  }

  private manufacturersAgreements(): AgreementRecord[] {
    return [...this.state.agreements.values()];
  }

  /** Everything AWS would record on day `d` for the deals. */
  private rowsOf(d: number): [Feed, Row][] {
    const rows: [Feed, Row][] = [];
    const config = this.state.config;
    const insert = stamp(d + DAY_MS - 1000);
    for (const a of this.manufacturersAgreements()) {
      const ra = a.resaleAuthorizationId
        ? this.state.resaleAuthorizations.get(a.resaleAuthorizationId)
        : undefined;
      const accepted = Date.parse(a.acceptanceTime);
      const base = {
        product_id: a.productId,
        agreement_id: a.id,
        offer_id: a.offerId,
        from_account_id: a.acceptorAccountId,
        end_user_account_id: a.acceptorAccountId,
        to_account_id: a.manufacturerAccountId,
        currency: a.currencyCode,
        insert_date: insert,
      };
      const agreementRow = (update: number, status: string, end?: string): Row => ({
        valid_from: stamp(accepted),
        insert_date: stamp(update),
        update_date: stamp(update),
        agreement_id: a.id,
        proposer_account_id: a.proposerAccountId,
        acceptor_account_id: a.acceptorAccountId,
        offer_id: a.offerId,
        product_id: a.productId,
        status,
        start_date: a.startTime,
        end_date: end,
        acceptance_date: a.acceptanceTime,
        previous_agreement_id: a.previousAgreementId,
      });
      if (day(accepted) === day(d)) {
        rows.push(['agreement', agreementRow(accepted, 'ACTIVE', a.endTime)]);
        rows.push([
          'offer',
          {
            valid_from: stamp(accepted),
            insert_date: insert,
            update_date: insert,
            offer_id: a.offerId,
            offer_revision: '1',
            name: this.state.offers.get(a.offerId)?.name,
            seller_account_id: a.proposerAccountId,
            product_id: a.productId,
            resale_authorization_id: a.resaleAuthorizationId,
          },
        ]);
        rows.push([
          'offertarget',
          {
            valid_from: stamp(accepted),
            insert_date: insert,
            update_date: insert,
            offer_target_id: `${a.offerId}-target`,
            offer_id: a.offerId,
            offer_revision: '1',
            target_type: 'BuyerAccounts',
            polarity: 'IN',
            value: a.acceptorAccountId,
          },
        ]);
        rows.push([
          'agreementterm',
          {
            valid_from: stamp(accepted),
            insert_date: insert,
            update_date: insert,
            agreement_id: a.id,
            term_id: `${a.id}-commit`,
            term_type: 'FixedUpfrontPricingTerm',
            currency: a.currencyCode,
            amount: a.agreementValue,
          },
        ]);
        rows.push([
          'account',
          {
            valid_from: stamp(accepted),
            insert_date: insert,
            update_date: insert,
            account_id: a.acceptorAccountId,
          },
        ]);
        rows.push([
          'product',
          {
            valid_from: stamp(accepted),
            insert_date: insert,
            update_date: insert,
            product_id: a.productId,
            product_code: a.productCode,
          },
        ]);
        rows.push([
          'legacyidmapping',
          { insert_date: insert, mapping_type: 'PRODUCT', legacy_id: a.productCode, new_id: a.productId },
        ]);
      }
      // An agreement that ended: its row superseded by a later update_date (bi-temporal).
      if (a.status !== 'ACTIVE' && a.endTime && day(Date.parse(a.endTime)) === day(d))
        rows.push(['agreement', agreementRow(Date.parse(a.endTime), a.status, a.endTime)]);
      if (!ra) continue;
      // Wholesale invoices: installments, the upfront price, the day's usage (invoicesOn).
      for (const inv of this.invoicesOn(a, ra, d))
        rows.push(...this.invoice(base, inv.key, inv.amount, inv.at, inv.from, inv.to, insert));
      // What the Metering API accepted for the licence that day.
      for (const [dimension, quantity] of this.usageOn(a, d))
        rows.push([
          'dailyusage',
          {
            usage_date: day(d),
            insert_date: insert,
            agreement_id: a.id,
            customer_account_id: a.acceptorAccountId,
            product_id: a.productId,
            license_arn: a.licenseArn,
            dimension_key: dimension,
            quantity: String(quantity),
          },
        ]);
      // Refunds: completed billing adjustments, the listing fee returned in proportion.
      for (const b of this.state.billingAdjustments.values()) {
        if (b.agreementId !== a.id || b.statusCode !== 'COMPLETED' || day(Date.parse(b.createdAt)) !== day(d))
          continue;
        const refund = cents(b.adjustmentAmount);
        const fee = this.fee(refund);
        const at = stamp(Date.parse(b.createdAt));
        rows.push([
          'billingevent',
          {
            ...base,
            billing_event_id: eventId(b.id, 'refund'),
            action: 'INVOICED',
            transaction_type: 'SELLER_REV_SHARE_REFUND',
            amount: money(-refund),
            balance_impacting: '1',
            invoice_date: at,
            invoice_id: b.originalInvoiceId,
          },
        ]);
        rows.push([
          'billingevent',
          {
            ...base,
            billing_event_id: eventId(b.id, 'refund-fee'),
            action: 'INVOICED',
            transaction_type: 'AWS_REV_SHARE_REFUND',
            amount: money(fee),
            balance_impacting: '1',
            invoice_date: at,
            invoice_id: b.originalInvoiceId,
          },
        ]);
      }
      // Disbursements: the invoices of `disbursementDelayDays` ago, paid out (or failed) today.
      const paidDay = d - config.sddsDisbursementDelayDays * DAY_MS;
      const due = this.invoicedOn(a, ra, paidDay);
      if (due.length) rows.push(...this.disbursement(base, a, due, d, insert));
    }
    return rows;
  }

  /** The SELLER_REV_SHARE and AWS_REV_SHARE lines of one wholesale invoice. */
  private invoice(
    base: Row,
    key: string,
    amount: number,
    invoiceAt: number,
    from: number,
    to: number,
    insert: string,
  ): [Feed, Row][] {
    const invoiceId = `inv-${createHash('sha256').update(key).digest('hex').slice(0, 12)}`;
    const common = {
      ...base,
      action: 'INVOICED',
      balance_impacting: '1',
      invoice_date: stamp(invoiceAt),
      payment_due_date: stamp(invoiceAt + 30 * DAY_MS),
      usage_period_start_date: stamp(from),
      usage_period_end_date: stamp(to),
      invoice_id: invoiceId,
      insert_date: insert,
    };
    return [
      [
        'billingevent',
        {
          ...common,
          billing_event_id: eventId(key, 'rev'),
          transaction_type: 'SELLER_REV_SHARE',
          amount: money(amount),
        },
      ],
      [
        'billingevent',
        {
          ...common,
          billing_event_id: eventId(key, 'fee'),
          transaction_type: 'AWS_REV_SHARE',
          amount: money(-this.fee(amount)),
        },
      ],
    ];
  }

  /**
   * A deal's wholesale invoices of day `d`, each with the key its billing event ids derive from: each
   * installment on its charge date (else the upfront price at acceptance), and the day's accepted usage at the
   * authorization's wholesale rate.
   */
  private invoicesOn(
    a: AgreementRecord,
    ra: ResaleAuthorization,
    d: number,
  ): { key: string; amount: number; at: number; from: number; to: number }[] {
    const invoices = this.charges(a, ra)
      .filter((charge) => day(charge.at) === day(d))
      .map((charge) => ({
        key: `${a.id}|${charge.id}`,
        amount: charge.amount,
        at: charge.at,
        from: charge.at,
        to: charge.at,
      }));
    for (const [dimension, quantity] of this.usageOn(a, d)) {
      const price = usagePrice(ra, dimension);
      if (price !== undefined)
        invoices.push({
          key: `${a.id}|usage|${dimension}|${day(d)}`,
          amount: Math.round(quantity * price * 100),
          at: d,
          from: d,
          to: d + DAY_MS - 1000,
        });
    }
    return invoices;
  }

  /** The invoice lines (rev share and fee, in cents) a deal had on a day, by their billing event ids. */
  private invoicedOn(
    a: AgreementRecord,
    ra: ResaleAuthorization,
    d: number,
  ): { id: string; type: string; amount: number }[] {
    return this.invoicesOn(a, ra, d).flatMap(({ key, amount }) => [
      { id: eventId(key, 'rev'), type: 'SELLER_REV_SHARE', amount },
      { id: eventId(key, 'fee'), type: 'AWS_REV_SHARE', amount: -this.fee(amount) },
    ]);
  }

  /** DISBURSED lines for each invoice line paid, and the DISBURSEMENT (or DISBURSEMENT_FAILURE) itself. */
  private disbursement(
    base: Row,
    a: AgreementRecord,
    lines: { id: string; type: string; amount: number }[],
    d: number,
    insert: string,
  ): [Feed, Row][] {
    const disbursementId = eventId(a.id, 'disbursement', day(d));
    const total = lines.reduce((sum, l) => sum + l.amount, 0);
    const fails = this.state.config.sddsDisbursementFails;
    const failed = fails === true || (Array.isArray(fails) && fails.includes(a.id));
    const rows: [Feed, Row][] = lines.map((l) => [
      'billingevent',
      {
        ...base,
        billing_event_id: eventId(l.id, 'disbursed', day(d)),
        action: 'DISBURSED',
        transaction_type: l.type,
        parent_billing_event_id: l.id,
        disbursement_billing_event_id: disbursementId,
        amount: money(l.amount),
        balance_impacting: '0',
        invoice_date: stamp(d),
        insert_date: insert,
      },
    ]);
    rows.push([
      'billingevent',
      {
        ...base,
        billing_event_id: disbursementId,
        action: 'DISBURSED',
        transaction_type: failed ? 'DISBURSEMENT_FAILURE' : 'DISBURSEMENT',
        disbursement_billing_event_id: disbursementId,
        amount: money(failed ? total : -total),
        balance_impacting: '1',
        invoice_date: stamp(d),
        bank_trace_id: failed ? undefined : `trace-${disbursementId.slice(3, 15)}`,
        insert_date: insert,
      },
    ]);
    return rows;
  }

  /** The wholesale charges of a deal: its installments, or the upfront price at acceptance. */
  private charges(a: AgreementRecord, ra: ResaleAuthorization): { id: string; at: number; amount: number }[] {
    const schedule = (ra.paymentScheduleTerm?.['Schedule'] as Doc[] | undefined) ?? [];
    if (schedule.length)
      return schedule.map((e, i) => ({
        id: `installment-${i + 1}`,
        // A charge date before the acceptance is charged at acceptance.
        at: Math.max(Date.parse(String(e['ChargeDate'])), Date.parse(a.acceptanceTime.slice(0, 10))),
        amount: cents(e['ChargeAmount']),
      }));
    const value = cents(a.agreementValue);
    return value > 0 ? [{ id: 'upfront', at: Date.parse(a.acceptanceTime.slice(0, 10)), amount: value }] : [];
  }

  /** What BatchMeterUsage accepted for the agreement's licence on day `d`, per dimension. */
  private usageOn(a: AgreementRecord, d: number): Map<string, number> {
    const byDimension = new Map<string, number>();
    for (const r of this.state.meteringRecords.values()) {
      if (r.licenseArn !== a.licenseArn || day(Date.parse(r.hour)) !== day(d)) continue;
      byDimension.set(r.dimension, (byDimension.get(r.dimension) ?? 0) + r.quantity);
    }
    return byDimension;
  }

  /** AWS's listing fee on an amount (cents), as a positive number: `sddsListingFeePercent` of it. */
  private fee(amount: number): number {
    return Math.round((amount * this.state.config.sddsListingFeePercent) / 100);
  }

  private appendLine(feed: Feed, line: string, d: number): string {
    const date = new Date(d);
    const key = `${this.state.config.sddsPrefix}${feed}_v1/year=${date.getUTCFullYear()}/month=${String(date.getUTCMonth() + 1).padStart(2, '0')}/data.csv`;
    const lines = this.state.sdds.files.get(key) ?? [FEEDS[feed].join(',')];
    lines.push(line);
    this.state.sdds.files.set(key, lines);
    return key;
  }

  /** Each touched month file written whole (a new ETag: AWS appends a day's rows to its month's file). */
  private async write(keys: string[]): Promise<void> {
    const { sddsBucket, sddsEndpoint, sqsEndpoint } = this.state.config;
    const endpoint = sddsEndpoint ?? sqsEndpoint;
    if (!endpoint || !keys.length) return;
    const s3 = this.client(endpoint);
    await s3.send(new CreateBucketCommand({ Bucket: sddsBucket })).catch(() => undefined);
    for (const key of keys)
      await s3.send(
        new PutObjectCommand({
          Bucket: sddsBucket,
          Key: key,
          Body: `${(this.state.sdds.files.get(key) ?? []).join('\r\n')}\r\n`,
          ContentType: 'text/csv; charset=utf-8',
        }),
      );
  }

  private client(endpoint: string): S3Client {
    if (this.s3?.endpoint !== endpoint) {
      this.s3?.client.destroy();
      this.s3 = {
        endpoint,
        client: new S3Client({
          endpoint,
          region: 'us-east-1',
          forcePathStyle: true,
          credentials: { accessKeyId: 'marketplace-sim', secretAccessKey: 'marketplace-sim' },
        }),
      };
    }
    return this.s3.client;
  }

  close(): void {
    this.s3?.client.destroy();
  }
}

const IDENTITY = [
  'billing_event_id',
  'agreement_id',
  'term_id',
  'offer_id',
  'offer_target_id',
  'account_id',
  'product_id',
  'mapping_type',
  'legacy_id',
  'valid_from',
  'update_date',
];

/**
 * What makes a delivered row the same row: its key and version (a deal's acceptance-day row stays the one
 * delivered even after the deal changed); a day's usage is its whole line (a late record is a new version).
 */
function identity(feed: Feed, row: Row, line: string): string {
  if (feed === 'dailyusage') return `${feed}\n${line}`;
  return `${feed}\n${IDENTITY.map((c) => row[c] ?? '').join('|')}`;
}

/** The authorization's wholesale usage price of a dimension, per unit. */
function usagePrice(ra: ResaleAuthorization, dimension: string): number | undefined {
  const term = ra.pricingTerms.find((t) => t.Type === 'ResaleUsageBasedPricingTerm');
  const card = ((term?.['RateCards'] as Doc[] | undefined) ?? [])[0];
  const rate = ((card?.['RateCard'] as Doc[] | undefined) ?? []).find((r) => r['DimensionKey'] === dimension);
  return rate ? Number(rate['Price']) : undefined;
}
