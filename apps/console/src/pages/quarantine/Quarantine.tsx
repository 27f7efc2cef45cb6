import { useState } from 'react';
import type { QuarantinedJson } from '@cppo/views/types';
import { api } from '../../api';
import { Listing, usePaged } from '../../components/Listing';

export function Quarantine() {
  const list = usePaged<QuarantinedJson>('offer-ingest', '/v1/ingest/quarantine', {});
  const [outcome, setOutcome] = useState('');
  const replay = async (id: string) => {
    try {
      const after = await api<QuarantinedJson>(
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
        headers={['Received', 'Type', 'Account', 'Reason', 'Replays', 'Notification', 'Actions']}
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
