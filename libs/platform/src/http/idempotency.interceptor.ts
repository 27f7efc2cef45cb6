import { createHash } from 'node:crypto';
import {
  BadRequestException,
  ConflictException,
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import { from, lastValueFrom, type Observable } from 'rxjs';
import { IdempotencyRepository } from '@cppo/persistence';
import type { AuthenticatedRequest } from '../auth/auth.decorators';

/** An Idempotency-Key: 1-200 printable ASCII characters. */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,200}$/;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface HttpRequest extends AuthenticatedRequest {
  method: string;
  url: string;
  body?: unknown;
  headers: Record<string, string | string[] | undefined>;
  routeOptions?: { url?: string };
}

/** Documents the optional `Idempotency-Key` header of a write route. */
export const ApiIdempotencyKey = (): MethodDecorator & ClassDecorator =>
  ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'same key + same body → the first result (1-200 printable ASCII characters)',
    schema: { type: 'string', pattern: IDEMPOTENCY_KEY.source, minLength: 1, maxLength: 200 },
  });

/**
 * `Idempotency-Key` on writes: the same key with the same request returns the first response; with a
 * different request → 409; while the first is still running → 409. A failed request frees its key.
 * Keys are scoped to the org and the route.
 */
@Injectable()
export class IdempotencyInterceptor implements NestInterceptor {
  constructor(private readonly records: IdempotencyRepository) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<HttpRequest>();
    const raw = request.headers['idempotency-key'];
    if (!WRITES.has(request.method) || raw === undefined || !request.principal) return next.handle();
    const key = Array.isArray(raw) ? raw[0] : raw;
    if (!IDEMPOTENCY_KEY.test(key))
      throw new BadRequestException(['Idempotency-Key must be 1-200 printable ASCII characters']);
    const reply = context
      .switchToHttp()
      .getResponse<{ statusCode: number; header(name: string, value: string): void }>();
    const orgId = request.principal.orgId;
    const id = `${orgId}:${request.method} ${request.url}:${key}`;
    const hash = createHash('sha256')
      .update(JSON.stringify(request.body ?? null))
      .digest('hex');
    return from(
      (async () => {
        const existing = await this.records.reserve(id, orgId, hash);
        if (existing) {
          if (existing.requestHash !== hash) {
            throw new ConflictException('Idempotency-Key was already used with a different request');
          }
          if (existing.statusCode === undefined) {
            throw new ConflictException('a request with this Idempotency-Key is still being processed');
          }
          reply.header('idempotent-replayed', 'true');
          return existing.body;
        }
        try {
          const body = await lastValueFrom(next.handle(), { defaultValue: undefined });
          await this.records.complete(id, reply.statusCode, body);
          return body;
        } catch (error) {
          await this.records.release(id);
          throw error;
        }
      })(),
    );
  }
}
