import type { HealthIndicatorResult } from '@nestjs/terminus';

/** A dependency `GET /health/ready` checks, beyond Mongo and RabbitMQ (e.g. SQS for offer-ingest). */
export interface ReadinessIndicator {
  check(): Promise<HealthIndicatorResult>;
}

export const READINESS_INDICATORS = Symbol('READINESS_INDICATORS');
