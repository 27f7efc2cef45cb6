import { useState } from 'react';
import { api, type Entitlement } from './api';
import { Listing, Select, usePaged } from './Listing';

type EntitlementRow = Entitlement & { opportunityId?: string; productId?: string };

export function Entitlements() {
  const [status, setStatus] = useState('');
  const [type, setType] = useState('');
  const list = usePaged<EntitlementRow>('entitlement', '/v1/entitlements', { status, type });
  return (
    <Listing
      title="Entitlements"
      filters={
        <>
          <Select
            label="Status"
            value={status}
            onChange={setStatus}
            options={[
              '',
              'PENDING_START',
              'ACTIVE',
              'CANCELLED',
              'EXPIRED',
              'TERMINATED',
              'RENEWED',
              'REPLACED',
              'DEPROVISIONED',
            ]}
          />
          <Select label="Type" value={type} onChange={setType} options={['', 'CPPO', 'DIRECT']} />
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

interface Report {
  id: string;
  entitlementId: string;
  dimension: string;
  hour: string;
  usage: number;
  overage: number;
  wholesaleValue?: string;
  status: string;
  flagged: boolean;
  attempts: number;
  lastError?: string;
  meteringRecordId?: string;
}
const RETRYABLE = new Set(['CONFLICT', 'NOT_SUBSCRIBED', 'EXPIRED_WINDOW', 'FAILED']);

export function MeteringReports() {
  const [status, setStatus] = useState('');
  const [flagged, setFlagged] = useState('');
  const list = usePaged<Report>('metering', '/v1/metering-reports', { status, flagged });
  const retry = async (id: string) => {
    try {
      await api('metering', `/v1/metering-reports/${id}/retry`, { body: {} });
      list.reload();
    } catch (caught) {
      list.setError((caught as Error).message);
    }
  };
  return (
    <Listing
      title="Metering reports"
      filters={
        <>
          <Select
            label="Status"
            value={status}
            onChange={setStatus}
            options={[
              '',
              'PENDING',
              'REPORTED',
              'NO_OVERAGE',
              'CONFLICT',
              'NOT_SUBSCRIBED',
              'EXPIRED_WINDOW',
              'FAILED',
            ]}
          />
          <Select
            label="Needs a person"
            value={flagged}
            onChange={setFlagged}
            options={['', 'true', 'false']}
          />
        </>
      }
      headers={[
        'Hour (UTC)',
        'Entitlement',
        'Dimension',
        'Usage',
        'Overage',
        'Wholesale value',
        'Status',
        'Attempts',
        'AWS record / error',
        '',
      ]}
      rows={list.items.map((r) => [
        r.hour.slice(0, 16).replace('T', ' '),
        r.entitlementId,
        r.dimension,
        String(r.usage),
        String(r.overage),
        r.wholesaleValue ?? '—',
        r.flagged ? `${r.status} (flagged)` : r.status,
        String(r.attempts),
        r.meteringRecordId ?? r.lastError ?? '—',
        RETRYABLE.has(r.status) ? (
          <button type="button" onClick={() => void retry(r.id)} aria-label={`Retry report ${r.id}`}>
            Retry
          </button>
        ) : (
          ''
        ),
      ])}
      error={list.error}
      more={list.more}
      empty="No report matches."
    />
  );
}

interface Quarantined {
  id: string;
  state: string;
  reason?: string;
  detailType?: string;
  account?: string;
  raw: string;
  replayCount: number;
  receivedAt: string;
}

export function Quarantine() {
  const list = usePaged<Quarantined>('offer-ingest', '/v1/ingest/quarantine', {});
  const [outcome, setOutcome] = useState('');
  const replay = async (id: string) => {
    try {
      const after = await api<Quarantined>(
        'offer-ingest',
        `/v1/ingest/quarantine/${encodeURIComponent(id)}/replay`,
        { body: {} },
      );
      setOutcome(
        after.state === 'QUARANTINED'
          ? `Replayed ${id}: still quarantined — ${after.reason ?? ''}`
          : `Replayed ${id}: ${after.state}`,
      );
      list.reload();
    } catch (caught) {
      list.setError((caught as Error).message);
    }
  };
  return (
    <>
      {outcome && (
        <p role="status" className="muted">
          {outcome}
        </p>
      )}
      <Listing
        title="Quarantined notifications"
        headers={['Received', 'Type', 'Account', 'Reason', 'Replays', 'Notification', '']}
        rows={list.items.map((q) => [
          new Date(q.receivedAt).toLocaleString(),
          q.detailType ?? '—',
          q.account ?? '—',
          q.reason ?? '—',
          String(q.replayCount),
          <details>
            <summary>raw</summary>
            <pre style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>{q.raw}</pre>
          </details>,
          <button type="button" onClick={() => void replay(q.id)} aria-label={`Replay ${q.id}`}>
            Replay
          </button>,
        ])}
        error={list.error}
        more={list.more}
        empty="Nothing in quarantine."
      />
    </>
  );
}
