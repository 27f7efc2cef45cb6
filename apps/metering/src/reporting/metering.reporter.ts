import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MeteringReportStatus, RoutingKeys, type MeteringEventV1 } from '@cppo/contracts';
import {
  classifyAwsError,
  isPermissionError,
  MAX_RECORDS_PER_METERING_CALL,
  MAX_USAGE_QUANTITY,
  meteringCallKey,
  MeteringGateway,
  type MeterUsageResult,
  type OverageRecord,
} from '@cppo/marketplace';
import { buildEnvelope, deterministicMessageId } from '@cppo/messaging';
import {
  EntitlementRepository,
  MeteringReportRepository,
  type MeteringCallRecord,
  type MeteringCustomer,
  type MeteringReport,
  type OutboxEvent,
  type ReportOutcome,
} from '@cppo/persistence';
import { forEachLimited, PeriodicTask, retryDelay } from '@cppo/runtime';
import { MeteringEnv } from '../config/metering.env';
import { customerOf, reportTimestamp } from '../rules/report.rules';
import { earliestAcceptedHour } from '../rules/usage.rules';
import { MeteringLedger } from './metering.ledger';

const reportsByStatus = new Counter({
  name: 'cppo_metering_reports_total',
  help: 'Metering reports that reached a status (REPORTED, CONFLICT, ...; PENDING = an attempt to retry)',
  labelNames: ['status'],
});
const awsLatency = new Histogram({
  name: 'cppo_metering_aws_call_seconds',
  help: 'BatchMeterUsage call latency, by outcome (ok or the error name)',
  labelNames: ['outcome'],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/** BatchMeterUsage's per-record statuses (anything else is retried). */
const AWS_STATUS: Record<string, { status: MeteringReportStatus; reason?: string }> = {
  Success: { status: MeteringReportStatus.REPORTED },
  DuplicateRecord: {
    status: MeteringReportStatus.CONFLICT,
    reason: 'AWS already holds another quantity for this customer, dimension and hour',
  },
  CustomerNotSubscribed: {
    status: MeteringReportStatus.NOT_SUBSCRIBED,
    reason: 'AWS says the customer is not subscribed',
  },
};

/** What became of one report in one attempt. */
interface Result {
  status: MeteringReportStatus;
  awsStatus?: string;
  meteringRecordId?: string;
  reason?: string;
  /** Decided without a call (AWS's window closed before): not an attempt. */
  notSent?: boolean;
}

/** The record reported for a report: always the same for the same report. */
function overageRecordOf(report: MeteringReport): OverageRecord {
  return {
    id: report._id,
    customer: report.customer as MeteringCustomer,
    dimension: report.dimension,
    hour: report.hour,
    timestamp: reportTimestamp(report.hour, report.customer),
    quantity: report.overageQuantity,
  };
}

/**
 * The reporter: every `METERING_INTERVAL_MS`, the ledger makes the reports of the hours that closed, then
 * due reports are claimed (one replica per attempt) and sent with BatchMeterUsage, 25 per call, grouped by
 * org and customer path. Each answer is stored as a call record carrying the events it causes, then applied
 * to the reports. Throttling, 5xx, network errors and UnprocessedRecords leave a report PENDING with a later
 * attempt; once AWS's window has closed it is EXPIRED_WINDOW. A call AWS refuses as a whole
 * (InvalidLicenseException, TimestampOutOfBoundsException, ...) is split until the offending record is
 * alone, and the others are sent. A refusal for permissions or configuration (AccessDenied, an unknown
 * product code, ...) leaves the reports NEEDS_ATTENTION, not counted as attempts; the org is probed every
 * METERING_PROBE_MS with a call that bills nothing, and once AWS accepts it they are sent again.
 */
@Injectable()
export class MeteringReporter implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(MeteringReporter.name);
  private readonly task: PeriodicTask;
  private readonly owner = randomUUID();
  private lastClaimCleanup = 0;
  private lastProbe = 0;

  constructor(
    private readonly env: MeteringEnv,
    private readonly ledger: MeteringLedger,
    private readonly reports: MeteringReportRepository,
    private readonly entitlements: EntitlementRepository,
    private readonly gateway: MeteringGateway,
  ) {
    this.task = new PeriodicTask({
      name: 'metering-reporter',
      everyMs: env.METERING_INTERVAL_MS,
      jitter: 0.1,
      run: () => this.runOnce(),
    });
  }

  onApplicationBootstrap(): void {
    this.task.start(this.env.METERING_INTERVAL_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.task.stop();
  }

  /** One run now, never overlapping a scheduled one. */
  runNow(): Promise<void> {
    return this.task.runNow();
  }

  /** One run: the ledger's new reports, then every report due for another attempt (in batches). */
  async runOnce(): Promise<void> {
    const started = Date.now();
    if (started - this.lastProbe >= this.env.METERING_PROBE_MS) {
      this.lastProbe = started;
      await this.probeAccess();
    }
    const made = await this.ledger.run(started);
    if (made.created.length || made.late)
      this.logger.log(`ledger: ${made.created.length} reports made, ${made.late} flagged for late usage`);
    const fresh = made.created.filter((r) => r.status === MeteringReportStatus.PENDING);
    for (let i = 0; i < fresh.length; i += this.env.METERING_BATCH)
      await this.submit(fresh.slice(i, i + this.env.METERING_BATCH), Date.now());
    for (;;) {
      const due = await this.reports.due(new Date(), this.env.METERING_BATCH);
      if (!due.length) break;
      const sent = await this.submit(due, Date.now());
      // Nothing of this batch could be claimed (another replica has it): leave the rest to the next run.
      if (!sent || due.length < this.env.METERING_BATCH) break;
    }
    if (started - this.lastClaimCleanup > 3_600_000) {
      this.lastClaimCleanup = started;
      await this.reports.forgetClaims(new Date(started - 2 * 86_400_000));
    }
  }

  /**
   * Claims these reports and sends those it got, 25 per call; then stores every answer with one call record
   * and applies them with one write. Returns how many were claimed.
   */
  private async submit(due: MeteringReport[], now: number): Promise<number> {
    const ready = await this.withCustomers(due, now);
    const slot = Math.floor(now / this.env.METERING_LEASE_MS);
    const claimed = await this.reports.claim(ready, slot, this.owner);
    const mine = ready.filter((r) => claimed.has(r._id));
    if (!mine.length) return 0;
    const earliest = earliestAcceptedHour(now, this.env.METERING_WINDOW_HOURS);
    const results = new Map<string, Result>();
    const expired = mine.filter((r) => r.hour.getTime() < earliest);
    for (const report of expired) results.set(report._id, this.expiredWindow());
    // AWS's Quantity is 0..2^31-1: an hour whose overage is larger cannot be one record, and AWS keeps the
    // first record of an hour: it is never sent (nor capped), and a person decides.
    for (const report of mine.filter((r) => r.overageQuantity > MAX_USAGE_QUANTITY && !results.has(r._id)))
      results.set(report._id, {
        status: MeteringReportStatus.FAILED,
        notSent: true,
        reason: `the hour's overage ${report.overageQuantity} is above AWS's largest Quantity ${MAX_USAGE_QUANTITY}: not sent; bill it outside metering or correct the usage`,
      });
    // One call per org, customer path and product code (withCustomers kept only reports with a customer).
    const groups = groupBy(
      mine.filter((r) => !results.has(r._id)),
      (r) => meteringCallKey(r.orgId, r.customer),
    );
    const chunks = [...groups.values()].flatMap((reports) =>
      Array.from({ length: Math.ceil(reports.length / MAX_RECORDS_PER_METERING_CALL) }, (_, i) =>
        reports.slice(i * MAX_RECORDS_PER_METERING_CALL, (i + 1) * MAX_RECORDS_PER_METERING_CALL),
      ),
    );
    await forEachLimited(chunks, this.env.METERING_CONCURRENCY, (chunk) => this.call(chunk, results));
    for (const [orgId, reports] of groupBy(mine, (r) => r.orgId)) await this.settle(orgId, reports, results);
    // Reports waiting on the org's access were not attempted: their claims go, so that they can be sent
    // the moment the access works (the claim's id names the attempt, which did not change).
    const waiting = mine.filter((r) => results.get(r._id)?.status === MeteringReportStatus.NEEDS_ATTENTION);
    await this.reports.unclaim(waiting, slot, this.owner);
    return mine.length;
  }

  /**
   * Reports made before their entitlement had a licence or a customer identifier get one now if it has
   * arrived (fixed from then on); the others wait.
   */
  private async withCustomers(due: MeteringReport[], now: number): Promise<MeteringReport[]> {
    const lacking = due.filter((r) => !r.customer);
    if (!lacking.length) return due;
    const owned = await this.entitlements.findOwned(lacking);
    const outcomes: ReportOutcome[] = [];
    for (const report of lacking) {
      report.customer = customerOf(owned.get(report.entitlementId));
      outcomes.push(
        report.customer
          ? { id: report._id, set: { customer: report.customer }, attempted: false }
          : {
              id: report._id,
              set: {
                lastError: 'the entitlement has no licence or customer identifier yet',
                nextAttemptAt: new Date(now + this.env.METERING_INTERVAL_MS * 4),
              },
              attempted: false,
            },
      );
    }
    await this.reports.applyOutcomes(outcomes);
    return due.filter((r) => r.customer);
  }

  private async call(reports: MeteringReport[], results: Map<string, Result>): Promise<void> {
    // One group shares its org, customer path and product code (submit groups them so).
    const started = Date.now();
    let output: MeterUsageResult;
    try {
      output = await this.gateway.meterUsage(reports[0].orgId, reports.map(overageRecordOf));
      awsLatency.observe({ outcome: 'ok' }, (Date.now() - started) / 1000);
    } catch (error) {
      const e = error as Error;
      awsLatency.observe({ outcome: e.name }, (Date.now() - started) / 1000);
      const reason = `${e.name}: ${e.message}`;
      if (isPermissionError(error)) {
        // The org's access, not these records: none of them is at fault, none is split or counted.
        for (const r of reports)
          results.set(r._id, {
            status: MeteringReportStatus.NEEDS_ATTENTION,
            awsStatus: e.name,
            reason,
            notSent: true,
          });
      } else if (classifyAwsError(error) !== 'client') {
        for (const r of reports) results.set(r._id, { status: MeteringReportStatus.PENDING, reason });
      } else if (reports.length > 1) {
        // Refused as a whole because of some record(s): halve until each offender is alone.
        const half = Math.ceil(reports.length / 2);
        await this.call(reports.slice(0, half), results);
        await this.call(reports.slice(half), results);
      } else {
        const status =
          e.name === 'TimestampOutOfBoundsException'
            ? MeteringReportStatus.EXPIRED_WINDOW
            : MeteringReportStatus.FAILED;
        results.set(reports[0]._id, { status, awsStatus: e.name, reason });
      }
      return;
    }
    for (const report of reports) {
      const answer = output.outcomes.get(report._id);
      if (!answer) {
        results.set(report._id, {
          status: MeteringReportStatus.PENDING,
          reason: output.unprocessed
            ? 'returned in UnprocessedRecords'
            : 'AWS returned no result for the record',
        });
        continue;
      }
      const known = AWS_STATUS[answer.awsStatus ?? ''];
      results.set(report._id, {
        ...(known ?? { status: MeteringReportStatus.PENDING, reason: `unknown status ${answer.awsStatus}` }),
        awsStatus: answer.awsStatus,
        meteringRecordId: answer.meteringRecordId,
      });
    }
  }

  private expiredWindow(): Result {
    return {
      status: MeteringReportStatus.EXPIRED_WINDOW,
      notSent: true,
      reason: `AWS's window of ${this.env.METERING_WINDOW_HOURS} hours closed before the record was accepted`,
    };
  }

  /**
   * Stores the answers with the events of the final outcomes (published at once), then applies them to
   * the reports in one write. A crash in between leaves the reports PENDING: the next attempt resends the
   * identical records, AWS answers as before, and the events repeat with the same message ids.
   */
  private async settle(
    orgId: string,
    reports: MeteringReport[],
    results: Map<string, Result>,
  ): Promise<void> {
    const now = new Date();
    const events: OutboxEvent[] = [];
    const records: MeteringCallRecord[] = [];
    const outcomes: ReportOutcome[] = [];
    for (const report of reports) {
      const result = results.get(report._id) ?? { status: MeteringReportStatus.PENDING, reason: 'no answer' };
      const attempted = !result.notSent;
      reportsByStatus.inc({ status: result.status });
      records.push({
        reportId: report._id,
        quantity: report.overageQuantity,
        outcome: result.awsStatus ?? result.status,
        meteringRecordId: result.meteringRecordId,
      });
      if (result.status === MeteringReportStatus.PENDING) {
        outcomes.push({
          id: report._id,
          set: {
            lastError: result.reason,
            nextAttemptAt: new Date(now.getTime() + this.backoff(report.attempts)),
          },
          attempted,
        });
        continue;
      }
      if (result.status === MeteringReportStatus.NEEDS_ATTENTION) {
        // Not final: no event; sent again once the org's access works (probeAccess).
        outcomes.push({
          id: report._id,
          set: {
            status: result.status,
            awsStatus: result.awsStatus,
            flagged: true,
            lastError: result.reason,
          },
          unset: ['nextAttemptAt'],
          attempted: false,
        });
        continue;
      }
      const flagged = result.status !== MeteringReportStatus.REPORTED;
      outcomes.push({
        id: report._id,
        set: {
          status: result.status,
          awsStatus: result.awsStatus,
          meteringRecordId: result.meteringRecordId,
          ...(flagged ? { flagged: true, lastError: result.reason } : { reportedAt: now }),
        },
        unset: flagged ? ['nextAttemptAt'] : ['nextAttemptAt', 'lastError'],
        attempted,
      });
      events.push(this.event(report, result));
    }
    await this.reports.recordCall({ _id: `mc_${randomUUID().replace(/-/g, '')}`, orgId, records }, events);
    await this.reports.applyOutcomes(outcomes);
  }

  /**
   * Each org with reports waiting on its AWS access is probed (a metering call with no records); where AWS
   * accepts it, the reports are due again at once.
   */
  private async probeAccess(): Promise<void> {
    for (const orgId of await this.reports.orgsNeedingAttention()) {
      try {
        await this.gateway.probe(orgId);
      } catch (error) {
        const e = error as Error;
        this.logger.warn(`org ${orgId}: AWS still refuses metering (${e.name}: ${e.message})`);
        continue;
      }
      const released = await this.reports.releaseNeedingAttention(orgId);
      this.logger.log(`org ${orgId}: AWS accepts metering again; ${released} report(s) sent again`);
    }
  }

  /** The project's retry schedule, from METERING_RETRY_MIN_MS up to METERING_RETRY_MAX_MS. */
  private backoff(attempts: number): number {
    return retryDelay(attempts + 1, {
      minMs: this.env.METERING_RETRY_MIN_MS,
      maxMs: this.env.METERING_RETRY_MAX_MS,
    });
  }

  private event(report: MeteringReport, result: Result): OutboxEvent {
    const key =
      result.status === MeteringReportStatus.REPORTED
        ? RoutingKeys.MeteringReported
        : RoutingKeys.MeteringFailed;
    const payload: MeteringEventV1 = {
      reportId: report._id,
      entitlementId: report.entitlementId,
      dimension: report.dimension,
      hour: report.hour.toISOString(),
      quantity: report.overageQuantity,
      usageQuantity: report.usageQuantity,
      wholesaleValue: report.wholesaleValue,
      status: result.status,
      meteringRecordId: result.meteringRecordId,
      reason: result.reason,
    };
    return buildEnvelope(key, payload, {
      orgId: report.orgId,
      messageId: deterministicMessageId(`${report._id}:${result.status}`),
      causationId: report._id,
      correlationId: report.entitlementId,
    });
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}
