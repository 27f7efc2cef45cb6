import { useId, type ReactNode } from 'react';

// The create form's controls: labelled fields with their errors, checkboxes, legal documents, editable rows.

export function Errors({ messages, id }: { messages: string[]; id?: string }) {
  if (!messages.length) return null;
  return (
    <ul id={id} className="error">
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

/** A labelled control with its errors, announced through aria-describedby. */
export function Field({
  label,
  errors,
  children,
}: {
  label: string;
  errors: string[];
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const id = useId();
  const errorId = `${id}-errors`;
  return (
    <div>
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': errors.length > 0,
        'aria-describedby': errors.length ? errorId : undefined,
      })}
      <Errors id={errorId} messages={errors} />
    </div>
  );
}

export function Check({
  label,
  checked,
  onChange,
}: {
  label: string;
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  return (
    <label style={{ display: 'flex', gap: '0.5rem', alignItems: 'center' }}>
      <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      {label}
    </label>
  );
}

export function Document({
  legend,
  value,
  onChange,
  errors,
}: {
  legend: string;
  value: { type: string; url: string };
  onChange: (v: { type: string; url: string }) => void;
  errors: string[];
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      <div className="row">
        <label>
          Type
          <select value={value.type} onChange={(e) => onChange({ ...value, type: e.target.value })}>
            <option value="STANDARD">Standard (AWS)</option>
            <option value="CUSTOM">Custom</option>
          </select>
        </label>
        {value.type === 'CUSTOM' && (
          <label>
            Document URL (https)
            <input
              type="url"
              value={value.url}
              onChange={(e) => onChange({ ...value, url: e.target.value })}
            />
          </label>
        )}
      </div>
      <Errors messages={errors} />
    </fieldset>
  );
}

/** Editable rows of text cells, with add and remove. */
export function Rows<T extends Record<string, string>>({
  legend,
  rows,
  setRows,
  empty,
  columns,
  lists = {},
}: {
  legend: string;
  rows: T[];
  setRows: (rows: T[]) => void;
  empty: T;
  columns: [keyof T & string, string][];
  /** A column's suggestions: the id of a datalist (the dimensions of the chosen product, by name). */
  lists?: Partial<Record<keyof T & string, string>>;
}) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {rows.map((row, i) => (
        <div className="row" key={i}>
          {columns.map(([key, label]) => (
            <label key={key}>
              {`${label} ${i + 1}`}
              <input
                type={key === 'chargeDate' ? 'date' : 'text'}
                list={lists[key]}
                value={row[key]}
                onChange={(e) => setRows(rows.map((r, j) => (j === i ? { ...r, [key]: e.target.value } : r)))}
              />
            </label>
          ))}
          <button type="button" onClick={() => setRows(rows.filter((_, j) => j !== i))}>
            Remove {i + 1}
          </button>
        </div>
      ))}
      <div>
        <button type="button" onClick={() => setRows([...rows, { ...empty }])}>
          Add
        </button>
      </div>
    </fieldset>
  );
}

/** Suggestions for a text field: each option's value is what is sent, its label what a person reads. */
export function Suggestions({ id, options }: { id: string; options: { value: string; label: string }[] }) {
  return (
    <datalist id={id}>
      {options.map((o) => (
        <option key={o.value} value={o.value} label={o.label} />
      ))}
    </datalist>
  );
}
