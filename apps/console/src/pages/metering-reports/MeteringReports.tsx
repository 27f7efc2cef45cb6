import { MeteringReportStatus } from '@cppo/contracts/browser';
import { useState } from 'react';
import { api } from '../../api';
import { Listing, Select, StatusSelect, usePaged } from '../../components/Listing';

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
          <StatusSelect value={status} onChange={setStatus} options={Object.values(MeteringReportStatus)} />
          <Select label="Needs a person" value={flagged} onChange={setFlagged} options={['true', 'false']} />
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
