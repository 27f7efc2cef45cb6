import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { WebhookRepository, type WebhookEndpoint } from '@cppo/persistence';
import { WebhooksEnv } from '../config/webhooks.env';
import { SecretBox } from '../endpoints/secret-box';

/** How long an endpoint read stays in use: a change made on another replica is seen this late at most. */
const FRESH_MS = 1000;

/**
 * Endpoints as the fan-out and the deliverer read them, for a second (a burst of events reads an org's
 * endpoints once); changes made here are seen at once. Also opens their secrets (cached per sealed value).
 */
@Injectable()
export class EndpointDirectory {
  private readonly byOrg = new LRUCache<string, WebhookEndpoint[]>({ max: 10_000, ttl: FRESH_MS });
  private readonly byId = new LRUCache<string, WebhookEndpoint>({ max: 10_000, ttl: FRESH_MS });
  private readonly opened = new LRUCache<string, string>({ max: 10_000 });
  /** Reads in flight: a burst of events that all miss the cache shares one read (no thundering herd). */
  private readonly loading = new Map<string, Promise<unknown>>();
  readonly box: SecretBox;

  constructor(
    private readonly repository: WebhookRepository,
    env: WebhooksEnv,
  ) {
    this.box = new SecretBox(env.WEBHOOK_SECRET_KEY);
  }

  async forOrg(orgId: string): Promise<WebhookEndpoint[]> {
    const known = this.byOrg.get(orgId);
    if (known) return known;
    return this.once(`org:${orgId}`, async () => {
      const endpoints = await this.repository.listEndpoints(orgId);
      this.byOrg.set(orgId, endpoints);
      for (const endpoint of endpoints) this.byId.set(endpoint._id, endpoint);
      return endpoints;
    });
  }

  async byIdOf(id: string): Promise<WebhookEndpoint | null> {
    const known = this.byId.get(id);
    if (known) return known;
    return this.once(`id:${id}`, async () => {
      const endpoint = await this.repository.endpointById(id);
      if (endpoint) this.byId.set(id, endpoint);
      return endpoint;
    });
  }

  private once<T>(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.loading.get(key) as Promise<T> | undefined;
    if (running) return running;
    const started = load().finally(() => this.loading.delete(key));
    this.loading.set(key, started);
    return started;
  }

  /** Forget what is known of an org's endpoints (after a change here). */
  changed(orgId: string, endpointId?: string): void {
    this.byOrg.delete(orgId);
    this.loading.delete(`org:${orgId}`); // a read begun before the change must not be shared after it
    if (endpointId) {
      this.byId.delete(endpointId);
      this.loading.delete(`id:${endpointId}`);
    }
  }

  /** The secrets that sign a delivery now: every one not rotated out yet. */
  liveSecrets(endpoint: WebhookEndpoint, now = new Date()): string[] {
    return endpoint.secrets
      .filter((s) => !s.expiresAt || new Date(s.expiresAt) > now)
      .map((s) => {
        const key = `${endpoint._id}:${s.encrypted}`;
        let plain = this.opened.get(key);
        if (plain === undefined) {
          plain = this.box.open(s.encrypted, endpoint._id);
          this.opened.set(key, plain);
        }
        return plain;
      });
  }
}
