import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LRUCache } from 'lru-cache';
import { ApiKeyRepository } from '@cppo/persistence';
import { hashApiKey } from './api-key';
import { IS_PUBLIC, type AuthenticatedRequest, type RequestPrincipal as Principal } from './auth.decorators';

export interface KeyHeaders {
  authorization?: string;
  'x-api-key'?: string;
}

/**
 * Keys found valid recently, by hash (a bounded LRU: a busy client does not cost a query per request; a
 * revoked key stops working within 30 s). Shared with the rate limiter, which counts a valid key's
 * requests per key and everything else per client IP.
 */
const validKeys = new LRUCache<string, Principal>({ max: 10_000, ttl: 30_000 });

/** The hash of the request's key when that key was found valid recently. */
export function recentlyValidKeyHash(headers: KeyHeaders): string | undefined {
  const key = extractKey(headers);
  const hash = key ? hashApiKey(key) : undefined;
  return hash && validKeys.has(hash) ? hash : undefined;
}

/**
 * Every HTTP route needs `Authorization: Bearer <key>` or `x-api-key: <key>` unless marked @Public().
 * The key's hash is looked up once and cached (`validKeys`); an unknown hash is remembered too, for
 * 60 s, so repeating a wrong key costs no query.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly unknown = new LRUCache<string, true>({ max: 10_000, ttl: 60_000 });

  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyRepository,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    const request = context
      .switchToHttp()
      .getRequest<AuthenticatedRequest & { headers: KeyHeaders; raw?: AuthenticatedRequest }>();
    const key = extractKey(request.headers);
    if (!key)
      throw new UnauthorizedException('missing API key: send Authorization: Bearer <key> or x-api-key');
    const principal = await this.lookup(hashApiKey(key));
    if (!principal) throw new UnauthorizedException('unknown or revoked API key');
    request.principal = principal;
    // Fastify: the raw request is what the request logger sees (orgId on every request line).
    if (request.raw) request.raw.principal = principal;
    return true;
  }

  private async lookup(hash: string): Promise<Principal | null> {
    const cached = validKeys.get(hash);
    if (cached) return cached;
    if (this.unknown.has(hash)) return null;
    const found = await this.keys.findActiveByHash(hash);
    if (!found) {
      this.unknown.set(hash, true);
      return null;
    }
    const principal: Principal = { orgId: found.orgId, apiKeyId: found._id, role: found.role ?? 'member' };
    validKeys.set(hash, principal);
    return principal;
  }
}

function extractKey(headers: KeyHeaders): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return bearer?.[1] ?? (headers['x-api-key'] || undefined);
}
