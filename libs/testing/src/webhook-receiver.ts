import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/** An answer with headers: Retry-After, Location. */
export interface Answer {
  status: number;
  retryAfter?: string;
  location?: string;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>`; a path after it names what the receiver saw in `received[].path`. */
  url: string;
  received: ReceivedWebhook[];
  /** How the next requests to `path` are answered (status, or never: the connection hangs). */
  answer(path: string, ...answers: (number | 'hang' | Answer)[]): void;
  close(): Promise<void>;
}

/**
 * A local receiver of webhooks for tests and the demo: records every POST (headers, raw body, time) and
 * answers 204 unless told otherwise per path.
 */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const queued = new Map<string, (number | 'hang' | Answer)[]>();
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const path = request.url ?? '/';
      received.push({
        path,
        headers: flat(request.headers),
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      });
      const next = queued.get(path)?.shift() ?? 204;
      if (next === 'hang') return; // never answered
      const { status, retryAfter } =
        typeof next === 'number' ? { status: next, retryAfter: undefined } : next;
      if (retryAfter) response.setHeader('retry-after', retryAfter);
      response.statusCode = status;
      response.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    answer(path, ...answers) {
      queued.set(path, [...(queued.get(path) ?? []), ...answers]);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function flat(headers: IncomingHttpHeaders): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(', ') : String(v ?? '')]),
  );
}
