import { useCallback, useEffect, useState, type FormEvent } from 'react';
import type { AwsConnectionJson, RegistrationSettingsJson } from '@cppo/views/types';
import { api } from '../../api';

const LABELS: Record<string, string> = {
  'sts:AssumeRole': 'Role assumed (STS AssumeRole)',
  'catalog:DescribeEntity': 'Catalog reachable (DescribeEntity)',
  'metering:BatchMeterUsage': 'Metering permitted (BatchMeterUsage, no records)',
  'entitlement:GetEntitlements': 'Entitlements readable (GetEntitlements)',
};

/** Settings: the signup URL of AWS's registration POST, and "Check my AWS connection". */
export function Settings() {
  return (
    <>
      <SignupUrl />
      <AwsConnection />
    </>
  );
}

/** Where the hub sends a buyer after AWS's registration POST (with a token the ISV's page redeems). */
function SignupUrl() {
  const [settings, setSettings] = useState<RegistrationSettingsJson>();
  const [url, setUrl] = useState('');
  const [message, setMessage] = useState('');
  useEffect(() => {
    api<RegistrationSettingsJson>('entitlement', '/v1/registrations/settings')
      .then((found) => {
        setSettings(found);
        setUrl((typed) => typed || (found.signupUrl ?? '')); // what the user typed meanwhile stays
      })
      .catch((caught: Error) => setMessage(caught.message));
  }, []);
  const save = async (event: FormEvent) => {
    event.preventDefault();
    try {
      const saved = await api<RegistrationSettingsJson>('entitlement', '/v1/registrations/settings', {
        method: 'PUT',
        body: { signupUrl: url },
      });
      setSettings(saved);
      setMessage('Saved.');
    } catch (caught) {
      setMessage((caught as Error).message);
    }
  };
  return (
    <section aria-labelledby="signup-url">
      <h1 id="signup-url">Buyer registration</h1>
      <p className="muted">
        Give AWS the entitlement service&apos;s public address followed by{' '}
        <code>{settings?.landingPath ?? '/v1/registrations/landing/<org id>'}</code> as the product&apos;s
        fulfillment URL. Buyers are sent on to your signup page with <code>?cppo_registration=</code>, which
        your page redeems (<code>POST /v1/registrations/redeem</code>).
      </p>
      <form onSubmit={(e) => void save(e)} className="row" aria-label="Signup URL">
        <label>
          Signup URL{' '}
          <input
            type="url"
            required
            value={url}
            onChange={(e) => setUrl(e.target.value)}
            placeholder="https://"
          />
        </label>
        <button type="submit">Save</button>
      </form>
      {message && <p role="status">{message}</p>}
    </section>
  );
}

/** "Check my AWS connection" — each check with AWS's own error when it fails. */
function AwsConnection() {
  const [report, setReport] = useState<AwsConnectionJson>();
  const [error, setError] = useState('');
  const [checking, setChecking] = useState(false);
  const check = useCallback(async () => {
    setChecking(true);
    setError('');
    try {
      setReport(await api<AwsConnectionJson>('opportunity', '/v1/aws/connection'));
    } catch (caught) {
      setError((caught as Error).message);
    } finally {
      setChecking(false);
    }
  }, []);
  useEffect(() => void check(), [check]);
  return (
    <section aria-labelledby="aws-connection">
      <h1 id="aws-connection">AWS connection</h1>
      <button type="button" onClick={() => void check()} disabled={checking}>
        {checking ? 'Checking…' : 'Check again'}
      </button>
      {error && <p role="alert">{error}</p>}
      {report && (
        <>
          <p role="status">
            {report.ok ? 'The hub can act for this org in AWS.' : 'AWS refuses something: see below.'}{' '}
            <span className="muted">
              Accounts {report.accounts.join(', ') || '—'}
              {report.roleArn ? ` through ${report.roleArn}` : " on the deployment's credentials"}; checked{' '}
              {new Date(report.checkedAt).toLocaleString()}.
            </span>
          </p>
          <table>
            <thead>
              <tr>
                <th>Check</th>
                <th>Result</th>
                <th>Details</th>
              </tr>
            </thead>
            <tbody>
              {report.checks.map((c) => (
                <tr key={c.operation}>
                  <td>{LABELS[c.operation] ?? c.operation}</td>
                  <td>{c.status}</td>
                  <td>{c.error ? `${c.error}: ${c.message ?? ''}` : (c.detail ?? '')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}
