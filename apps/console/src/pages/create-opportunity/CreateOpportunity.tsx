import { useEffect, useState, type FormEvent } from 'react';
import { opportunityProblems, today, type OpportunityTerms } from '@cppo/contracts/browser';
import { api, ApiError, type Entitlement, type Opportunity } from '../../api';
import { useDirectory } from '../../directory';
import { Check, Document, Errors, Field, Rows, Suggestions } from './fields';

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

/**
 * Every field of POST /v1/opportunities. Before sending, the fields' formats are checked here and AWS's
 * rules by the same functions the API runs (`@cppo/contracts/browser`); the rest is the API's 400.
 */
export function CreateOpportunity({ renew }: { renew?: string } = {}) {
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
  const directory = useDirectory();
  const product = directory.product(productId.trim());
  const [renewing, setRenewing] = useState<Entitlement>();

  // A renewal opportunity (from Renewals): the ending deal's product, partner and buyer, renewal ticked, and
  // the terms of the opportunity it came from, to change as the renewal needs.
  useEffect(() => {
    if (!renew) return;
    let live = true;
    void (async () => {
      try {
        const ending = await api<Entitlement>('entitlement', `/v1/entitlements/${encodeURIComponent(renew)}`);
        if (!live) return;
        setRenewing(ending);
        setName(
          `Renewal: ${ending.buyerAccountId ?? ''} via ${ending.resellerAccountId ?? ''}`.slice(0, 100),
        );
        setProductId(ending.productId ?? '');
        setReseller(ending.resellerAccountId ?? '');
        setBuyers(ending.buyerAccountId ?? '');
        setRenewal(true);
        setChannel('AwsMarketplace');
        if (!ending.opportunityId) return;
        const source = await api<Opportunity>('opportunity', `/v1/opportunities/${ending.opportunityId}`);
        if (!live) return;
        const terms = (source.terms ?? {}) as Partial<OpportunityTerms>;
        if (terms.commitAmount) {
          setCommit(true);
          setAmount(terms.commitAmount.amount);
          setCurrency(terms.commitAmount.currency);
          setDuration(terms.commitAmount.duration);
          setGrants(
            terms.commitAmount.grants.map((g) => ({
              dimensionKey: g.dimensionKey,
              quantity: String(g.quantity),
              unitPrice: g.unitPrice ?? '',
            })),
          );
        }
        if (terms.usageDimensionPrices) setPrices(terms.usageDimensionPrices.map((p) => ({ ...p })));
      } catch (caught) {
        if (live) setErrors([`the ending deal ${renew} could not be read: ${(caught as Error).message}`]);
      }
    })();
    return () => {
      live = false;
    };
  }, [renew]);
  const dimensionLabel = (d: { key: string; name?: string; unit?: string }) =>
    `${d.name ?? d.key}${d.unit ? ` (${d.unit})` : ''}`;

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
    if (commit && !DECIMAL.test(amount)) problems.push('commitAmount.amount must be a decimal like 12000.00');
    for (const [i, p] of prices.entries())
      if (!DECIMAL.test(p.price)) problems.push(`usageDimensionPrices.${i}.price must be a decimal`);
    if (commit)
      for (const [i, g] of grants.entries()) {
        if (g.dimensionKey && !/^[1-9]\d*$/.test(g.quantity))
          problems.push(`commitAmount.grants.${i}.quantity must be a whole number of at least 1`);
        if (g.unitPrice && !DECIMAL.test(g.unitPrice))
          problems.push(`commitAmount.grants.${i}.unitPrice must be a decimal`);
      }
    for (const [i, installment] of installments.entries())
      if (!DECIMAL.test(installment.amount)) problems.push(`installments.${i}.amount must be a decimal`);
    for (const [field, value] of [
      ['eula.url', eula],
      ['resellerContract.url', contract],
    ] as const)
      if (value.type === 'CUSTOM' && !value.url.startsWith('https://'))
        problems.push(`${field} must be an https URL`);
    // AWS's rules on the terms as a whole, once each field is well formed.
    return problems.length ? problems : opportunityProblems(body(), today());
  }

  /** The request; the selects and checks above keep each field within what the API accepts. */
  function body(): OpportunityTerms {
    const buyerIds = splitList(buyers);
    return {
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
      productId: productId.trim(),
      resellerAccountId,
      ...(buyerIds.length ? { buyerAccountIds: buyerIds } : {}),
      ...(renewal ? { renewal: { acquisitionChannel, pricingModel } as OpportunityTerms['renewal'] } : {}),
      ...(commit
        ? {
            commitAmount: {
              amount,
              currency: currency as NonNullable<OpportunityTerms['commitAmount']>['currency'],
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
      eula: legal(eula),
      resellerContract: legal(contract),
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
          <input
            {...props}
            list="cppo-products"
            value={productId}
            onChange={(e) => setProductId(e.target.value)}
            required
          />
        )}
      </Field>
      <Suggestions
        id="cppo-products"
        options={directory.products.map((p) => ({
          value: p.id,
          label: `${p.title ?? p.id}${p.visibility ? ` — ${p.visibility}` : ''}`,
        }))}
      />
      {product && (
        <p className="muted" data-testid="chosen-product">
          {product.title} ({product.productCode}): contract dimensions{' '}
          {product.dimensions
            .filter((d) => d.entitled)
            .map(dimensionLabel)
            .join(', ') || 'none'}
          ; usage dimensions{' '}
          {product.dimensions
            .filter((d) => d.metered)
            .map(dimensionLabel)
            .join(', ') || 'none'}
        </p>
      )}
      <Field label="Reseller (partner) AWS account" errors={messages('resellerAccountId')}>
        {(props) => (
          <input
            {...props}
            inputMode="numeric"
            list="cppo-partners"
            value={resellerAccountId}
            onChange={(e) => setReseller(e.target.value)}
            required
          />
        )}
      </Field>
      <Suggestions
        id="cppo-partners"
        options={directory.partners.map((p) => ({ value: p.awsAccountId, label: p.name }))}
      />
      <Suggestions
        id="cppo-entitled"
        options={(product?.dimensions ?? [])
          .filter((d) => d.entitled)
          .map((d) => ({ value: d.key, label: dimensionLabel(d) }))}
      />
      <Suggestions
        id="cppo-metered"
        options={(product?.dimensions ?? [])
          .filter((d) => d.metered)
          .map((d) => ({ value: d.key, label: dimensionLabel(d) }))}
      />
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
              lists={{ dimensionKey: 'cppo-entitled' }}
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
        lists={{ dimensionKey: 'cppo-metered' }}
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
      {renewing && (
        <p className="muted" data-testid="renewing">
          Renewing agreement {renewing.agreementId} of buyer {renewing.buyerAccountId}, ending{' '}
          {(renewing.endTime ?? '').slice(0, 10)}.
        </p>
      )}
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

/** A legal document as the API takes it: the URL only for a CUSTOM one. */
function legal(document: { type: string; url: string }): NonNullable<OpportunityTerms['eula']> {
  return document.type === 'CUSTOM' ? { type: 'CUSTOM', url: document.url } : { type: 'STANDARD' };
}
