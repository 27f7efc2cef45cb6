import { useCallback, useEffect, useState } from 'react';
import type { AwsConnectionJson } from '@cppo/views/types';
import { api } from '../../api';

const LABELS: Record<string, string> = {
  'sts:AssumeRole': 'Role assumed (STS AssumeRole)',
  'catalog:DescribeEntity': 'Catalog reachable (DescribeEntity)',
  'metering:BatchMeterUsage': 'Metering permitted (BatchMeterUsage, no records)',
  'entitlement:GetEntitlements': 'Entitlements readable (GetEntitlements)',
};

/** Settings: "Check my AWS connection" — each check with AWS's own error when it fails. */
export function Settings() {
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
