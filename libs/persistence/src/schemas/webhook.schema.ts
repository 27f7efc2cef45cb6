import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** One signing secret of an endpoint, encrypted (the webhooks service's key); `expiresAt` once rotated out. */
export interface WebhookSecret {
  /** AES-256-GCM: `v1.<iv>.<tag>.<ciphertext>`, base64url each. Never the plain secret. */
  encrypted: string;
  createdAt: Date;
  expiresAt?: Date;
}

/** An ISV's receiver of webhooks: where, which event types, how signed, whether enabled. */
@Schema({ collection: 'webhook_endpoints', timestamps: true })
export class WebhookEndpoint {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ required: true })
  url: string;

  /** Exact types, trailing wildcards (`entitlement.*`) or `*`. */
  @Prop({ type: [String], required: true })
  eventTypes: string[];

  @Prop()
  description?: string;

  @Prop({ required: true, default: true })
  enabled: boolean;

  /** Why it was disabled by the hub (410 Gone, failing for too long); unset when a person disabled it. */
  @Prop()
  disabledReason?: string;

  /** Newest first; every one not expired signs each delivery. */
  @Prop({ type: [Object], required: true })
  secrets: WebhookSecret[];

  /** When its deliveries started failing without a success since (unset while it succeeds). */
  @Prop()
  failingSince?: Date;

  createdAt?: Date;
  updatedAt?: Date;
}

export const WebhookEndpointSchema = SchemaFactory.createForClass(WebhookEndpoint);
// an org's endpoints (list, and the endpoints an event goes to).
WebhookEndpointSchema.index({ orgId: 1 });

export enum WebhookMessageStatus {
  PENDING = 'PENDING',
  DELIVERED = 'DELIVERED',
  FAILING = 'FAILING',
  GAVE_UP = 'GAVE_UP',
}

/** One try to deliver a message: what the receiver answered (never its body) and how long it took. */
export interface WebhookAttempt {
  at: Date;
  statusCode?: number;
  durationMs: number;
  error?: string;
}

/**
 * One event for one endpoint. `_id` is the `webhook-id` header: derived from the endpoint and the bus event,
 * so a redelivered event finds its message instead of making a second one; the same across retries and
 * replays. `body` is the exact JSON signed and sent.
 */
@Schema({ collection: 'webhook_messages', timestamps: { createdAt: true, updatedAt: false } })
export class WebhookMessage {
  @Prop({ type: String, required: true })
  _id: string;

  @Prop({ required: true })
  orgId: string;

  @Prop({ required: true })
  endpointId: string;

  @Prop({ required: true })
  type: string;

  @Prop({ required: true })
  body: string;

  @Prop({ type: String, enum: Object.values(WebhookMessageStatus), required: true })
  status: WebhookMessageStatus;

  @Prop({ type: [Object], default: [] })
  attempts: WebhookAttempt[];

  /** Failed tries of the current series (a replay starts a new one): the position in the retry schedule. */
  @Prop({ required: true, default: 0 })
  tries: number;

  @Prop()
  nextAttemptAt?: Date;

  /** A process delivering it holds it until then (a crashed one's messages are taken over after it). */
  @Prop()
  leaseUntil?: Date;

  createdAt?: Date;
}

export const WebhookMessageSchema = SchemaFactory.createForClass(WebhookMessage);
// an endpoint's messages, newest first (the messages list).
WebhookMessageSchema.index({ endpointId: 1, _id: -1 });
// messages due for an attempt (the poller).
WebhookMessageSchema.index({ status: 1, nextAttemptAt: 1 });
