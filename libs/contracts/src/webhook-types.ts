/**
 * The webhook event types the webhooks service sends (docs/api.md, "webhooks"): what an endpoint's filter
 * names. Plain strings, for the service and the console alike.
 */
export const WEBHOOK_EVENT_TYPES = [
  'opportunity.created',
  'opportunity.published',
  'opportunity.failed',
  'opportunity.restricted',
  'opportunity.expired',
  'opportunity.expiring',
  'offer.released',
  'entitlement.created',
  'entitlement.activated',
  'entitlement.updated',
  'entitlement.ended',
  'entitlement.cancellation_requested',
  'entitlement.cancellation_resolved',
  'entitlement.adjusted',
  'entitlement.replaced',
  'registration.completed',
  'metering.report.reported',
  'metering.report.flagged',
  'agreement.notice',
  'finance.exception.opened',
  'webhook.test',
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];
