import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

export const ROOT = join(__dirname, '../../../..');
export const CHART = join(ROOT, 'deploy/helm/cppo-hub');
/** The Kubernetes version the chart is rendered for and validated against (its floor is 1.25). */
export const KUBERNETES = '1.30.0';

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

export function run(command: string, args: string[]): Run {
  const result = spawnSync(command, args, { cwd: ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

export type Manifest = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: any;
};

/** `helm template` of the chart with these arguments (values files, --set, --api-versions). */
export function render(helm: string, args: string[] = []): { run: Run; manifests: Manifest[] } {
  const result = run(helm, ['template', 'cppo-hub', CHART, '--kube-version', KUBERNETES, ...args]);
  const manifests = parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as Manifest | null)
    .filter((doc): doc is Manifest => !!doc);
  return { run: result, manifests };
}
