import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';

export const IS_PUBLIC = 'cppo:isPublic';

/** Marks the OpenAPI operations of a public route (they get `security: []`, see completeOpenApi). */
export const PUBLIC_EXTENSION = 'x-cppo-public';

/** Marks a route that needs no API key (health, metrics, docs), in the guard and in the OpenAPI document. */
export const Public = (): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(IS_PUBLIC, true), ApiExtension(PUBLIC_EXTENSION, true));

export interface RequestPrincipal {
  orgId: string;
  apiKeyId: string;
  /** `operator` keys also see what belongs to no org yet (see ApiKey.role). */
  role: 'member' | 'operator';
}

export interface AuthenticatedRequest {
  principal?: RequestPrincipal;
}

/** The caller's org id, set by ApiKeyGuard. Every read and write is scoped by it. */
export const OrgId = createParamDecorator((_: unknown, context: ExecutionContext): string => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('OrgId used on a route without ApiKeyGuard');
  return request.principal.orgId;
});

export const Principal = createParamDecorator((_: unknown, context: ExecutionContext): RequestPrincipal => {
  const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
  if (!request.principal) throw new Error('Principal used on a route without ApiKeyGuard');
  return request.principal;
});
