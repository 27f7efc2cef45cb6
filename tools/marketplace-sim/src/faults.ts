import { AwsError } from './aws-errors';

/**
 * Fault injection per operation (`StartChangeSet`, `BatchMeterUsage`, ... or `*`):
 * - `throttle` / `5xx`: fail the next `count` calls, or every `every`-th call (or every call if neither);
 * - `latency`: delay every matching call by `latencyMs`;
 * - `unprocessed` (BatchMeterUsage): the selected calls return part of their records as `UnprocessedRecords`;
 * - `accessDenied`: the caller's IAM policy does not allow the operation (AssumeRole included): AWS's
 *   AccessDeniedException (STS: AccessDenied), for the next `count` calls or until the rule is removed.
 */
export interface FaultRule {
  operation: string;
  type: 'throttle' | '5xx' | 'latency' | 'unprocessed' | 'accessDenied';
  count?: number;
  every?: number;
  latencyMs?: number;
}

export type ServiceKind = 'catalog' | 'agreement' | 'entitlement' | 'metering';

const SERVER_ERROR: Record<ServiceKind, string> = {
  catalog: 'InternalServiceException',
  agreement: 'InternalServerException',
  entitlement: 'InternalServiceErrorException',
  metering: 'InternalServiceErrorException',
};

const FAULT_TYPES: FaultRule['type'][] = ['throttle', '5xx', 'latency', 'unprocessed', 'accessDenied'];

export class Faults {
  private rules: (FaultRule & { seen: number; remaining?: number })[] = [];

  set(rules: FaultRule[]): void {
    for (const rule of rules) {
      if (!rule.operation || !FAULT_TYPES.includes(rule.type)) {
        throw new Error(`each fault needs operation and type (${FAULT_TYPES.join(', ')})`);
      }
    }
    this.rules = rules.map((rule) => ({ ...rule, seen: 0, remaining: rule.count }));
  }

  list(): FaultRule[] {
    return this.rules.map(({ operation, type, count, every, latencyMs, remaining }) => ({
      operation,
      type,
      count,
      every,
      latencyMs,
      remaining,
    }));
  }

  clear(): void {
    this.rules = [];
  }

  async apply(operation: string, service: ServiceKind): Promise<void> {
    const matching = this.rules.filter((rule) => rule.operation === operation || rule.operation === '*');
    // Latency first, so that a delayed call can still fail afterwards.
    for (const rule of matching.filter((r) => r.type === 'latency')) {
      rule.seen += 1;
      await new Promise((r) => setTimeout(r, rule.latencyMs ?? 1000));
    }
    this.denied(operation, service);
    for (const rule of matching.filter((r) => r.type === 'throttle' || r.type === '5xx')) {
      if (!fires(rule)) continue;
      if (rule.type === 'throttle') {
        throw new AwsError(
          'ThrottlingException',
          // restJson1 Catalog and the Agreement API answer 429; the JSON 1.1 services 400.
          service === 'catalog' || service === 'agreement' ? 429 : 400,
          'Rate exceeded (injected by marketplace-sim)',
        );
      }
      throw new AwsError(SERVER_ERROR[service], 500, 'Internal error (injected by marketplace-sim)');
    }
  }

  /**
   * An `accessDenied` rule for the operation fires: AWS's answer to a call the caller's IAM policy does not
   * allow — AccessDeniedException (HTTP 403 on the Catalog and Agreement APIs, 400 on the JSON 1.1 ones),
   * STS's AccessDenied (403).
   */
  denied(operation: string, service: ServiceKind | 'sts'): void {
    const rule = this.rules.find(
      (r) => r.type === 'accessDenied' && (r.operation === operation || r.operation === '*') && fires(r),
    );
    if (!rule) return;
    const action = `${service === 'sts' ? 'sts' : 'aws-marketplace'}:${operation}`;
    const message = `User is not authorized to perform: ${action} (denied by marketplace-sim)`;
    if (service === 'sts') throw new AwsError('AccessDenied', 403, message);
    throw new AwsError(
      'AccessDeniedException',
      service === 'catalog' || service === 'agreement' ? 403 : 400,
      message,
    );
  }

  /** Whether an `unprocessed` rule selects this call of `operation` (asked by the operation itself). */
  unprocessed(operation: string): boolean {
    return this.rules
      .filter(
        (rule) => rule.type === 'unprocessed' && (rule.operation === operation || rule.operation === '*'),
      )
      .reduce((selected, rule) => fires(rule) || selected, false);
  }
}

/** Counts a matching call and says whether the rule fires on it: the next `count` calls, or every `every`-th. */
function fires(rule: FaultRule & { seen: number; remaining?: number }): boolean {
  rule.seen += 1;
  if (rule.remaining === undefined) return rule.every ? rule.seen % rule.every === 0 : true;
  if (rule.remaining <= 0) return false;
  rule.remaining -= 1;
  return true;
}
