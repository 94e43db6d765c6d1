import { applyDecorators, createParamDecorator, SetMetadata, type ExecutionContext } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiSecurity,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { ApiKeyPrincipal } from './api-key-principal';

export { Public, PUBLIC_ROUTE } from '@holdfast/telemetry';

export const REQUIRED_SCOPES = 'holdfast:required-scopes';
export const ACCOUNT_ROUTE_PARAM = 'holdfast:account-route-param';
/** Where the guard leaves the authenticated principal on the request. */
export const PRINCIPAL_PROPERTY = 'apiKeyPrincipal';
/** Names of the OpenAPI security schemes the document declares. */
export const API_KEY_SECURITY_SCHEME = 'api-key';
export const BEARER_SECURITY_SCHEME = 'bearer';

/**
 * The route needs an API key holding every listed scope. On a controller it applies to each
 * route; scopes on a handler add to the controller's.
 */
export function RequireScopes(...scopes: [string, ...string[]]): MethodDecorator & ClassDecorator {
  return applyDecorators(
    SetMetadata(REQUIRED_SCOPES, scopes),
    ApiSecurity(API_KEY_SECURITY_SCHEME),
    ApiBearerAuth(BEARER_SECURITY_SCHEME),
    ApiExtension('x-required-scopes', scopes),
    ApiUnauthorizedResponse({ description: 'No API key, or an unknown one (application/problem+json).' }),
    ApiForbiddenResponse({ description: 'The key lacks a scope or the account (application/problem+json).' }),
  );
}

/**
 * Names the route or query parameter that carries the channel account id, when it is not
 * `accountId`. The guard refuses keys restricted to other accounts before the handler runs.
 */
export const AccountRouteParam = (name: string): MethodDecorator & ClassDecorator =>
  SetMetadata(ACCOUNT_ROUTE_PARAM, name);

/** Injects the authenticated caller. Undefined only on @Public routes called without a key. */
export const ApiPrincipal = createParamDecorator(
  (_data: unknown, context: ExecutionContext): ApiKeyPrincipal | undefined =>
    context.switchToHttp().getRequest<Record<string, ApiKeyPrincipal | undefined>>()[PRINCIPAL_PROPERTY],
);
