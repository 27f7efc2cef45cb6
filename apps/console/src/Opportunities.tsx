import { useCallback, useEffect, useState } from 'react';
import { api, type Opportunity, type Page } from './api';

const STATUSES = ['', 'PENDING', 'ACTIVE', 'FAILED', 'EXPIRED', 'RESTRICTED'];

/** The org's opportunities with the API's filters, newest first, a page at a time. */
export function Opportunities() {
  const [status, setStatus] = useState('');
  const [reseller, setReseller] = useState('');
  const [items, setItems] = useState<Opportunity[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState('');

  const load = useCallback(
    async (after?: string) => {
      const query = new URLSearchParams({ limit: '25' });
      if (status) query.set('status', status);
      if (/^\d{12}$/.test(reseller)) query.set('resellerAccountId', reseller);
      if (after) query.set('cursor', after);
      try {
        const page = await api<Page<Opportunity>>('opportunity', `/v1/opportunities?${query}`);
        setItems((current) => (after ? [...current, ...page.items] : page.items));
        setCursor(page.nextCursor);
        setError('');
      } catch (caught) {
        setError((caught as Error).message);
      }
    },
    [status, reseller],
  );

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <>
      <h1>Opportunities</h1>
      <div className="row" role="search">
        <label>
          Status
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s || 'any'}
              </option>
            ))}
          </select>
        </label>
        <label>
          Reseller account
          <input value={reseller} inputMode="numeric" onChange={(e) => setReseller(e.target.value)} />
        </label>
      </div>
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      <div className="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Status</th>
              <th scope="col">Product</th>
              <th scope="col">Reseller</th>
              <th scope="col">Offers</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => (
              <tr key={o.id}>
                <td>
                  <a href={`#/opportunities/${o.id}`}>{o.name}</a>
                </td>
                <td>{o.status}</td>
                <td>{o.productId}</td>
                <td>{o.resellerAccountId}</td>
                <td>{o.offerCount}</td>
                <td>{new Date(o.createdAt).toLocaleString()}</td>
              </tr>
            ))}
            {!items.length && (
              <tr>
                <td colSpan={6} className="muted">
                  No opportunities yet. <a href="#/opportunities/new">Create one</a>.
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      {cursor && (
        <p>
          <button type="button" onClick={() => void load(cursor)}>
            More
          </button>
        </p>
      )}
    </>
  );
}
