import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { WEBHOOK_EVENT_TYPES } from '@cppo/contracts/browser';
import type { WebhookEndpointJson, WebhookMessageJson } from '@cppo/views/types';
import { api } from '../../api';
import { Listing, usePaged } from '../../components/Listing';

/** The groups an endpoint can take whole (`entitlement.*`), then every single type. */
const GROUPS = [...new Set(WEBHOOK_EVENT_TYPES.map((t) => `${t.split('.')[0]}.*`))];

/**
 * Webhooks: the org's endpoints — create (the secret shown once), pick event types, enable or disable, rotate
 * the secret, send a test — and each endpoint's messages with their attempts, replayable.
 */
export function Webhooks() {
  const [endpoints, setEndpoints] = useState<WebhookEndpointJson[]>([]);
  const [error, setError] = useState('');
  const [secret, setSecret] = useState<{ endpoint: string; secret: string }>();
  const [open, setOpen] = useState<string>();
  const load = useCallback(async () => {
    try {
      setEndpoints((await api<{ items: WebhookEndpointJson[] }>('webhooks', '/v1/webhooks/endpoints')).items);
      setError('');
    } catch (caught) {
      setError((caught as Error).message);
    }
  }, []);
  useEffect(() => void load(), [load]);
  const act = async (work: () => Promise<unknown>) => {
    try {
      await work();
      await load();
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  const path = (id: string, rest = '') => `/v1/webhooks/endpoints/${encodeURIComponent(id)}${rest}`;
  return (
    <>
      <h1>Webhooks</h1>
      <p className="muted">
        Signed with Standard Webhooks: verify each delivery with the endpoint&apos;s secret (
        <code>new Webhook(secret).verify(body, headers)</code>); deduplicate on <code>webhook-id</code>.
      </p>
      <CreateEndpoint
        onCreated={(created) => {
          setSecret({ endpoint: created.url, secret: created.secret });
          void load();
        }}
      />
      {secret && (
        <p role="status">
          Secret for {secret.endpoint} — shown this once, keep it now: <code>{secret.secret}</code>{' '}
          <button type="button" onClick={() => setSecret(undefined)}>
            Done
          </button>
        </p>
      )}
      {error && <p role="alert">{error}</p>}
      <table>
        <thead>
          <tr>
            <th>URL</th>
            <th>Event types</th>
            <th>State</th>
            <th>Actions</th>
          </tr>
        </thead>
        <tbody>
          {endpoints.map((e) => (
            <tr key={e.id}>
              <td>
                {e.url}
                {e.description && <div className="muted">{e.description}</div>}
              </td>
              <td>{e.eventTypes.join(', ')}</td>
              <td>
                {e.enabled ? 'enabled' : `disabled${e.disabledReason ? `: ${e.disabledReason}` : ''}`}
                {e.failingSince && (
                  <div className="muted">failing since {new Date(e.failingSince).toLocaleString()}</div>
                )}
              </td>
              <td>
                <div className="row">
                  <button
                    type="button"
                    onClick={() =>
                      void act(() =>
                        api('webhooks', path(e.id), { method: 'PATCH', body: { enabled: !e.enabled } }),
                      )
                    }
                  >
                    {e.enabled ? 'Disable' : 'Enable'}
                  </button>
                  <button
                    type="button"
                    disabled={!e.enabled}
                    onClick={() => void act(() => api('webhooks', path(e.id, '/test'), { body: {} }))}
                  >
                    Send test
                  </button>
                  <button
                    type="button"
                    onClick={() =>
                      void act(async () => {
                        const rotated = await api<{ secret: string }>(
                          'webhooks',
                          path(e.id, '/rotate-secret'),
                          {
                            body: {},
                          },
                        );
                        setSecret({ endpoint: e.url, secret: rotated.secret });
                      })
                    }
                  >
                    Rotate secret
                  </button>
                  <button type="button" onClick={() => setOpen(open === e.id ? undefined : e.id)}>
                    {open === e.id ? 'Hide messages' : 'Messages'}
                  </button>
                  <button
                    type="button"
                    aria-label={`Delete ${e.url}`}
                    onClick={() =>
                      window.confirm(`Delete the endpoint ${e.url}?`) &&
                      void act(() => api('webhooks', path(e.id), { method: 'DELETE' }))
                    }
                  >
                    Delete
                  </button>
                </div>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {!endpoints.length && !error && <p className="muted">No endpoints yet.</p>}
      {open && <Messages endpointId={open} />}
    </>
  );
}

function CreateEndpoint({
  onCreated,
}: {
  onCreated: (created: WebhookEndpointJson & { secret: string }) => void;
}) {
  const [url, setUrl] = useState('');
  const [description, setDescription] = useState('');
  const [types, setTypes] = useState<string[]>([]);
  const [error, setError] = useState('');
  const toggle = (type: string) =>
    setTypes((current) => (current.includes(type) ? current.filter((t) => t !== type) : [...current, type]));
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const created = await api<WebhookEndpointJson & { secret: string }>(
        'webhooks',
        '/v1/webhooks/endpoints',
        {
          body: {
            url,
            ...(types.length ? { eventTypes: types } : {}),
            ...(description ? { description } : {}),
          },
        },
      );
      setUrl('');
      setDescription('');
      setTypes([]);
      setError('');
      onCreated(created);
    } catch (caught) {
      setError((caught as Error).message);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="New endpoint">
      <div className="row">
        <label>
          URL{' '}
          <input
            type="url"
            required
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://"
          />
        </label>
        <label>
          Description <input value={description} onChange={(e) => setDescription(e.target.value)} />
        </label>
      </div>
      <fieldset>
        <legend>Event types (none ticked: all)</legend>
        {[...GROUPS, ...WEBHOOK_EVENT_TYPES].map((type) => (
          <label key={type} className="check">
            <input type="checkbox" checked={types.includes(type)} onChange={() => toggle(type)} /> {type}
          </label>
        ))}
      </fieldset>
      <button type="submit">Add endpoint</button>
      {error && <p role="alert">{error}</p>}
    </form>
  );
}

function Messages({ endpointId }: { endpointId: string }) {
  const [status, setStatus] = useState('');
  const base = `/v1/webhooks/endpoints/${encodeURIComponent(endpointId)}`;
  const list = usePaged<WebhookMessageJson>('webhooks', `${base}/messages`, { status });
  const replay = async (id: string) => {
    try {
      await api('webhooks', `${base}/messages/${encodeURIComponent(id)}/replay`, { body: {} });
      list.reload();
    } catch (caught) {
      list.setError((caught as Error).message);
    }
  };
  return (
    <Listing
      title="Messages"
      filters={
        <label>
          Status{' '}
          <select value={status} onChange={(e) => setStatus(e.target.value)}>
            <option value="">any</option>
            {['PENDING', 'DELIVERED', 'FAILING', 'GAVE_UP'].map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </label>
      }
      headers={['Created', 'Type', 'Status', 'Attempts', 'Next attempt', 'webhook-id', 'Actions']}
      rows={list.items.map((m) => [
        new Date(m.createdAt).toLocaleString(),
        m.type,
        m.status,
        <ol>
          {m.attempts.map((a, i) => (
            <li key={i}>
              {new Date(a.at).toLocaleTimeString()} — {a.statusCode ?? a.error ?? '—'} ({a.durationMs} ms)
            </li>
          ))}
        </ol>,
        m.nextAttemptAt ? new Date(m.nextAttemptAt).toLocaleString() : '—',
        <code>{m.id}</code>,
        <button type="button" onClick={() => void replay(m.id)} aria-label={`Replay ${m.id}`}>
          Replay
        </button>,
      ])}
      error={list.error}
      more={list.more}
      empty="Nothing sent to this endpoint yet."
    />
  );
}
