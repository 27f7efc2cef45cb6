import { EntitlementStatus, EntitlementType } from '@cppo/contracts/browser';
import { useState } from 'react';
import { type Entitlement } from '../../api';
import { Listing, Select, StatusSelect, usePaged } from '../../components/Listing';

export function Entitlements() {
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const list = usePaged<Entitlement>('entitlement', '/v1/entitlements', { status, type });
  return (
    <Listing
      title="Entitlements"
      filters={
        <>
          <StatusSelect value={status} onChange={setStatus} options={Object.values(EntitlementStatus)} />
          <Select label="Type" value={type} onChange={setType} options={Object.values(EntitlementType)} />
        </>
      }
      headers={['Entitlement', 'Type', 'Status', 'Buyer', 'Product', 'Opportunity', 'History']}
      rows={list.items.map((e) => [
        e.id,
        e.type,
        e.status,
        e.buyerAccountId,
        e.productId ?? '—',
        e.opportunityId ? <a href={`#/opportunities/${e.opportunityId}`}>{e.opportunityId}</a> : '—',
        e.history.map((h) => h.status).join(' → '),
      ])}
      error={list.error}
      more={list.more}
      empty="No entitlement matches."
    />
  );
}
