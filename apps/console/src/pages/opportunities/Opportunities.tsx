import { useState } from 'react';
import type { Opportunity } from '../../api';
import { Listing, StatusSelect, usePaged } from '../../components/Listing';

/** The org's opportunities with the API's filters, newest first, a page at a time. */
export function Opportunities() {
  const [status, setStatus] = useState('');
  const [reseller, setReseller] = useState('');
  const list = usePaged<Opportunity>('opportunity', '/v1/opportunities', {
    status,
    resellerAccountId: /^\d{12}$/.test(reseller) ? reseller : '',
  });
  return (
    <Listing
      title="Opportunities"
      filters={
        <>
          <StatusSelect
            value={status}
            onChange={setStatus}
            options={['PENDING', 'ACTIVE', 'FAILED', 'EXPIRED', 'RESTRICTED']}
          />
          <label>
            Reseller account
            <input value={reseller} inputMode="numeric" onChange={(e) => setReseller(e.target.value)} />
          </label>
        </>
      }
      headers={['Name', 'Status', 'Product', 'Reseller', 'Offers', 'Created']}
      rows={list.items.map((o) => [
        <a href={`#/opportunities/${o.id}`}>{o.name}</a>,
        o.status,
        o.productId,
        o.resellerAccountId,
        String(o.offerCount),
        new Date(o.createdAt).toLocaleString(),
      ])}
      error={list.error}
      more={list.more}
      empty="No opportunities yet: Create CPPO above."
    />
  );
}
