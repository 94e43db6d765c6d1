/** The caller behind a request: which key it used and what that key allows. */
export interface ApiKeyPrincipal {
  readonly name: string;
  readonly scopes: readonly string[];
  /** Channel account ids the key is restricted to; null when it may touch every account. */
  readonly accounts: readonly string[] | null;
}

export function hasScope(principal: ApiKeyPrincipal, scope: string): boolean {
  return principal.scopes.includes(scope);
}

export function canAccessAccount(principal: ApiKeyPrincipal, accountId: string): boolean {
  return principal.accounts === null || principal.accounts.includes(accountId);
}
