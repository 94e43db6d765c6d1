import { createHash } from 'node:crypto';

/**
 * One configured API key. Only the SHA-256 of the key is ever configured or held: a leaked
 * configuration does not leak usable keys. Keys are random (see tools/hash-api-key.mjs),
 * so a fast hash is enough; there is no password to brute-force.
 */
export interface ApiKeyEntry {
  /** Who holds the key (`erp`, `ops-dashboard`); shown in logs, never secret. */
  readonly name: string;
  readonly scopes: readonly string[];
  /** Lower-case hex SHA-256 of the key. */
  readonly sha256: string;
  /** Channel account ids this key may touch; null means every account. */
  readonly accounts: readonly string[] | null;
}

export class ApiKeyEntriesError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
    this.name = ApiKeyEntriesError.name;
  }
}

const NAME = /^[A-Za-z0-9._-]+$/;
const SCOPE = /^[A-Za-z0-9._:*-]+$/;
const ACCOUNT = /^[^\s|;:,]+$/;
const SHA256_HEX = /^[0-9a-f]{64}$/;
const ACCOUNTS_PREFIX = 'accounts=';

export function sha256Hex(key: string): string {
  return createHash('sha256').update(key, 'utf8').digest('hex');
}

/**
 * Parses API_KEYS: entries separated by `;` (or newlines, for a mounted file), each
 * `name:scope1,scope2:<sha256-hex>` with an optional `:accounts=acc1|acc2` suffix. Scopes
 * contain colons themselves (`orders:read`), so an entry is read from both ends: the name is
 * the first field, the hash the last (before any accounts field), the scopes what is between.
 * Problems name the entry by position and name, never by content.
 */
export function parseApiKeyEntries(raw: string): ApiKeyEntry[] {
  const entries: ApiKeyEntry[] = [];
  const problems: string[] = [];
  const texts = raw
    .split(/[;\n]/)
    .map((text) => text.trim())
    .filter((text) => text.length > 0);

  texts.forEach((text, index) => {
    const fields = text.split(':');
    const name = fields.shift() ?? '';
    const label = NAME.test(name) ? `entry ${index + 1} (${name})` : `entry ${index + 1}`;
    let accounts: string[] | null = null;
    const last = fields.at(-1);
    if (last?.startsWith(ACCOUNTS_PREFIX)) {
      fields.pop();
      accounts = last.slice(ACCOUNTS_PREFIX.length).split('|');
    }
    const hash = (fields.pop() ?? '').toLowerCase();
    const scopes = fields.join(':').split(',');

    const before = problems.length;
    if (!NAME.test(name)) problems.push(`${label}: the name must be letters, digits, '.', '_' or '-'`);
    if (scopes.some((scope) => !SCOPE.test(scope))) {
      problems.push(
        `${label}: expected name:scope1,scope2:<sha256-hex>[:accounts=a|b], with at least one scope`,
      );
    }
    if (!SHA256_HEX.test(hash))
      problems.push(`${label}: the key must be given as a 64-character hex SHA-256`);
    if (accounts !== null && (accounts.length === 0 || accounts.some((account) => !ACCOUNT.test(account)))) {
      problems.push(`${label}: accounts= needs one or more account ids separated by '|'`);
    }
    if (entries.some((entry) => entry.name === name)) problems.push(`${label}: the name is used twice`);
    if (entries.some((entry) => entry.sha256 === hash))
      problems.push(`${label}: the same key is configured twice`);
    if (problems.length === before) entries.push({ name, scopes, sha256: hash, accounts });
  });

  if (problems.length > 0) throw new ApiKeyEntriesError(problems);
  return entries;
}
