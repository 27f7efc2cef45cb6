import { createHash, randomUUID } from 'node:crypto';
import { instanceToPlain } from 'class-transformer';
import type { MessageEnvelope, PayloadOf, RoutingKey } from '@cppo/contracts';

export interface EnvelopeMeta {
  orgId: string;
  causationId?: string;
  correlationId?: string;
  /** Defaults to now. */
  occurredAt?: Date | string;
  /** Defaults to a random UUID; see deterministicMessageId for events derived from an external event. */
  messageId?: string;
}

/**
 * A UUID derived from a name (e.g. an AWS event id and a routing key): processing the same AWS event
 * twice yields the same messageId, so downstream inboxes deduplicate even a double publish.
 */
export function deterministicMessageId(name: string): string {
  const hex = createHash('sha256').update(name).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/** Builds the envelope of a new event: typed by routing key, so a wrong payload does not compile. */
export function buildEnvelope<K extends RoutingKey>(
  type: K,
  payload: PayloadOf<K>,
  meta: EnvelopeMeta,
): MessageEnvelope<Record<string, unknown>> {
  const occurredAt = meta.occurredAt ?? new Date();
  const envelope: MessageEnvelope<Record<string, unknown>> = {
    messageId: meta.messageId ?? randomUUID(),
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
