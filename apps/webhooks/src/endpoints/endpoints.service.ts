import { BadRequestException, ConflictException, Injectable, NotFoundException } from '@nestjs/common';
import {
  newId,
  WebhookRepository,
  type WebhookEndpoint,
  type WebhookMessage,
  type Page,
  type PageRequest,
  type WebhookMessageStatus,
} from '@cppo/persistence';
import { WebhooksEnv } from '../config/webhooks.env';
import { DeliveryService } from '../delivery/delivery.service';
import { EndpointDirectory } from '../delivery/endpoint-directory';
import { FanoutService } from '../delivery/fanout.service';
import { parseDuration } from '../delivery/retry-schedule';
import { SecretBox } from './secret-box';
import type { CreateEndpointDto, UpdateEndpointDto } from './dto/endpoint.dto';

/** Endpoints an org may have. */
export const MAX_ENDPOINTS_PER_ORG = 50;

/** An org's webhook endpoints: saved behind the SSRF guard, secrets sealed, changes seen by delivery at once. */
@Injectable()
export class EndpointsService {
  private readonly overlapMs: number;

  constructor(
    private readonly repository: WebhookRepository,
    private readonly directory: EndpointDirectory,
    private readonly delivery: DeliveryService,
    private readonly fanout: FanoutService,
    env: WebhooksEnv,
  ) {
    this.overlapMs = parseDuration(env.WEBHOOK_SECRET_OVERLAP) ?? 86_400_000;
  }

  async create(
    orgId: string,
    dto: CreateEndpointDto,
  ): Promise<{ endpoint: WebhookEndpoint; secret: string }> {
    await this.checkUrl(dto.url);
    if ((await this.repository.listEndpoints(orgId)).length >= MAX_ENDPOINTS_PER_ORG)
      throw new ConflictException(`an org may have ${MAX_ENDPOINTS_PER_ORG} endpoints: delete one first`);
    const id = newId('whe');
    const secret = SecretBox.newSecret();
    const endpoint = await this.repository.createEndpoint({
      _id: id,
      orgId,
      url: dto.url,
      eventTypes: dto.eventTypes ?? ['*'],
      ...(dto.description ? { description: dto.description } : {}),
      enabled: true,
      secrets: [{ encrypted: this.directory.box.seal(secret, id), createdAt: new Date() }],
    });
    this.directory.changed(orgId, id);
    return { endpoint, secret };
  }

  list(orgId: string): Promise<WebhookEndpoint[]> {
    return this.repository.listEndpoints(orgId);
  }

  async get(orgId: string, id: string): Promise<WebhookEndpoint> {
    const endpoint = await this.repository.findEndpoint(orgId, id);
    if (!endpoint) throw new NotFoundException(`webhook endpoint ${id} not found`);
    return endpoint;
  }

  async update(orgId: string, id: string, dto: UpdateEndpointDto): Promise<WebhookEndpoint> {
    if (dto.url !== undefined && dto.url !== null) await this.checkUrl(dto.url);
    await this.get(orgId, id);
    const changed = await this.repository.changeEndpoint(orgId, id, dto);
    if (!changed) throw new NotFoundException(`webhook endpoint ${id} not found`);
    this.directory.changed(orgId, id);
    return changed;
  }

  async remove(orgId: string, id: string): Promise<void> {
    if (!(await this.repository.deleteEndpoint(orgId, id)))
      throw new NotFoundException(`webhook endpoint ${id} not found`);
    this.directory.changed(orgId, id);
  }

  /** A new secret signs from now on; the ones before sign too until the overlap ends. */
  async rotate(orgId: string, id: string): Promise<{ secret: string; overlapUntil: Date }> {
    const endpoint = await this.get(orgId, id);
    const now = new Date();
    const overlapUntil = new Date(now.getTime() + this.overlapMs);
    const secret = SecretBox.newSecret();
    const kept = endpoint.secrets
      .filter((s) => !s.expiresAt || new Date(s.expiresAt) > now)
      .map((s) => ({
        ...s,
        expiresAt: s.expiresAt && new Date(s.expiresAt) < overlapUntil ? s.expiresAt : overlapUntil,
      }));
    await this.repository.replaceSecrets(orgId, id, [
      { encrypted: this.directory.box.seal(secret, id), createdAt: now },
      ...kept,
    ]);
    this.directory.changed(orgId, id);
    return { secret, overlapUntil };
  }

  async test(orgId: string, id: string): Promise<string> {
    const endpoint = await this.get(orgId, id);
    if (!endpoint.enabled) throw new ConflictException(`webhook endpoint ${id} is disabled: enable it first`);
    return this.fanout.test(endpoint);
  }

  async messages(
    orgId: string,
    id: string,
    status: WebhookMessageStatus | undefined,
    page: PageRequest,
  ): Promise<Page<WebhookMessage>> {
    await this.get(orgId, id);
    return this.repository.listMessages(orgId, id, status, page);
  }

  /** Sends a message again, from the start of the schedule, with the same webhook-id. */
  async replay(orgId: string, endpointId: string, messageId: string): Promise<void> {
    const endpoint = await this.get(orgId, endpointId);
    const message = await this.repository.findMessage(orgId, messageId);
    if (!message || message.endpointId !== endpointId)
      throw new NotFoundException(`message ${messageId} of endpoint ${endpointId} not found`);
    if (!endpoint.enabled)
      throw new ConflictException(`webhook endpoint ${endpointId} is disabled: enable it first`);
    const replayed = await this.repository.replayMessage(orgId, messageId, this.delivery.lease());
    if (replayed) this.delivery.enqueue([replayed]);
  }

  private async checkUrl(url: string): Promise<void> {
    const refused = await this.delivery.guard.refusalWithDns(url);
    if (refused) throw new BadRequestException([refused]);
  }
}
