import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsInt, Max, Min } from 'class-validator';
import { AwsServiceEnv, toBoolean } from '@cppo/runtime';

export class MeteringEnv extends AwsServiceEnv {
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(65535)
  override PORT = 3004;

  /** Pause between two runs of the reporter (ledger of closed hours, then BatchMeterUsage). */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  METERING_INTERVAL_MS = 15_000;

  /** How long after an hour ends its reports are made (usage still in flight gets in). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  METERING_SETTLE_MS = 20_000;

  /** How often the reporter reads the whole window again to find usage that came after its report. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  METERING_LATE_SCAN_MS = 300_000;

  /**
   * How many hours back AWS accepts a record. The API reference says 6, the newest service model 24
   * (docs/aws-marketplace.md): 6 is the safe default; older usage is refused at intake.
   */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(24)
  METERING_WINDOW_HOURS = 6;

  /** Report hours whose usage stayed within the included quantity as 0 (AWS recommends hourly records). */
  @Transform(toBoolean)
  @IsBoolean()
  METERING_ZERO_RECORDS = true;

  /** A reporter's claim on a report lasts one to two of these (longer than any one AWS call). */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  METERING_LEASE_MS = 60_000;

  /**
   * How often an org whose reports NEED_ATTENTION (AWS refused its access) is probed with a metering call
   * that bills nothing; once it succeeds, the reports are sent again.
   */
  @Type(() => Number)
  @IsInt()
  @Min(50)
  METERING_PROBE_MS = 60_000;

  /** Reports claimed per reporter run (then sent 25 per call). */
  @Type(() => Number)
  @IsInt()
  @Min(25)
  METERING_BATCH = 1000;

  /** First retry delay after throttling, 5xx or UnprocessedRecords (doubling up to METERING_RETRY_MAX_MS). */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  METERING_RETRY_MIN_MS = 2_000;

  /** Longest retry delay. */
  @Type(() => Number)
  @IsInt()
  @Min(10)
  METERING_RETRY_MAX_MS = 300_000;

  /**
   * How long intake may reuse an ACTIVE entitlement it read (0: read every request). Within it, a change
   * (ended, deprovisioned, new dimensions) is seen up to this late; other states are always read.
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  METERING_ENTITLEMENT_CACHE_MS = 5_000;

  /** BatchMeterUsage calls in flight at once per replica. */
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(16)
  METERING_CONCURRENCY = 4;
}
