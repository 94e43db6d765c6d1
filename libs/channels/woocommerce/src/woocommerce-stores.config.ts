import { readFileSync } from 'node:fs';
import { z } from 'zod';
import {
  readWooCommerceSecret,
  WooCommerceSecretRefSchema,
  WooCommerceStoresConfigError,
} from './secret-ref';

const WooCommerceStoreSchema = z.strictObject({
  /** Holdfast's id of the store (channelAccount.accountId in events). */
  accountId: z.string().regex(/^[A-Za-z0-9._-]{1,100}$/),
  /** The WordPress site's URL (the REST API is at <storeUrl>/wp-json/wc/v3). */
  storeUrl: z.url({ protocol: /^https?$/ }).transform((u) => u.replace(/\/+$/, '')),
  consumerKey: WooCommerceSecretRefSchema,
  consumerSecret: WooCommerceSecretRefSchema,
  /** The secret set on the store's order.* webhooks. */
  webhookSecret: WooCommerceSecretRefSchema,
  previousWebhookSecret: WooCommerceSecretRefSchema.optional(),
  /**
   * WooCommerce itself has no REST rate limit; hosts and security plugins do. Holdfast stays under
   * this rate on its own and honours 429 + Retry-After when a limit is met anyway.
   */
  requestsPerSecond: z.number().positive().max(100).default(5),
  burst: z.number().int().positive().max(200).default(10),
});
export type WooCommerceStoreConfig = z.infer<typeof WooCommerceStoreSchema>;

const StoresSchema = z.array(WooCommerceStoreSchema);

/** A store with its secrets read: what the client is built from. Never log it. */
export interface WooCommerceStoreCredentials {
  accountId: string;
  storeUrl: string;
  consumerKey: string;
  consumerSecret: string;
  /** Current first; a rotated-out secret after it. */
  webhookSecrets: string[];
  requestsPerSecond: number;
  burst: number;
}

/**
 * The WooCommerce stores this process talks to, from WOOCOMMERCE_STORES_FILE (a JSON array, e.g. a
 * mounted ConfigMap) or WOOCOMMERCE_STORES (the same JSON inline). Each entry:
 * `{ accountId, storeUrl, consumerKey, consumerSecret, webhookSecret, requestsPerSecond?, burst? }`
 * where the secrets are `{ "env": "NAME" }` or `{ "file": "/run/secrets/…" }`.
 */
export function loadWooCommerceStores(env: NodeJS.ProcessEnv = process.env): WooCommerceStoreConfig[] {
  let text: string | undefined;
  if (env['WOOCOMMERCE_STORES_FILE']) {
    try {
      text = readFileSync(env['WOOCOMMERCE_STORES_FILE'], 'utf8');
    } catch (error) {
      throw new WooCommerceStoresConfigError(
        `WOOCOMMERCE_STORES_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  } else {
    text = env['WOOCOMMERCE_STORES'];
  }
  if (!text?.trim()) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new WooCommerceStoresConfigError('WooCommerce stores configuration is not valid JSON');
  }
  const parsed = StoresSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new WooCommerceStoresConfigError(`invalid WooCommerce stores configuration: ${issues}`);
  }
  const stores = parsed.data;
  if (
    new Set(stores.map((s) => s.accountId)).size !== stores.length ||
    new Set(stores.map((s) => s.storeUrl)).size !== stores.length
  ) {
    throw new WooCommerceStoresConfigError(
      'invalid WooCommerce stores configuration: account ids and store URLs must be unique',
    );
  }
  return stores;
}

export function wooCommerceCredentialsFor(
  store: WooCommerceStoreConfig,
  env: NodeJS.ProcessEnv = process.env,
): WooCommerceStoreCredentials {
  return {
    accountId: store.accountId,
    storeUrl: store.storeUrl,
    consumerKey: readWooCommerceSecret(store.consumerKey, env),
    consumerSecret: readWooCommerceSecret(store.consumerSecret, env),
    webhookSecrets: [
      readWooCommerceSecret(store.webhookSecret, env),
      ...(store.previousWebhookSecret ? [readWooCommerceSecret(store.previousWebhookSecret, env)] : []),
    ],
    requestsPerSecond: store.requestsPerSecond,
    burst: store.burst,
  };
}
