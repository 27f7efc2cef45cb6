import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { indexOutbox, OutboxHolder } from './outbox-event.schema';

/** Where an org's Seller Data Delivery Service feeds land (its own S3 bucket, read with its AWS access). */
@Schema({ collection: 'finance_settings', timestamps: true })
export class FinanceSettings {
  /** The org id: one settings document per org. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  bucket: string;

  @Prop({ default: '' })
  prefix: string;

  /** The last day the imported billing events cover (the latest insert date seen). */
  @Prop()
  asOf?: string;

  createdAt?: Date;
  updatedAt?: Date;
}
export const FinanceSettingsSchema = SchemaFactory.createForClass(FinanceSettings);

/** One import run: the files it saw, imported and skipped (already imported at that ETag), rows and parked lines. */
@Schema({ collection: 'finance_imports', timestamps: true })
export class FinanceImport {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ type: String, required: true })
  status: 'RUNNING' | 'DONE' | 'FAILED';

  @Prop({ default: 0 }) filesSeen: number;
  @Prop({ default: 0 }) filesImported: number;
  @Prop({ default: 0 }) filesSkipped: number;
  @Prop({ default: 0 }) rows: number;
  @Prop({ default: 0 }) parked: number;
  @Prop() error?: string;
  @Prop() finishedAt?: Date;

  createdAt?: Date;
  updatedAt?: Date;
}
export const FinanceImportSchema = SchemaFactory.createForClass(FinanceImport);
// GET /v1/finance/imports: an org's runs, newest first.
FinanceImportSchema.index({ orgId: 1, _id: -1 });

/** A feed file imported at one ETag (`_id` = org, bucket, key and ETag hashed): the same file again is skipped. */
@Schema({ collection: 'finance_files', timestamps: true })
export class FinanceFile {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) orgId: string;
  @Prop({ required: true }) key: string;
  @Prop({ required: true }) etag: string;
  @Prop({ required: true }) feed: string;
  @Prop({ default: 0 }) rows: number;
  @Prop({ default: 0 }) parked: number;

  createdAt?: Date;
}
export const FinanceFileSchema = SchemaFactory.createForClass(FinanceFile);

/**
 * An agreement's rows of the billing-event, daily-usage and agreement feeds, each in its latest version (a
 * deleted one kept as deleted), as JSON lines in one string: what reconciling the deal reads, in one read by
 * `_id` (FerretDB answers any other query by reading the whole collection, and decodes a document field by
 * field: one string is the cheapest shape it reads). `_id` = org and agreement hashed.
 */
@Schema({ collection: 'finance_books', timestamps: true })
export class FinanceBook {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) orgId: string;
  @Prop({ required: true }) agreementId: string;
  @Prop({ type: String, default: '' }) book: string;

  updatedAt?: Date;
}
export const FinanceBookSchema = SchemaFactory.createForClass(FinanceBook);
// the deals to look at again when the feeds cover a later day: an org's books.
FinanceBookSchema.index({ orgId: 1, _id: 1 });

/**
 * One row of a feed that is not kept in an agreement's book (offers, products, accounts, …) as it stands: `_id` = org, feed, the row's key and `valid_from` hashed, so a later
 * version (a later `update_date`) replaces it and an older one never does; `deleted` when AWS soft-deleted it
 * (`delete_date`). The columns are kept as AWS wrote them.
 */
@Schema({ collection: 'finance_rows', minimize: false })
export class FinanceRow {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) orgId: string;
  @Prop({ required: true }) feed: string;
  /** The row's key in its feed (billing_event_id, agreement_id, …). */
  @Prop({ required: true }) key: string;
  @Prop() agreementId?: string;
  /** The bi-temporal version: `update_date` (else `insert_date`) as ISO text; later wins. */
  @Prop({ required: true }) version: string;
  @Prop({ default: false }) deleted: boolean;
  @Prop({ type: Object, required: true }) data: Record<string, string>;
}
export const FinanceRowSchema = SchemaFactory.createForClass(FinanceRow);

/** A line of a feed file that could not be read, kept with the file, line and reason (the rest is imported). */
@Schema({ collection: 'finance_parked', timestamps: true })
export class FinanceParkedLine {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) orgId: string;
  @Prop({ required: true }) file: string;
  @Prop({ required: true }) line: number;
  @Prop({ required: true }) reason: string;
  @Prop() raw?: string;

  createdAt?: Date;
}
export const FinanceParkedLineSchema = SchemaFactory.createForClass(FinanceParkedLine);
FinanceParkedLineSchema.index({ orgId: 1, _id: -1 });

export class DisbursementLine {
  date: string;
  reference: string;
  amount: string;
  failed?: boolean;
}

export class MonthFigures {
  expected: string;
  invoiced: string;
  disbursed: string;
}

/**
 * One CPPO deal (agreement) reconciled: what we expected (the authorization's commit or installments due so
 * far, and the overage the metering ledger valued), what AWS invoiced the partner on our behalf, the listing
 * fee AWS kept, refunds, what was disbursed and when. Money as decimal strings in the deal's currency.
 */
@Schema({ collection: 'finance_deals', timestamps: true, minimize: false })
export class FinanceDeal {
  /** The org and agreement hashed. */
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) orgId: string;
  @Prop({ required: true }) agreementId: string;
  @Prop() entitlementId?: string;
  @Prop() opportunityId?: string;
  @Prop() offerId?: string;
  @Prop() partnerAccountId?: string;
  @Prop() buyerAccountId?: string;
  @Prop() productId?: string;
  @Prop() currency?: string;
  /** The agreement as the agreement feed has it now (its latest valid version). */
  @Prop() agreementStatus?: string;
  @Prop() agreementEndDate?: string;
  /** The day the feeds cover through (the latest billing row's insert date). */
  @Prop() asOf?: string;
  @Prop({ required: true }) expected: string;
  @Prop({ required: true }) expectedCommit: string;
  @Prop({ required: true }) expectedOverage: string;
  @Prop({ required: true }) invoiced: string;
  @Prop({ required: true }) listingFee: string;
  @Prop({ required: true }) refunded: string;
  @Prop({ required: true }) disbursed: string;
  @Prop({ type: [Object], default: [] }) disbursements: DisbursementLine[];
  @Prop({ type: Object, default: {} }) months: Record<string, MonthFigures>;
  /** OK, or EXCEPTION while an exception of the deal is open. */
  @Prop({ type: String, required: true }) status: 'OK' | 'EXCEPTION';
  @Prop({ type: [String], default: [] }) openExceptions: string[];

  createdAt?: Date;
  updatedAt?: Date;
}
export const FinanceDealSchema = SchemaFactory.createForClass(FinanceDeal);
// GET /v1/finance/deals: an org's deals.
FinanceDealSchema.index({ orgId: 1, _id: 1 });

export type FinanceExceptionKind =
  | 'INVOICE_MISMATCH'
  | 'NOT_DISBURSED'
  | 'DISBURSEMENT_FAILURE'
  | 'USAGE_MISMATCH'
  | 'UNKNOWN_AGREEMENT'
  | 'BALANCE_ADJUSTMENT';

/**
 * Something in the money that needs a person: opened once (`_id` = org, kind and subject hashed, with the
 * `cppo.finance.exception.opened.v1` event in its outbox), resolved when a later reconciliation no longer finds it.
 */
@Schema({ collection: 'finance_exceptions', timestamps: true, minimize: false })
export class FinanceException extends OutboxHolder {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true }) orgId: string;
  @Prop({ type: String, required: true }) kind: FinanceExceptionKind;
  /** What it is about: a billing event id, an agreement and day, … (with `kind`, its identity). */
  @Prop({ required: true }) subject: string;
  @Prop() agreementId?: string;
  @Prop({ required: true }) detail: string;
  @Prop({ type: String, required: true }) status: 'OPEN' | 'RESOLVED';
  @Prop({ required: true }) openedAt: Date;
  @Prop() resolvedAt?: Date;

  createdAt?: Date;
  updatedAt?: Date;
}
export const FinanceExceptionSchema = SchemaFactory.createForClass(FinanceException);
// GET /v1/finance/exceptions, and a deal's open ones.
FinanceExceptionSchema.index({ orgId: 1, agreementId: 1 });
indexOutbox(FinanceExceptionSchema);
