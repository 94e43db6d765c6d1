import { readFileSync } from 'node:fs';
import { z } from 'zod';
import type { SellingPartnerClientOptions } from './selling-partner-client.factory';
import { spApiEndpointFromEnv } from './sp-api-endpoint.settings';

/**
 * Where a secret comes from: an environment variable or a mounted file. Only the
 * reference is ever configured, stored or logged; the value is read when a client is built.
 */
const SecretRefSchema = z.union([
  z.strictObject({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name') }),
  z.strictObject({ file: z.string().min(1) }),
]);
export type SecretRef = z.infer<typeof SecretRefSchema>;

const AmazonAccountSchema = z.strictObject({
  /** Holdfast's id of the account (used in events as channelAccount.accountId). */
  accountId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  /** Amazon's merchant token (seller id), used in listings paths. */
  sellerId: z.string().min(1).max(50),
  region: z.enum(['eu', 'na', 'fe']).default('eu'),
  marketplaceIds: z.array(z.string().min(1)).min(1).max(50),
  refreshToken: SecretRefSchema,
  clientId: SecretRefSchema,
  clientSecret: SecretRefSchema,
});
export type AmazonAccountConfig = z.infer<typeof AmazonAccountSchema>;

const AccountsSchema = z
  .array(AmazonAccountSchema)
  .refine((a) => new Set(a.map((x) => x.accountId)).size === a.length, {
    message: 'account ids must be unique',
  });

export class AmazonAccountsConfigError extends Error {
  override readonly name = 'AmazonAccountsConfigError';
}

/**
 * The Amazon seller accounts this process may call, from AMAZON_ACCOUNTS_FILE (a JSON
 * array, e.g. a mounted ConfigMap) or AMAZON_ACCOUNTS (the same JSON inline). Each entry:
 * `{ accountId, sellerId, region, marketplaceIds, refreshToken, clientId, clientSecret }`
 * where the three credentials are `{ "env": "NAME" }` or `{ "file": "/run/secrets/…" }`.
 * Every service that calls Amazon reads the same file; nothing stores credentials.
 */
export function loadAmazonAccounts(env: NodeJS.ProcessEnv = process.env): AmazonAccountConfig[] {
  let text: string | undefined;
  if (env['AMAZON_ACCOUNTS_FILE']) {
    try {
      text = readFileSync(env['AMAZON_ACCOUNTS_FILE'], 'utf8');
    } catch (error) {
      throw new AmazonAccountsConfigError(
        `AMAZON_ACCOUNTS_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  } else {
    text = env['AMAZON_ACCOUNTS'];
  }
  if (!text?.trim()) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new AmazonAccountsConfigError('Amazon accounts configuration is not valid JSON');
  }
  const parsed = AccountsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new AmazonAccountsConfigError(`invalid Amazon accounts configuration: ${issues}`);
  }
  return parsed.data;
}

export function readSecret(ref: SecretRef, env: NodeJS.ProcessEnv = process.env): string {
  if ('env' in ref) {
    const value = env[ref.env]?.trim();
    if (!value) throw new AmazonAccountsConfigError(`secret variable ${ref.env} is not set`);
    return value;
  }
  try {
    const value = readFileSync(ref.file, 'utf8').trim();
    if (!value) throw new Error('empty');
    return value;
  } catch {
    throw new AmazonAccountsConfigError(`secret file ${ref.file} cannot be read or is empty`);
  }
}

/** Client options for one account: its credentials plus the process-wide endpoint switch. */
export function clientOptionsFor(
  account: AmazonAccountConfig,
  env: NodeJS.ProcessEnv = process.env,
): SellingPartnerClientOptions {
  return {
    region: account.region,
    refreshToken: readSecret(account.refreshToken, env),
    clientId: readSecret(account.clientId, env),
    clientSecret: readSecret(account.clientSecret, env),
    ...spApiEndpointFromEnv(env),
  };
}
