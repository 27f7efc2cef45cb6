import http from 'node:http';
import https from 'node:https';
import { retryAfterMs } from './retry-schedule';
import type { TargetGuard } from './target-guard';

/** What one attempt got: the status (no body is kept), how long it took, or why it failed. */
export interface AttemptResult {
  statusCode?: number;
  durationMs: number;
  error?: string;
  /** The receiver's Retry-After, when it sent one. */
  retryAfterMs?: number;
}

/** How much of a receiver's answer is read (then the connection is dropped): nothing of it is kept. */
export const MAX_RESPONSE_BYTES = 4096;

const agents = {
  'http:': new http.Agent({ keepAlive: true, maxSockets: 64 }),
  'https:': new https.Agent({ keepAlive: true, maxSockets: 64 }),
};

/**
 * One POST of a signed body: redirects are not followed (a 3xx is a failure), the answer is read up to
 * MAX_RESPONSE_BYTES, the whole attempt is cut off after `timeoutMs`, and every socket's address passes the
 * SSRF guard as it is opened. Never throws: every failure is an AttemptResult with `error`.
 */
export class WebhookSender {
  private readonly open = new Set<http.ClientRequest>();

  constructor(
    private readonly guard: TargetGuard,
    private readonly timeoutMs: number,
  ) {}

  /** Drops every request in flight (shutdown: their messages stay leased, and are retried after). */
  abortAll(): void {
    for (const request of this.open) request.destroy(new Error('aborted: the service is stopping'));
  }

  send(target: string, headers: Record<string, string>, body: string): Promise<AttemptResult> {
    const started = performance.now();
    const elapsed = () => Math.round(performance.now() - started);
    const refused = this.guard.refusal(target);
    if (refused) return Promise.resolve({ durationMs: 0, error: refused });
    const url = new URL(target);
    const transport = url.protocol === 'https:' ? https : http;
    return new Promise<AttemptResult>((resolve) => {
      let settled = false;
      const finish = (result: Omit<AttemptResult, 'durationMs'>) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ ...result, durationMs: elapsed() });
      };
      const request = transport.request(url, {
        method: 'POST',
        agent: agents[url.protocol as 'http:' | 'https:'],
        lookup: this.guard.lookupFor(url),
        headers: { ...headers, 'content-length': Buffer.byteLength(body).toString() },
      });
      this.open.add(request);
      request.on('close', () => this.open.delete(request));
      const timer = setTimeout(() => {
        finish({ error: `no answer within ${this.timeoutMs} ms` });
        request.destroy();
      }, this.timeoutMs);
      request.on('error', (error) => finish({ error: `${error.name}: ${error.message}` }));
      request.on('response', (response) => {
        const statusCode = response.statusCode ?? 0;
        const retryAfter = retryAfterMs(response.headers['retry-after']);
        let read = 0;
        response.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) response.destroy(); // enough: nothing of it is kept
        });
        const done = () =>
          finish({ statusCode, ...(retryAfter !== undefined ? { retryAfterMs: retryAfter } : {}) });
        response.on('end', done);
        response.on('close', done);
        response.on('error', done);
      });
      request.end(body);
    });
  }
}
