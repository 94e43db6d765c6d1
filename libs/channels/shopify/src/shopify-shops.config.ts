import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { readShopifySecret, ShopifySecretRefSchema, ShopifyShopsConfigError } from './secret-ref';

/** The Admin API version Holdfast is written against (inventorySetQuantities with changeFromQuantity and @idempotent). */
export const DEFAULT_SHOPIFY_API_VERSION = '2026-07';

const ShopifyShopSchema = z.strictObject({
  /** Holdfast's id of the shop (channelAccount.accountId in events); defaults to the shop domain. */
  accountId: z
    .string()
    .regex(/^[A-Za-z0-9._-]{1,100}$/)
    .optional(),
  /** `<name>.myshopify.com`: the shop's permanent domain, also the one webhooks name. */
  shopDomain: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*\.myshopify\.com$/i, 'a <name>.myshopify.com domain')
    .transform((d) => d.toLowerCase()),
  apiVersion: z
    .string()
    .regex(/^(\d{4}-(01|04|07|10)|unstable)$/, 'YYYY-MM (a quarterly release) or unstable')
    .default(DEFAULT_SHOPIFY_API_VERSION),
  /** The custom app's Admin API access token (shpat_…). */
  accessToken: ShopifySecretRefSchema,
  /** The secret that signs webhooks: the app's API secret key (client secret). */
  webhookSecret: ShopifySecretRefSchema,
  /** The secret before a rotation, accepted as well until it is removed. */
  previousWebhookSecret: ShopifySecretRefSchema.optional(),
  /** The location whose `available` quantity Holdfast sets (gid://shopify/Location/…). */
  locationId: z
    .string()
    .regex(/^gid:\/\/shopify\/Location\/\d+$/)
    .optional(),
  /** Another origin for the Admin API (the simulator: http://127.0.0.1:8450). SHOPIFY_ENDPOINT sets it for every shop. */
  endpoint: z.url({ protocol: /^https?$/ }).optional(),
  /** Whether Shopify e-mails the buyer when a fulfillment is created. */
  notifyCustomer: z.boolean().default(true),
  /** Carrier code (as the carrier mapping gives it) → Shopify tracking company name, for this shop. */
  carrierAliases: z.record(z.string().min(1), z.string().min(1)).default({}),
});
export type ShopifyShopConfig = z.infer<typeof ShopifyShopSchema> & { accountId: string };

const ShopsSchema = z.array(ShopifyShopSchema);

/** A shop with its secrets read: what the clients are built from. Never log it. */
export interface ShopifyShopCredentials {
  accountId: string;
  shopDomain: string;
  apiVersion: string;
  accessToken: string;
  /** Current first; a rotated-out secret after it. */
  webhookSecrets: string[];
  locationId?: string;
  endpoint?: string;
  notifyCustomer: boolean;
  carrierAliases: Record<string, string>;
}

/**
 * The Shopify shops this process talks to, from SHOPIFY_SHOPS_FILE (a JSON array, e.g. a mounted
 * ConfigMap) or SHOPIFY_SHOPS (the same JSON inline). Each entry:
 * `{ shopDomain, accessToken, webhookSecret, apiVersion?, accountId?, locationId?, endpoint? }`
 * where the secrets are `{ "env": "NAME" }` or `{ "file": "/run/secrets/…" }`.
 */
export function loadShopifyShops(env: NodeJS.ProcessEnv = process.env): ShopifyShopConfig[] {
  let text: string | undefined;
  if (env['SHOPIFY_SHOPS_FILE']) {
    try {
      text = readFileSync(env['SHOPIFY_SHOPS_FILE'], 'utf8');
    } catch (error) {
      throw new ShopifyShopsConfigError(
        `SHOPIFY_SHOPS_FILE cannot be read (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
      );
    }
  } else {
    text = env['SHOPIFY_SHOPS'];
  }
  if (!text?.trim()) return [];
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ShopifyShopsConfigError('Shopify shops configuration is not valid JSON');
  }
  const parsed = ShopsSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ShopifyShopsConfigError(`invalid Shopify shops configuration: ${issues}`);
  }
  const shops = parsed.data.map((shop) => ({ ...shop, accountId: shop.accountId ?? shop.shopDomain }));
  const ids = new Set(shops.map((s) => s.accountId));
  const domains = new Set(shops.map((s) => s.shopDomain));
  if (ids.size !== shops.length || domains.size !== shops.length) {
    throw new ShopifyShopsConfigError(
      'invalid Shopify shops configuration: account ids and shop domains must be unique',
    );
  }
  return shops;
}

/** Reads the shop's secrets; SHOPIFY_ENDPOINT (when set) points every shop at another origin. */
export function shopifyCredentialsFor(
  shop: ShopifyShopConfig,
  env: NodeJS.ProcessEnv = process.env,
): ShopifyShopCredentials {
  const endpoint = shop.endpoint ?? (env['SHOPIFY_ENDPOINT']?.trim() || undefined);
  return {
    accountId: shop.accountId,
    shopDomain: shop.shopDomain,
    apiVersion: shop.apiVersion,
    accessToken: readShopifySecret(shop.accessToken, env),
    webhookSecrets: [
      readShopifySecret(shop.webhookSecret, env),
      ...(shop.previousWebhookSecret ? [readShopifySecret(shop.previousWebhookSecret, env)] : []),
    ],
    locationId: shop.locationId,
    endpoint,
    notifyCustomer: shop.notifyCustomer,
    carrierAliases: shop.carrierAliases,
  };
}
