import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, type Opportunity } from './api';

interface Grant {
  dimensionKey: string;
  quantity: string;
  unitPrice: string;
}
interface Price {
  dimensionKey: string;
  price: string;
}
interface Installment {
  chargeDate: string;
  amount: string;
}

const ACCOUNT = /^\d{12}$/;
/** The currencies the API accepts for a commit (AWS Marketplace's). */
const CURRENCIES = ['USD', 'AUD', 'EUR', 'GBP', 'JPY'];
const DECIMAL = /^\d+(\.\d+)?$/;

/** Every field of POST /v1/opportunities; what can be checked here is, the rest is the API's 400. */
export function CreateOpportunity() {
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [productId, setProductId] = useState('');
  const [resellerAccountId, setReseller] = useState('');
  const [buyers, setBuyers] = useState('');
  const [renewal, setRenewal] = useState(false);
  const [acquisitionChannel, setChannel] = useState('AwsMarketplace');
  const [pricingModel, setPricingModel] = useState('Contract');
  const [commit, setCommit] = useState(false);
  const [amount, setAmount] = useState('');
  const [currency, setCurrency] = useState('USD');
  const [duration, setDuration] = useState('P12M');
  const [grants, setGrants] = useState<Grant[]>([{ dimensionKey: '', quantity: '', unitPrice: '' }]);
  const [prices, setPrices] = useState<Price[]>([]);
  const [expiryDate, setExpiry] = useState('');
  const [singleUse, setSingleUse] = useState(false);
  const [eula, setEula] = useState({ type: 'STANDARD', url: '' });
  const [contract, setContract] = useState({ type: 'STANDARD', url: '' });
  const [installments, setInstallments] = useState<Installment[]>([]);
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);

  /** Messages about `path` (class-validator's start with the property path). */
  const about = (path: string) => errors.filter((m) => m.split(' ')[0].startsWith(path));
  const shown = new Set<string>();
  const messages = (path: string) => {
    const found = about(path);
    found.forEach((m) => shown.add(m));
    return found;
  };

  function localProblems(): string[] {
    const problems: string[] = [];
    if (!name.trim()) problems.push('name is required');
    if (!productId.trim()) problems.push('productId is required');
    if (!ACCOUNT.test(resellerAccountId))
      problems.push('resellerAccountId must be a 12-digit AWS account id');
    for (const buyer of splitList(buyers))
      if (!ACCOUNT.test(buyer)) problems.push(`buyerAccountIds ${buyer} is not a 12-digit AWS account id`);
    if (renewal && !splitList(buyers).length)
      problems.push('buyerAccountIds: a renewal needs at least one buyer');
    if (commit && !DECIMAL.test(amount)) problems.push('commitAmount.amount must be a decimal like 12000.00');
    for (const [i, p] of prices.entries())
      if (!DECIMAL.test(p.price)) problems.push(`usageDimensionPrices.${i}.price must be a decimal`);
    for (const [field, value] of [
      ['eula.url', eula],
      ['resellerContract.url', contract],
    ] as const)
      if (value.type === 'CUSTOM' && !value.url.startsWith('https://'))
        problems.push(`${field} must be an https URL`);
    return problems;
  }

  function body(): Record<string, unknown> {
    const buyerIds = splitList(buyers);
    return {
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      productId: productId.trim(),
      resellerAccountId,
      ...(buyerIds.length ? { buyerAccountIds: buyerIds } : {}),
      ...(renewal ? { renewal: { acquisitionChannel, pricingModel } } : {}),
      ...(commit
        ? {
            commitAmount: {
              amount,
              currency,
              duration,
              grants: grants
                .filter((g) => g.dimensionKey)
                .map((g) => ({
                  dimensionKey: g.dimensionKey,
                  quantity: Number(g.quantity),
                  ...(g.unitPrice ? { unitPrice: g.unitPrice } : {}),
                })),
            },
          }
        : {}),
      ...(prices.length ? { usageDimensionPrices: prices } : {}),
      ...(expiryDate ? { expiryDate } : {}),
      ...(singleUse ? { singleUse } : {}),
      eula: eula.type === 'CUSTOM' ? eula : { type: eula.type },
      resellerContract: contract.type === 'CUSTOM' ? contract : { type: contract.type },
      ...(installments.length ? { installments } : {}),
    };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problems = localProblems();
    setErrors(problems);
    if (problems.length) return;
    setBusy(true);
    try {
      const created = await api<Opportunity>('opportunity', '/v1/opportunities', { body: body() });
      window.location.hash = `#/opportunities/${created.id}`;
    } catch (caught) {
      setErrors(
        caught instanceof ApiError && caught.messages.length ? caught.messages : [(caught as Error).message],
      );
    } finally {
      setBusy(false);
    }
  }

  const form = (
    <>
      <Field label="Name" errors={messages('name')}>
        {(props) => <input {...props} value={name} onChange={(e) => setName(e.target.value)} required />}
      </Field>
      <Field label="Description" errors={messages('description')}>
        {(props) => (
          <textarea {...props} value={description} onChange={(e) => setDescription(e.target.value)} />
        )}
      </Field>
      <Field label="Product id (AWS Marketplace)" errors={messages('productId').concat(messages('product'))}>
        {(props) => (
          <input {...props} value={productId} onChange={(e) => setProductId(e.target.value)} required />
        )}
      </Field>
      <Field label="Reseller (partner) AWS account" errors={messages('resellerAccountId')}>
        {(props) => (
          <input
            {...props}
            inputMode="numeric"
            value={resellerAccountId}
            onChange={(e) => setReseller(e.target.value)}
            required
          />
        )}
      </Field>
      <Field
        label="Buyer AWS accounts (comma-separated; empty: any buyer)"
        errors={messages('buyerAccountIds')}
      >
        {(props) => <input {...props} value={buyers} onChange={(e) => setBuyers(e.target.value)} />}
      </Field>
      <fieldset>
        <legend>Renewal</legend>
        <Check label="This offer renews an existing agreement" checked={renewal} onChange={setRenewal} />
        {renewal && (
          <div className="row">
            <label>
              Acquired through
              <select value={acquisitionChannel} onChange={(e) => setChannel(e.target.value)}>
                <option value="AwsMarketplace">AWS Marketplace</option>
                <option value="External">Outside AWS Marketplace</option>
              </select>
            </label>
            <label>
              Pricing model
              <select value={pricingModel} onChange={(e) => setPricingModel(e.target.value)}>
                <option>Contract</option>
                <option>Usage</option>
                <option>Byol</option>
                <option>Free</option>
              </select>
            </label>
          </div>
        )}
        <Errors messages={messages('renewal')} />
      </fieldset>
      <fieldset>
        <legend>Commit amount (wholesale)</legend>
        <Check label="Upfront commitment" checked={commit} onChange={setCommit} />
        {commit && (
          <>
            <div className="row">
              <Field label="Currency" errors={messages('commitAmount.currency')}>
                {(props) => (
                  <select {...props} value={currency} onChange={(e) => setCurrency(e.target.value)}>
                    {CURRENCIES.map((c) => (
                      <option key={c}>{c}</option>
                    ))}
                  </select>
                )}
              </Field>
              <Field label="Amount" errors={messages('commitAmount.amount')}>
                {(props) => (
                  <input
                    {...props}
                    inputMode="decimal"
                    value={amount}
                    onChange={(e) => setAmount(e.target.value)}
                  />
                )}
              </Field>
              <Field label="Duration" errors={messages('commitAmount.duration')}>
                {(props) => (
                  <select {...props} value={duration} onChange={(e) => setDuration(e.target.value)}>
                    <option value="P1M">1 month</option>
                    <option value="P12M">12 months</option>
                    <option value="P24M">24 months</option>
                    <option value="P36M">36 months</option>
                  </select>
                )}
              </Field>
            </div>
            <Rows
              legend="Grants (entitled dimensions)"
              rows={grants}
              setRows={setGrants}
              empty={{ dimensionKey: '', quantity: '', unitPrice: '' }}
              columns={[
                ['dimensionKey', 'Dimension'],
                ['quantity', 'Quantity'],
                ['unitPrice', 'Unit price (optional)'],
              ]}
            />
            <Errors messages={messages('commitAmount')} />
          </>
        )}
      </fieldset>
      <Rows
        legend="Usage prices per metered dimension (wholesale)"
        rows={prices}
        setRows={setPrices}
        empty={{ dimensionKey: '', price: '' }}
        columns={[
          ['dimensionKey', 'Dimension'],
          ['price', 'Price per unit'],
        ]}
      />
      <Errors messages={messages('usageDimensionPrices')} />
      <div className="row">
        <Field label="Expiry date" errors={messages('expiryDate')}>
          {(props) => (
            <input {...props} type="date" value={expiryDate} onChange={(e) => setExpiry(e.target.value)} />
          )}
        </Field>
        <Check label="Single use (one offer from it)" checked={singleUse} onChange={setSingleUse} />
      </div>
      <Document legend="EULA" value={eula} onChange={setEula} errors={messages('eula')} />
      <Document
        legend="Reseller contract"
        value={contract}
        onChange={setContract}
        errors={messages('resellerContract')}
      />
      <Rows
        legend="Installments (flexible payment schedule)"
        rows={installments}
        setRows={setInstallments}
        empty={{ chargeDate: '', amount: '' }}
        columns={[
          ['chargeDate', 'Charge date'],
          ['amount', 'Amount'],
        ]}
      />
      <Errors messages={messages('installments')} />
    </>
  );
  const rest = errors.filter((m) => !shown.has(m));
  return (
    <>
      <h1>Create a resell opportunity (CPPO)</h1>
      <form onSubmit={submit} noValidate>
        {form}
        {rest.length > 0 && (
          <div role="alert" className="alert">
            <Errors messages={rest} />
          </div>
        )}
        <div>
          <button type="submit" disabled={busy}>
            Create and submit to AWS
          </button>
        </div>
      </form>
    </>
  );
}

function splitList(value: string): string[] {
  return value
    .split(/[\s,]+/)
    .map((v) => v.trim())
    .filter(Boolean);
}

function Errors({ messages, id }: { messages: string[]; id?: string }) {
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
function Field({
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

function Check({
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

function Document({
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
function Rows<T extends Record<string, string>>({
  legend,
  rows,
  setRows,
  empty,
  columns,
}: {
  legend: string;
  rows: T[];
  setRows: (rows: T[]) => void;
  empty: T;
  columns: [keyof T & string, string][];
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
