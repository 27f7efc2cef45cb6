import { randomUUID } from 'node:crypto';
import { instanceToPlain } from 'class-transformer';
import type { MessageEnvelope, PayloadOf, RoutingKey } from '@cppo/contracts';

export interface EnvelopeMeta {
  orgId: string;
  causationId?: string;
  correlationId?: string;
  /** Defaults to now. */
  occurredAt?: Date | string;
}

/** Builds the envelope of a new event: typed by routing key, so a wrong payload does not compile. */
export function buildEnvelope<K extends RoutingKey>(
  type: K,
  payload: PayloadOf<K>,
  meta: EnvelopeMeta,
): MessageEnvelope<Record<string, unknown>> {
  const occurredAt = meta.occurredAt ?? new Date();
  const envelope: MessageEnvelope<Record<string, unknown>> = {
    messageId: randomUUID(),
    occurredAt: typeof occurredAt === 'string' ? occurredAt : occurredAt.toISOString(),
    orgId: meta.orgId,
    type,
    payload: dropUndefined(instanceToPlain(payload)),
  };
  if (meta.causationId) envelope.causationId = meta.causationId;
  if (meta.correlationId) envelope.correlationId = meta.correlationId;
  return envelope;
}

function dropUndefined(value: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(value)) as Record<string, unknown>;
}
