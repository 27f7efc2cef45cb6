import { IsIn, IsInt, IsISO8601, Min } from 'class-validator';
import { OpportunityEventV1 } from './opportunity-event.v1';

/** The notices an ACTIVE opportunity gets before its expiry date, days before it (each once). */
export const EXPIRY_NOTICE_DAYS = [30, 7, 1] as const;

/**
 * `cppo.opportunity.expiring.v1`: an ACTIVE opportunity (resale authorization) reaches one of the notice
 * thresholds before its expiry date — once per threshold (one that starts inside a threshold gets only the
 * nearest: an authorization made 5 days before its expiry gets the 7-day notice, then the 1-day one).
 */
export class OpportunityExpiringV1 extends OpportunityEventV1 {
  /** The last day the partner may make offers from it (YYYY-MM-DD). */
  @IsISO8601({ strict: true })
  expiryDate: string;

  /** Whole days from today (UTC) to the expiry date; 0 on the last day. */
  @IsInt()
  @Min(0)
  daysLeft: number;

  @IsIn(EXPIRY_NOTICE_DAYS)
  threshold: (typeof EXPIRY_NOTICE_DAYS)[number];
}
