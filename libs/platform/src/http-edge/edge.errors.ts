import { DomainError } from '../errors/domain-error';
import { canAccessAccount, type ApiKeyPrincipal } from './api-key/api-key-principal';

export class MissingApiKeyError extends DomainError {
  readonly code = 'auth.missing-api-key';
  readonly kind = 'unauthenticated';

  constructor() {
    super('Send an API key as "Authorization: Bearer <key>" or in the x-api-key header.');
  }
}

export class UnknownApiKeyError extends DomainError {
  readonly code = 'auth.unknown-api-key';
  readonly kind = 'unauthenticated';

  constructor() {
    super('The API key is not recognised.');
  }
}

export class MissingScopeError extends DomainError {
  readonly code = 'auth.missing-scope';
  readonly kind = 'forbidden';

  constructor(missing: readonly string[]) {
    super(`The API key lacks the scope(s) this operation requires: ${missing.join(', ')}.`, {
      missingScopes: missing,
    });
  }
}

export class AccountAccessDeniedError extends DomainError {
  readonly code = 'auth.account-denied';
  readonly kind = 'forbidden';

  constructor(accountId: string) {
    super(`The API key may not act on account ${accountId}.`);
  }
}

/** Deny by default: a route that declares neither @RequireScopes nor @Public is closed. */
export class RouteNotExposedError extends DomainError {
  readonly code = 'auth.route-not-exposed';
  readonly kind = 'forbidden';

  constructor() {
    super('This operation declares no access rule and is closed to every key.');
  }
}

export interface FieldError {
  /** Path of the field in the request, `lines[0].sku`. */
  field: string;
  /** The same path as a JSON pointer fragment, `#/lines/0/sku`. */
  pointer: string;
  detail: string;
}

export class RequestValidationError extends DomainError {
  readonly code = 'request.invalid';
  readonly kind = 'invalid-input';

  constructor(readonly errors: FieldError[]) {
    super(`The request has ${errors.length} invalid field(s).`, { errors });
  }
}

/** For handlers that take the account from a body or query: throws unless the key may touch it. */
export function assertAccountAccess(principal: ApiKeyPrincipal, accountId: string): void {
  if (!canAccessAccount(principal, accountId)) throw new AccountAccessDeniedError(accountId);
}
