import { MeteringReportStatus, RETRYABLE_METERING_REPORT_STATUSES } from '@cppo/contracts/browser';
import type { MeteringReportJson } from '@cppo/views/types';
import { useState } from 'react';
import { api } from '../../api';
import { Listing, Select, StatusSelect, usePaged } from '../../components/Listing';

const RETRYABLE = new Set<string>(RETRYABLE_METERING_REPORT_STATUSES);

export function MeteringReports() {
  const [status, setStatus] = useState('');
  const [flagged, setFlagged] = useState('');
  const list = usePaged<MeteringReportJson>('metering', '/v1/metering-reports', { status, flagged });
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
        'Actions',
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
