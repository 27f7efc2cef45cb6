import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, type Entitlement, type Offer, type Opportunity, type UsageHour } from '../../api';
import { DataTable } from '../../components/Listing';

interface ChainView {
  opportunity: Opportunity;
  offers: Offer[];
  entitlements: Entitlement[];
}

const POLL_MS = 3000;

/** One opportunity and what came of it: partners' offers, buyers' entitlements, usage and overage. */
export function Chain({ id }: { id: string }) {
  const [chain, setChain] = useState<ChainView>();
  const [usage, setUsage] = useState<Record<string, UsageHour[]>>({});
  const [error, setError] = useState('');
  const [notFound, setNotFound] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const view = await api<ChainView>('opportunity', `/v1/opportunities/${encodeURIComponent(id)}/chain`);
      const hours = await Promise.all(
        view.entitlements.map(async (e) => {
          const answer = await api<{ hours: UsageHour[] }>('metering', `/v1/entitlements/${e.id}/usage`);
          return [e.id, answer.hours] as const;
        }),
      );
      setChain(view);
      setUsage(Object.fromEntries(hours));
      setError('');
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 404) setNotFound(true);
      else setError((caught as Error).message);
    }
  }, [id]);

  useEffect(() => {
    void refresh();
    const timer = setInterval(() => void refresh(), POLL_MS);
    return () => clearInterval(timer);
  }, [refresh]);

  if (notFound)
    return (
      <>
        <h1>Not found</h1>
        <p>No opportunity {id} in your organisation.</p>
      </>
    );
  if (!chain) return <p aria-busy="true">Loading…</p>;
  const { opportunity, offers, entitlements } = chain;

  async function restrict() {
    if (
      !window.confirm(
        'Restrict this opportunity? The partner can make no new offers from it. This cannot be undone.',
      )
    )
      return;
    try {
      await api('opportunity', `/v1/opportunities/${opportunity.id}/restrict`, { body: {} });
      await refresh();
    } catch (caught) {
      setError((caught as Error).message);
    }
  }

  async function clone() {
    try {
      const copy = await api<Opportunity>('opportunity', `/v1/opportunities/${opportunity.id}/clone`, {
        body: {},
      });
      window.location.hash = `#/opportunities/${copy.id}`;
    } catch (caught) {
      setError((caught as Error).message);
    }
  }

  return (
    <>
      <h1>{opportunity.name}</h1>
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      <dl>
        <dt>Status</dt>
        <dd>
          <span className="status" aria-live="polite" data-testid="opportunity-status">
            {opportunity.status}
          </span>
        </dd>
        <dt>Product, reseller</dt>
        <dd>
          {opportunity.productId}, {opportunity.resellerAccountId}
        </dd>
        <dt>Resale authorization</dt>
        <dd>{opportunity.marketplace?.resaleAuthorizationId ?? '—'}</dd>
      </dl>
      {!!opportunity.marketplace?.errors?.length && (
        <div role="alert" className="alert">
          <p>AWS refused the change set:</p>
          <ul>
            {opportunity.marketplace.errors.map((e, i) => (
              <li key={i}>
                {e.changeName ? `${e.changeName}: ` : ''}
                {e.code ? `${e.code} — ` : ''}
                {e.message}
              </li>
            ))}
          </ul>
        </div>
      )}
      <div className="row">
        {opportunity.status === 'ACTIVE' && (
          <button type="button" onClick={() => void restrict()}>
            Restrict…
          </button>
        )}
        <button type="button" onClick={() => void clone()}>
          Clone
        </button>
      </div>

      <h2>Partner offers</h2>
      <DataTable
        caption="Partner offers"
        headers={['Offer', 'AWS offer', 'Status', 'Reseller', 'Buyers', 'Offer set']}
        rows={offers.map((o) => [
          o.id,
          o.awsOfferId ?? '—',
          o.status,
          o.resellerAccountId ?? '—',
          (o.buyerAccountIds ?? []).join(', '),
          o.offerSetId ? <OfferSetLink offerSetId={o.offerSetId} /> : '—',
        ])}
        empty="No offer from this opportunity yet."
      />

      <h2>Buyers' entitlements</h2>
      <DataTable
        caption="Entitlements"
        headers={['Entitlement', 'Status', 'Buyer', 'Grants', 'History', 'Licence']}
        rows={entitlements.map((e) => [
          e.id,
          e.status,
          e.buyerAccountId,
          e.grants.map((g) => `${g.quantity} ${g.dimensionKey}`).join(', '),
          e.history.map((h) => h.status).join(' → '),
          e.licenseArn ?? '—',
        ])}
        empty="No buyer has accepted an offer yet."
      />

      {entitlements.map((e) => (
        <Timeline key={`timeline-${e.id}`} entitlement={e} />
      ))}

      {entitlements.map((e) => (
        <section key={e.id} aria-labelledby={`usage-${e.id}`}>
          <h2 id={`usage-${e.id}`}>Usage and overage — {e.id}</h2>
          <DataTable
            caption={`Usage of ${e.id}`}
            headers={[
              'Hour (UTC)',
              'Dimension',
              'Usage',
              'Included',
              'Overage',
              'Wholesale value',
              'Report',
              'AWS record',
            ]}
            rows={(usage[e.id] ?? []).map((h) => [
              h.hour.slice(0, 16).replace('T', ' '),
              h.dimension,
              String(h.usage),
              String(h.included),
              String(h.overage),
              h.wholesaleValue ?? '—',
              h.status,
              h.meteringRecordId ?? '—',
            ])}
            empty="No usage in the last 24 hours."
          />
        </section>
      ))}
    </>
  );
}

const CHAIN_WORDS: Record<string, string> = {
  NEW: 'first agreement',
  RENEWAL: 'renewal',
  REPLACEMENT: 'replacement',
  PARTNER_SWITCH: 'new chain (another seller of record)',
};

/** A link to the entitlements of an offer set (the Entitlements page filtered by it). */
function OfferSetLink({ offerSetId }: { offerSetId: string }) {
  return <a href={`#/entitlements?offerSetId=${encodeURIComponent(offerSetId)}`}>{offerSetId}</a>;
}

/**
 * One entitlement's life as AWS told it: every transition with its time and cause (created → pending
 * cancellation → …), where it stands in the buyer's chain (the agreement it renews or replaces, the one that
 * followed it), a pending cancellation request and the offer set its offer belongs to.
 */
function Timeline({ entitlement: e }: { entitlement: Entitlement }) {
  const chainLink = (id: string | undefined, agreementId: string | undefined) =>
    id || agreementId ? (
      <a href={`#/entitlements?agreementId=${encodeURIComponent(agreementId ?? '')}`}>{id ?? agreementId}</a>
    ) : (
      '—'
    );
  return (
    <section aria-labelledby={`timeline-${e.id}`} data-testid={`timeline-${e.id}`}>
      <h2 id={`timeline-${e.id}`}>Timeline — {e.id}</h2>
      <dl>
        <dt>Chain</dt>
        <dd>{e.chain ? `${CHAIN_WORDS[e.chain.kind] ?? e.chain.kind}: ${e.chain.reason}` : '—'}</dd>
        <dt>Follows</dt>
        <dd data-testid="chain-previous">{chainLink(e.previousEntitlementId, e.previousAgreementId)}</dd>
        <dt>Followed by</dt>
        <dd data-testid="chain-next">{chainLink(e.nextEntitlementId, e.nextAgreementId)}</dd>
        {e.offerSetId && (
          <>
            <dt>Offer set</dt>
            <dd>
              <OfferSetLink offerSetId={e.offerSetId} />
            </dd>
          </>
        )}
        {e.cancellation && (
          <>
            <dt>Cancellation request</dt>
            <dd data-testid="cancellation">
              {e.cancellation.status}
              {e.cancellation.reasonCode ? ` (${e.cancellation.reasonCode})` : ''} since{' '}
              {e.cancellation.since.slice(0, 16).replace('T', ' ')}
            </dd>
          </>
        )}
      </dl>
      <ol className="timeline">
        {e.history.map((h, i) => (
          <li key={i}>
            <time dateTime={h.at}>{h.at.slice(0, 19).replace('T', ' ')}</time>{' '}
            <span className="status">{h.status}</span> — {h.reason ?? ''}
          </li>
        ))}
      </ol>
    </section>
  );
}
