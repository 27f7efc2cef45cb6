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
 * revoked key stops working within 30 s), and hashes found unknown (remembered for 60 s, so repeating a
 * wrong key costs no query). Shared by the guard and the rate limiter, which counts a valid key's requests
 * per key and everything else per client.
 */
const validKeys = new LRUCache<string, Principal>({ max: 10_000, ttl: 30_000 });
const unknownKeys = new LRUCache<string, true>({ max: 10_000, ttl: 60_000 });

/** The request's API key (Authorization: Bearer, or x-api-key), hashed; undefined when it sends none. */
export function requestKeyHash(headers: KeyHeaders): string | undefined {
  const key = extractKey(headers);
  return key ? hashApiKey(key) : undefined;
}

/** Whether the hash is known, either way, without a query (valid: a principal; unknown: null). */
export function knownKey(hash: string): Principal | null | undefined {
  return validKeys.get(hash) ?? (unknownKeys.has(hash) ? null : undefined);
}

/** The principal of a key's hash: from the caches, else one query (whose answer is cached). */
export async function principalOfKey(keys: ApiKeyRepository, hash: string): Promise<Principal | null> {
  const known = knownKey(hash);
  if (known !== undefined) return known;
  const found = await keys.findActiveByHash(hash);
  if (!found) {
    unknownKeys.set(hash, true);
    return null;
  }
  const principal: Principal = { orgId: found.orgId, apiKeyId: found._id, role: found.role ?? 'member' };
  validKeys.set(hash, principal);
  return principal;
}

/**
 * Every HTTP route needs `Authorization: Bearer <key>` or `x-api-key: <key>` unless marked @Public().
 * The key's hash is looked up once and cached (principalOfKey).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
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
    const principal = await principalOfKey(this.keys, hashApiKey(key));
    if (!principal) throw new UnauthorizedException('unknown or revoked API key');
    request.principal = principal;
    // Fastify: the raw request is what the request logger sees (orgId on every request line).
    if (request.raw) request.raw.principal = principal;
    return true;
  }
}

function extractKey(headers: KeyHeaders): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return bearer?.[1] ?? (headers['x-api-key'] || undefined);
}
