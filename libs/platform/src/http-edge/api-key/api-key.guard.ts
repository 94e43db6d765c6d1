import { Injectable, Logger, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import {
  AccountAccessDeniedError,
  MissingApiKeyError,
  MissingScopeError,
  RouteNotExposedError,
  UnknownApiKeyError,
} from '../edge.errors';
import { ACCOUNT_ROUTE_PARAM, PRINCIPAL_PROPERTY, PUBLIC_ROUTE, REQUIRED_SCOPES } from './access.decorators';
import { ApiKeyAuthenticator } from './api-key-authenticator';
import { canAccessAccount, type ApiKeyPrincipal } from './api-key-principal';

const DEFAULT_ACCOUNT_PARAM = 'accountId';

/**
 * The global guard of every service's HTTP API. Deny by default: a route is reachable only
 * if it is @Public or names its scopes with @RequireScopes, and then only with a key that
 * holds them all (and, for account-restricted keys, the account in the route or query).
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  private readonly logger = new Logger(ApiKeyGuard.name);
  private readonly warnedRoutes = new Set<string>();

  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: ApiKeyAuthenticator,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    // Message handlers and other transports have their own trust boundary.
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<Request & Record<string, unknown>>();
    const targets = [context.getHandler(), context.getClass()];

    const presented = presentedKey(request);
    const principal = presented === undefined ? undefined : this.authenticator.authenticate(presented);
    if (principal) request[PRINCIPAL_PROPERTY] = principal;

    if (this.reflector.getAllAndOverride<boolean | undefined>(PUBLIC_ROUTE, targets)) return true;
    if (presented === undefined) throw new MissingApiKeyError();
    if (!principal) throw new UnknownApiKeyError();

    const required = targets.flatMap(
      (target) => this.reflector.get<string[] | undefined>(REQUIRED_SCOPES, target) ?? [],
    );
    if (required.length === 0) {
      this.warnOnce(context);
      throw new RouteNotExposedError();
    }
    const missing = [...new Set(required)].filter((scope) => !principal.scopes.includes(scope));
    if (missing.length > 0) throw new MissingScopeError(missing);

    this.checkAccount(
      principal,
      request,
      this.reflector.getAllAndOverride<string>(ACCOUNT_ROUTE_PARAM, targets),
    );
    return true;
  }

  private checkAccount(principal: ApiKeyPrincipal, request: Request, param = DEFAULT_ACCOUNT_PARAM): void {
    if (principal.accounts === null) return;
    const fromQuery: unknown = (request.query as Record<string, unknown> | undefined)?.[param];
    const candidates: unknown[] = [
      request.params?.[param],
      ...(Array.isArray(fromQuery) ? (fromQuery as unknown[]) : [fromQuery]),
    ];
    for (const accountId of candidates) {
      if (typeof accountId === 'string' && !canAccessAccount(principal, accountId)) {
        throw new AccountAccessDeniedError(accountId);
      }
    }
  }

  private warnOnce(context: ExecutionContext): void {
    const route = `${context.getClass().name}.${context.getHandler().name}`;
    if (this.warnedRoutes.has(route)) return;
    this.warnedRoutes.add(route);
    this.logger.warn(`${route} has neither @RequireScopes nor @Public; it is denied to every caller`);
  }
}

/** `Authorization: Bearer <key>` or `x-api-key: <key>`; the Authorization header wins. */
function presentedKey(request: Request): string | undefined {
  const authorization = request.headers.authorization;
  if (authorization !== undefined) {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    return match?.[1] ?? '';
  }
  const header = request.headers['x-api-key'];
  const key = Array.isArray(header) ? header[0] : header;
  return key === undefined ? undefined : key.trim();
}
