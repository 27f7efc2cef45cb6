import { MessageEnvelope, RoutingKeys, validatePlain } from '@cppo/contracts';
import { buildEnvelope, deterministicMessageId } from './envelope.factory';

describe(deterministicMessageId.name, () => {
  it('is a valid UUID, stable for a name, different across names', () => {
    const sut = deterministicMessageId('evt-1:cppo.offer.released.v1');
    expect(sut).toBe(deterministicMessageId('evt-1:cppo.offer.released.v1'));
    expect(sut).not.toBe(deterministicMessageId('evt-2:cppo.offer.released.v1'));
    const envelope = buildEnvelope(
      RoutingKeys.OfferLinked,
      { offerId: 'o', awsOfferId: 'a', opportunityId: 'p' },
      { orgId: 'org', messageId: sut },
    );
    expect(validatePlain(MessageEnvelope, envelope)).toMatchObject({ ok: true });
  });
});
