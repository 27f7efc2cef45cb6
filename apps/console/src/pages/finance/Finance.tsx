import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { api, ApiError } from '../../api';
import { DataTable } from '../../components/Listing';

interface Deal {
  agreementId: string;
  status: 'OK' | 'EXCEPTION';
  partnerAccountId?: string;
  buyerAccountId?: string;
  opportunityId?: string;
  currency?: string;
  expected: string;
  invoiced: string;
  listingFee: string;
  refunded: string;
  disbursed: string;
  asOf?: string;
}
interface Group {
  key: string;
  expected: string;
  invoiced: string;
  disbursed: string;
  listingFee?: string;
}
interface FinanceException {
  id: string;
  kind: string;
  subject: string;
  agreementId?: string;
  detail: string;
  openedAt: string;
}
interface Settings {
  bucket: string;
  prefix: string;
  asOf?: string;
}
interface ImportRun {
  id: string;
  status: string;
  filesImported: number;
  filesSkipped: number;
  rows: number;
  parked: number;
  error?: string;
}

const POLL_MS = 1000;

/**
 * Finance: where AWS's seller data feeds are, an import on demand, expected / invoiced / disbursed per month
 * (a chart), totals per partner, every deal (drilling down to its chain), and the exceptions to look at.
 */
export function Finance() {
  const [settings, setSettings] = useState<Settings | null>();
  const [months, setMonths] = useState<Group[]>([]);
  const [partners, setPartners] = useState<Group[]>([]);
  const [deals, setDeals] = useState<Deal[]>([]);
  const [exceptions, setExceptions] = useState<FinanceException[]>([]);
  const [run, setRun] = useState<ImportRun>();
  const [error, setError] = useState('');

  const load = useCallback(async () => {
    try {
      const found = await api<Settings>('finance', '/v1/finance/settings').catch((caught: unknown) => {
        if (caught instanceof ApiError && caught.status === 404) return null;
        throw caught;
      });
      setSettings(found);
      const [m, p, d, e] = await Promise.all([
        api<{ items: Group[] }>('finance', '/v1/finance/summary?groupBy=month'),
        api<{ items: Group[] }>('finance', '/v1/finance/summary?groupBy=partner'),
        api<{ items: Deal[] }>('finance', '/v1/finance/deals'),
        api<{ items: FinanceException[] }>('finance', '/v1/finance/exceptions?status=OPEN&limit=100'),
      ]);
      setMonths(m.items);
      setPartners(p.items);
      setDeals(d.items);
      setExceptions(e.items);
      setError('');
    } catch (caught) {
      setError((caught as Error).message);
    }
  }, []);
  useEffect(() => void load(), [load]);

  // an import's progress, until it is done
  useEffect(() => {
    if (run?.status !== 'RUNNING') return;
    const timer = setTimeout(async () => {
      try {
        const next = await api<ImportRun>('finance', `/v1/finance/imports/${run.id}`);
        setRun(next);
        if (next.status !== 'RUNNING') await load();
      } catch (caught) {
        setError((caught as Error).message);
      }
    }, POLL_MS);
    return () => clearTimeout(timer);
  }, [run, load]);

  async function importNow() {
    try {
      setRun(await api<ImportRun>('finance', '/v1/finance/imports', { body: {} }));
    } catch (caught) {
      setError((caught as Error).message);
    }
  }

  const chart = months.map((m) => ({
    month: m.key,
    expected: Number(m.expected),
    invoiced: Number(m.invoiced),
    disbursed: Number(m.disbursed),
  }));
  return (
    <>
      <h1>Finance</h1>
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      <FeedSettings settings={settings} onSaved={load} />
      {settings && (
        <div className="row">
          <button type="button" onClick={() => void importNow()} disabled={run?.status === 'RUNNING'}>
            Import now
          </button>
          {run && (
            <span role="status" data-testid="import-status">
              Import {run.status}: {run.filesImported} file(s) imported, {run.filesSkipped} unchanged,{' '}
              {run.rows} rows, {run.parked} line(s) parked{run.error ? ` — ${run.error}` : ''}
            </span>
          )}
          {settings.asOf && <span className="muted">Feeds cover through {settings.asOf}</span>}
        </div>
      )}

      <h2>Expected, invoiced and disbursed per month</h2>
      {chart.length ? (
        <div
          style={{ width: '100%', height: 280 }}
          aria-label="expected, invoiced and disbursed per month"
          role="img"
        >
          <ResponsiveContainer>
            <BarChart data={chart}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="month" />
              <YAxis />
              <Tooltip />
              <Legend />
              <Bar dataKey="expected" fill="#8a8f98" />
              <Bar dataKey="invoiced" fill="#2b6cb0" />
              <Bar dataKey="disbursed" fill="#2f855a" />
            </BarChart>
          </ResponsiveContainer>
        </div>
      ) : (
        <p className="muted">No feeds imported yet.</p>
      )}
      <DataTable
        caption="Per month"
        headers={['Month', 'Expected', 'Invoiced', 'Disbursed']}
        rows={months.map((m) => [m.key, m.expected, m.invoiced, m.disbursed])}
        empty="No month with figures yet."
      />

      <h2>Per partner</h2>
      <DataTable
        caption="Per partner"
        headers={['Partner', 'Expected', 'Invoiced', 'Listing fee', 'Disbursed']}
        rows={partners.map((p) => [p.key, p.expected, p.invoiced, p.listingFee ?? '—', p.disbursed])}
        empty="No partner deal in the feeds yet."
      />

      <h2>Exceptions</h2>
      <DataTable
        caption="Open exceptions"
        headers={['Kind', 'Agreement', 'Detail', 'Opened']}
        rows={exceptions.map((e) => [
          e.kind,
          e.agreementId ?? '—',
          e.detail,
          e.openedAt.slice(0, 16).replace('T', ' '),
        ])}
        empty="Nothing needs a person."
      />

      <h2>Deals</h2>
      <p>
        <a href="/api/finance/v1/finance/deals?format=csv" onClick={(event) => void downloadCsv(event)}>
          Export CSV
        </a>
      </p>
      <DataTable
        caption="Deals"
        headers={[
          'Agreement',
          'Status',
          'Partner',
          'Buyer',
          'Expected',
          'Invoiced',
          'Listing fee',
          'Disbursed',
        ]}
        rows={deals.map((d) => [
          d.opportunityId ? (
            <a href={`#/opportunities/${d.opportunityId}`}>{d.agreementId}</a>
          ) : (
            d.agreementId
          ),
          d.status,
          d.partnerAccountId ?? '—',
          d.buyerAccountId ?? '—',
          d.expected,
          d.invoiced,
          d.listingFee,
          d.disbursed,
        ])}
        empty="No deal in the feeds yet."
      />
    </>
  );
}

/** The CSV through the API (with the key), saved as a file. */
async function downloadCsv(event: { preventDefault(): void }) {
  event.preventDefault();
  const text = await api<string>('finance', '/v1/finance/deals?format=csv', { text: true });
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  link.download = 'cppo-deals.csv';
  link.click();
}

function FeedSettings({
  settings,
  onSaved,
}: {
  settings: Settings | null | undefined;
  onSaved: () => unknown;
}) {
  const [bucket, setBucket] = useState('');
  const [prefix, setPrefix] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    setBucket(settings?.bucket ?? '');
    setPrefix(settings?.prefix ?? '');
  }, [settings]);
  async function save(event: FormEvent) {
    event.preventDefault();
    try {
      await api('finance', '/v1/finance/settings', { method: 'PUT', body: { bucket, prefix } });
      setError('');
      await onSaved();
    } catch (caught) {
      setError((caught as Error).message);
    }
  }
  return (
    <form onSubmit={(event) => void save(event)} aria-label="Seller data feeds">
      <label>
        SDDS bucket{' '}
        <input value={bucket} onChange={(e) => setBucket(e.target.value)} placeholder="acme-sdds" />
      </label>{' '}
      <label>
        Prefix <input value={prefix} onChange={(e) => setPrefix(e.target.value)} placeholder="sdds/" />
      </label>{' '}
      <button type="submit">Save</button>
      {error && <span role="alert"> {error}</span>}
    </form>
  );
}
