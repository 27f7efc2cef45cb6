import { OfferType, RoutingKeys, type EntitlementEventV1, type MessageEnvelope } from '@cppo/contracts';
import type { CppoOfferRepository, Offer, OfferRepository } from '@cppo/persistence';
import { OfferLinksConsumer } from './offer-links.consumer';

// Linking a partner's offer from entitlement events (repositories stubbed): an offer known to be linked
// costs no read on later events; one not linked is read until it is.
describe('OfferLinksConsumer: reads an offer until it is linked (repositories stubbed)', () => {
  let offers: Map<string, Partial<Offer>>;
  let reads: string[];
  let links: string[];

  function consumer(): OfferLinksConsumer {
    const offerRepository = {
      findById: async (orgId: string, id: string) => {
        reads.push(`${orgId}/${id}`);
        return offers.get(`${orgId}/${id}`) ?? null;
      },
    } as unknown as OfferRepository;
    const cppoOffers = {
      linkOpportunity: async (orgId: string, id: string, opportunityId: string) => {
        links.push(`${orgId}/${id}`);
        const offer = offers.get(`${orgId}/${id}`);
        if (!offer || offer.cppoOutOfferId) return null;
        offer.cppoOutOfferId = opportunityId;
        return offer;
      },
    } as unknown as CppoOfferRepository;
    return new OfferLinksConsumer(offerRepository, cppoOffers);
  }

  const event = (orgId: string, offerId: string): MessageEnvelope<EntitlementEventV1> =>
    ({
      type: RoutingKeys.EntitlementUpdated,
      orgId,
      messageId: `m-${Math.random()}`,
      payload: { offerId, opportunityId: 'off_opp' },
    }) as unknown as MessageEnvelope<EntitlementEventV1>;

  beforeEach(() => {
    reads = [];
    links = [];
    offers = new Map([
      ['org_a/off_opp', { _id: 'off_opp', type: OfferType.CPPO_OUT, marketplace: {} } as Partial<Offer>],
      ['org_a/off_cppo', { _id: 'off_cppo', type: OfferType.CPPO, awsOfferId: 'offer-1' }],
      ['org_b/off_cppo', { _id: 'off_cppo', type: OfferType.CPPO, awsOfferId: 'offer-1' }],
      ['org_b/off_opp', { _id: 'off_opp', type: OfferType.CPPO_OUT, marketplace: {} }],
    ]);
  });

  it('links once, then later events of that offer read nothing', async () => {
    const sut = consumer();
    await sut.updated(event('org_a', 'off_cppo'));
    await sut.updated(event('org_a', 'off_cppo'));
    await sut.activated(event('org_a', 'off_cppo'));
    expect(links).toEqual(['org_a/off_cppo']);
    expect(reads).toEqual(['org_a/off_cppo', 'org_a/off_opp']);
    expect(offers.get('org_a/off_cppo')?.cppoOutOfferId).toBe('off_opp');
  });

  it('an offer found linked already is read once; the same offer id of another org is read for it', async () => {
    offers.get('org_a/off_cppo')!.cppoOutOfferId = 'off_opp';
    const sut = consumer();
    await sut.updated(event('org_a', 'off_cppo'));
    await sut.updated(event('org_a', 'off_cppo'));
    await sut.updated(event('org_b', 'off_cppo'));
    expect(reads).toEqual(['org_a/off_cppo', 'org_b/off_cppo', 'org_b/off_opp']);
    expect(links).toEqual(['org_b/off_cppo']);
  });

  it('an offer that is not a CPPO offer (or not there yet) is read on every event', async () => {
    const sut = consumer();
    await sut.updated(event('org_a', 'off_missing'));
    await sut.updated(event('org_a', 'off_missing'));
    expect(reads).toEqual(['org_a/off_missing', 'org_a/off_missing']);
    expect(links).toEqual([]);
  });
});
