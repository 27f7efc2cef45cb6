import { createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';

export const IS_PUBLIC = 'cppo:isPublic';

/** Marks a route that needs no API key (health, metrics, docs). */
export const Public = (): MethodDecorator & ClassDecorator => SetMetadata(IS_PUBLIC, true);

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
