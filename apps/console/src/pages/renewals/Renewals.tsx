import { daysUntil } from '@cppo/contracts/browser';
import type { Entitlement } from '../../api';
import { Listing, usePaged } from '../../components/Listing';
import { useDirectory } from '../../directory';

/**
 * Deals ending in the next 90 days (entitlements in force), soonest first, with their partner and buyer,
 * and a renewal opportunity for each: the create form prefilled from the ending deal.
 */
export function Renewals() {
  const list = usePaged<Entitlement>('entitlement', '/v1/entitlements', { endingWithinDays: '90' });
  const directory = useDirectory();
  const ending = [...list.items].sort((a, b) => (a.endTime ?? '').localeCompare(b.endTime ?? ''));
  return (
    <Listing
      title="Renewals"
      headers={['Ends', 'Buyer', 'Partner', 'Product', 'Status', 'Agreement', 'Renew']}
      rows={ending.map((e) => {
        const day = (e.endTime ?? '').slice(0, 10);
        const left = day ? daysUntil(day) : undefined;
        return [
          left === undefined ? '—' : `${day} (in ${left} day${left === 1 ? '' : 's'})`,
          e.buyerAccountId ?? '—',
          e.resellerAccountId ? directory.partnerLabel(e.resellerAccountId) : 'direct',
          e.productId ? directory.productLabel(e.productId) : '—',
          e.status,
          e.opportunityId ? (
            <a href={`#/opportunities/${e.opportunityId}`}>{e.agreementId}</a>
          ) : (
            e.agreementId
          ),
          <a href={`#/opportunities/new?renew=${encodeURIComponent(e.id)}`}>
            Renewal opportunity for {e.buyerAccountId}
          </a>,
        ];
      })}
      error={list.error}
      more={list.more}
      empty="No deal ends in the next 90 days."
    />
  );
}
