import { randomUUID } from 'node:crypto';
import { RoutingKeys, type MessageEnvelope, type RoutingKey } from '@cppo/contracts';

/** One CPPO deal as the entitlement service hears of it: the notifications offer-ingest publishes. */
export const DEAL = {
  isv: '123456789012',
  partner: '111122223333',
  buyer: '444455556666',
  productId: 'prod-acmeanalytics01',
  productCode: 'acmeanalytics0000000000001',
  resaleAuthorizationId: 'resaleauthz-dealdeal00001',
  awsOfferId: 'offer-dealdeal000001',
  agreementId: 'agmt-dealdealdealdealdealdeal1',
  licenseArn: 'arn:aws:license-manager::123456789012:license:l-0123456789abcdef0123456789abcdef',
};

const T0 = Date.parse('2026-11-30T10:00:00Z');
const at = (seconds: number) => new Date(T0 + seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

export type DealStep = 'offer-released' | 'created' | 'license-updated' | 'amended' | 'ended';

/** The routing key and payload of each step (AWS event ids fixed: the same deal in every ordering). */
export function dealMessage(
  step: DealStep,
  offerId: string,
): { key: RoutingKey; payload: Record<string, unknown> } {
  const agreement = {
    agreementId: DEAL.agreementId,
    resaleAuthorizationId: DEAL.resaleAuthorizationId,
    awsOfferId: DEAL.awsOfferId,
    acceptorAccountId: DEAL.buyer,
    proposerAccountId: DEAL.partner,
  };
  switch (step) {
    case 'offer-released':
      return {
        key: RoutingKeys.OfferReleased,
        payload: {
          offerId,
          awsOfferId: DEAL.awsOfferId,
          productId: DEAL.productId,
          partnerAccountId: DEAL.partner,
          buyerAccountIds: [DEAL.buyer],
        },
      };
    case 'created':
      return {
        key: RoutingKeys.AgreementCreated,
        payload: {
          ...agreement,
          eventId: 'evt-created',
          eventTime: at(0),
          intent: 'NEW',
          status: 'ACTIVE',
          acceptanceTime: at(0),
          startTime: at(0),
          endTime: '2027-11-30T10:00:00Z',
        },
      };
    case 'license-updated':
      return {
        key: RoutingKeys.LicenseUpdated,
        payload: {
          eventId: 'evt-license',
          eventTime: at(0),
          agreementId: DEAL.agreementId,
          licenseArn: DEAL.licenseArn,
          productId: DEAL.productId,
          productCode: DEAL.productCode,
          awsOfferId: DEAL.awsOfferId,
          acceptorAccountId: DEAL.buyer,
        },
      };
    case 'amended':
      return {
        key: RoutingKeys.AgreementAmended,
        payload: {
          ...agreement,
          eventId: 'evt-amended',
          eventTime: at(60),
          intent: 'AMEND',
          status: 'ACTIVE',
          startTime: at(0),
          endTime: '2028-11-30T10:00:00Z',
        },
      };
    case 'ended':
      return {
        key: RoutingKeys.AgreementEnded,
        payload: { ...agreement, eventId: 'evt-ended', eventTime: at(120), status: 'CANCELLED' },
      };
  }
}

export function envelope(orgId: string, key: RoutingKey, payload: Record<string, unknown>): MessageEnvelope {
  return { messageId: randomUUID(), occurredAt: new Date().toISOString(), orgId, type: key, payload };
}

/** Every ordering of `items`. */
export function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}
