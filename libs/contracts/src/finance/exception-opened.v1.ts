import { IsIn, IsNotEmpty, IsOptional, IsString } from 'class-validator';

export const FINANCE_EXCEPTION_KINDS = [
  'INVOICE_MISMATCH',
  'NOT_DISBURSED',
  'DISBURSEMENT_FAILURE',
  'USAGE_MISMATCH',
  'UNKNOWN_AGREEMENT',
  'BALANCE_ADJUSTMENT',
] as const;

/**
 * `cppo.finance.exception.opened.v1`: the reconciliation of AWS's seller data feeds found something a person
 * must look at (invoiced ≠ expected, not disbursed after its due date, a failed disbursement, AWS's usage ≠
 * our ledger for a day, a billing event for an agreement we do not know, a balance adjustment). Once each.
 */
export class FinanceExceptionOpenedV1 {
  @IsString()
  @IsNotEmpty()
  exceptionId: string;

  @IsIn(FINANCE_EXCEPTION_KINDS)
  kind: (typeof FINANCE_EXCEPTION_KINDS)[number];

  /** What it is about (a billing event id, an agreement and a day, …). */
  @IsString()
  @IsNotEmpty()
  subject: string;

  @IsOptional()
  @IsString()
  agreementId?: string;

  @IsString()
  detail: string;
}
