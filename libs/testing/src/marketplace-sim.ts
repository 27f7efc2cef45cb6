import { appendFileSync } from 'node:fs';
import { freePort } from './mongo-server';
import { startTypeScript, waitForHttp } from './child-process';
import { awsModelsDir } from './ensure-infra';

export interface RunningSimulator {
  url: string;
  /** Calls the simulator's scenario API (`/_sim/...`). */
  scenario<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /**
   * Stops it; first, unless `conformance: false`, asks what AWS's service models said of the exchanges and
   * throws when a request the services sent or an answer the simulator gave broke its shape.
   */
  stop(): Promise<void>;
}

/** The simulator's model conformance findings (GET /_sim/conformance). */
export interface ConformanceFindings {
  models: string;
  checked: Record<string, { requests: number; responses: number; errors: number }>;
  shapes: number;
  shapeNames: string[];
  requestViolations: { service: string; operation: string; side: string; path: string; problem: string }[];
  responseViolations: { service: string; operation: string; side: string; path: string; problem: string }[];
}

/** Throws when the findings hold a violation (the requests' only when `requests` is true). */
export function assertConforms(findings: ConformanceFindings, requests: boolean): void {
  const violations = [...(requests ? findings.requestViolations : []), ...findings.responseViolations];
  if (!violations.length) return;
  const lines = violations
    .slice(0, 20)
    .map((v) => `  ${v.side} ${v.service}.${v.operation} ${v.path}: ${v.problem}`);
  throw new Error(
    `AWS's service models (${findings.models}) refuse ${violations.length} exchange(s):\n${lines.join('\n')}`,
  );
}

/** Starts tools/marketplace-sim as its own process, as `npm start` does, checked against AWS's models. */
export async function startMarketplaceSim(
  options: {
    sqsEndpoint?: string;
    sqsQueueUrl?: string;
    changeSetDelayMs?: number;
    conformance?: boolean;
  } = {},
): Promise<RunningSimulator> {
  const port = await freePort();
  const handle = startTypeScript('tools/marketplace-sim/src/main.ts', {
    SIM_PORT: String(port),
    SIM_SQS_ENDPOINT: options.sqsEndpoint ?? '',
    SIM_SQS_QUEUE_URL: options.sqsQueueUrl ?? '',
    SIM_CHANGE_SET_DELAY_MS: String(options.changeSetDelayMs ?? 100),
    SIM_AWS_MODELS: options.conformance === false ? '' : awsModelsDir(),
  });
  let stderr = '';
  handle.child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2000)));
  const url = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${url}/_sim/health`, 30_000, handle.child);
  } catch (error) {
    await handle.stop();
    throw new Error(`marketplace-sim did not start: ${(error as Error).message} ${stderr}`);
  }
  const scenario = scenarioClient(url);
  return {
    url,
    scenario,
    stop: async () => {
      const findings =
        options.conformance === false
          ? undefined
          : await scenario<ConformanceFindings>('GET', '/_sim/conformance').catch(() => undefined);
      await handle.stop();
      if (findings) {
        reportConformance(findings.body);
        assertConforms(findings.body, true);
      }
    },
  };
}

/** Calls a simulator's scenario API (`/_sim/...`) with JSON. */
export function scenarioClient(url: string): RunningSimulator['scenario'] {
  return async <T = any>(method: string, path: string, body?: unknown) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: response.status, body: (await response.json()) as T };
  };
}

/**
 * With CPPO_CONFORMANCE_LOG set, appends what was checked (one JSON line per simulator) to that file: how
 * `npm test`'s coverage of AWS's models is counted.
 */
export function reportConformance(findings: ConformanceFindings): void {
  const file = process.env['CPPO_CONFORMANCE_LOG'];
  if (file)
    appendFileSync(file, `${JSON.stringify({ checked: findings.checked, shapes: findings.shapeNames })}\n`);
}
