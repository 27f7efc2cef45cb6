import { Injectable, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { LRUCache } from 'lru-cache';
import { ApiKeyRepository } from '@cppo/persistence';
import { hashApiKey } from './api-key';
import { IS_PUBLIC, type AuthenticatedRequest, type RequestPrincipal as Principal } from './auth.decorators';

interface Headers {
  authorization?: string;
  'x-api-key'?: string;
}

/**
 * Every HTTP route needs `Authorization: Bearer <key>` or `x-api-key: <key>` unless marked @Public().
 * The key's hash is looked up (cached briefly in a bounded LRU, so a busy client does not cost a query
 * per request; a revoked key stops working within the cache's 30 s).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly cache = new LRUCache<string, Principal>({ max: 10_000, ttl: 30_000 });

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
      .getRequest<AuthenticatedRequest & { headers: Headers; raw?: AuthenticatedRequest }>();
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
    const cached = this.cache.get(hash);
    if (cached) return cached;
    const found = await this.keys.findActiveByHash(hash);
    if (!found) return null;
    const principal: Principal = { orgId: found.orgId, apiKeyId: found._id, role: found.role ?? 'member' };
    this.cache.set(hash, principal);
    return principal;
  }
}

function extractKey(headers: Headers): string | undefined {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.authorization ?? '');
  return bearer?.[1] ?? (headers['x-api-key'] || undefined);
}
