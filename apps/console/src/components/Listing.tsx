import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import { api, type Page, type Service } from '../api';

/** One page of a list endpoint with filters, and "More" for the next; `reload` after an action. */
export function usePaged<T>(service: Service, path: string, filters: Record<string, string>) {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | undefined>();
  const [error, setError] = useState('');
  // the filters as the query string itself: a stable dependency, built once per render
  const query = new URLSearchParams(Object.entries(filters).filter(([, value]) => value)).toString();
  // the filters of the last request made: an answer to earlier filters that comes later is dropped
  const latest = useRef('');
  const load = useCallback(
    async (after?: string) => {
      const params = new URLSearchParams(query);
      params.set('limit', '50');
      if (after) params.set('cursor', after);
      latest.current = query;
      try {
        const page = await api<Page<T>>(service, `${path}?${params}`);
        if (latest.current !== query) return;
        setItems((current) => (after ? [...current, ...page.items] : page.items));
        setCursor(page.nextCursor ?? undefined);
        setError('');
      } catch (caught) {
        setError((caught as Error).message);
      }
    },
    [service, path, query],
  );
  useEffect(() => {
    void load();
  }, [load]);
  return {
    items,
    error,
    more: cursor ? () => void load(cursor) : undefined,
    reload: () => void load(),
    setError,
  };
}

export function Listing({
  title,
  filters,
  headers,
  rows,
  error,
  more,
  empty,
}: {
  title: string;
  filters?: ReactNode;
  headers: string[];
  rows: ReactNode[][];
  error: string;
  more?: () => void;
  empty: string;
}) {
  return (
    <>
      <h1>{title}</h1>
      {filters && (
        <div className="row" role="search">
          {filters}
        </div>
      )}
      {error && (
        <p role="alert" className="alert">
          {error}
        </p>
      )}
      <DataTable caption={title} hideCaption headers={headers} rows={rows} empty={empty} />
      {more && (
        <p>
          <button type="button" onClick={more}>
            More
          </button>
        </p>
      )}
    </>
  );
}

/** A filter: `options` and, first, "any" (the empty value). */
export function Select({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: string;
  options: string[];
  onChange: (v: string) => void;
}) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">any</option>
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}

/** The status filter every list has. */
export function StatusSelect(props: { value: string; options: string[]; onChange: (v: string) => void }) {
  return <Select label="Status" {...props} />;
}

/** A table named by its caption (visually hidden when a heading already says it), with an empty state. */
export function DataTable({
  caption,
  hideCaption = false,
  headers,
  rows,
  empty,
}: {
  caption: string;
  hideCaption?: boolean;
  headers: string[];
  rows: ReactNode[][];
  empty: string;
}) {
  return (
    <div className="table-wrap">
      <table>
        <caption className={hideCaption ? 'visually-hidden' : 'caption'}>{caption}</caption>
        <thead>
          <tr>
            {headers.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((cells, i) => (
            <tr key={i}>
              {cells.map((cell, j) => (
                <td key={j}>{cell}</td>
              ))}
            </tr>
          ))}
          {!rows.length && (
            <tr>
              <td colSpan={headers.length} className="muted">
                {empty}
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
