import { EntitlementStatus, EntitlementType } from '@cppo/contracts/browser';
import { useState } from 'react';
import { type Entitlement } from '../../api';
import { Listing, Select, StatusSelect, usePaged } from '../../components/Listing';

/** The org's entitlements; `#/entitlements?offerSetId=…` or `?agreementId=…` (links from a chain) narrow them. */
export function Entitlements({ query = new URLSearchParams() }: { query?: URLSearchParams }) {
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const offerSetId = query.get('offerSetId') ?? '';
  const agreementId = query.get('agreementId') ?? '';
  const list = usePaged<Entitlement>('entitlement', '/v1/entitlements', {
    status,
    type,
    offerSetId,
    agreementId,
  });
  return (
    <Listing
      title={offerSetId ? `Entitlements of offer set ${offerSetId}` : 'Entitlements'}
      filters={
        <>
          {(offerSetId || agreementId) && <a href="#/entitlements">All entitlements</a>}
          <StatusSelect value={status} onChange={setStatus} options={Object.values(EntitlementStatus)} />
          <Select label="Type" value={type} onChange={setType} options={Object.values(EntitlementType)} />
        </>
      }
      headers={['Entitlement', 'Type', 'Status', 'Buyer', 'Product', 'Opportunity', 'Offer set', 'History']}
      rows={list.items.map((e) => [
        e.id,
        e.type,
        e.status,
        e.buyerAccountId,
        e.productId ?? '—',
        e.opportunityId ? <a href={`#/opportunities/${e.opportunityId}`}>{e.opportunityId}</a> : '—',
        e.offerSetId ? (
          <a href={`#/entitlements?offerSetId=${encodeURIComponent(e.offerSetId)}`}>{e.offerSetId}</a>
        ) : (
          '—'
        ),
        e.history.map((h) => h.status).join(' → '),
      ])}
      error={list.error}
      more={list.more}
      empty="No entitlement matches."
    />
  );
}
