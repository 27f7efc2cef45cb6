import { useState } from 'react';
import { daysUntil } from '@cppo/contracts/browser';
import type { Opportunity } from '../../api';
import { Listing, StatusSelect, usePaged } from '../../components/Listing';
import { useDirectory } from '../../directory';

/** When the partner's authorization ends: soon (30 days or less) stands out; a used-up single use says so. */
function expires(o: Opportunity) {
  if (o.marketplace.offerExtendedStatus === 'Completed-Used') return 'used up (single use)';
  if (!o.expiryDate) return '—';
  const left = daysUntil(o.expiryDate);
  if (o.status !== 'ACTIVE' || left > 30) return o.expiryDate;
  return (
    <strong>{`${o.expiryDate} (${left === 0 ? 'last day' : `in ${left} day${left === 1 ? '' : 's'}`})`}</strong>
  );
}

/** The org's opportunities with the API's filters, newest first, a page at a time. */
export function Opportunities() {
  const [soon, setSoon] = useState(false);
  const [status, setStatus] = useState('');
  const [reseller, setReseller] = useState('');
  const directory = useDirectory();
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
          <label className="check">
            <input type="checkbox" checked={soon} onChange={(e) => setSoon(e.target.checked)} /> Expiring
            within 30 days
          </label>
        </>
      }
      headers={['Name', 'Status', 'Product', 'Reseller', 'Offers', 'Expires', 'Created']}
      rows={list.items
        .filter((o) => !soon || (o.status === 'ACTIVE' && !!o.expiryDate && daysUntil(o.expiryDate) <= 30))
        .map((o) => [
          <a href={`#/opportunities/${o.id}`}>{o.name}</a>,
          o.status,
          directory.productLabel(o.productId),
          directory.partnerLabel(o.resellerAccountId),
          String(o.offerCount),
          expires(o),
          new Date(o.createdAt).toLocaleString(),
        ])}
      error={list.error}
      more={list.more}
      empty="No opportunities yet: Create CPPO above."
    />
  );
}
