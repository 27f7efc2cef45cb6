import { freePort } from './mongo-server';
import { startTypeScript, waitForHttp } from './child-process';

export interface RunningSimulator {
  url: string;
  /** Calls the simulator's scenario API (`/_sim/...`). */
  scenario<T = any>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  stop(): Promise<void>;
}

/** Starts tools/marketplace-sim as its own process, as `npm start` does. */
export async function startMarketplaceSim(
  options: { sqsEndpoint?: string; sqsQueueUrl?: string; changeSetDelayMs?: number } = {},
): Promise<RunningSimulator> {
  const port = await freePort();
  const handle = startTypeScript('tools/marketplace-sim/src/main.ts', {
    SIM_PORT: String(port),
    SIM_SQS_ENDPOINT: options.sqsEndpoint ?? '',
    SIM_SQS_QUEUE_URL: options.sqsQueueUrl ?? '',
    SIM_CHANGE_SET_DELAY_MS: String(options.changeSetDelayMs ?? 100),
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
  return {
    url,
    scenario: scenarioClient(url),
    stop: () => handle.stop(),
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
