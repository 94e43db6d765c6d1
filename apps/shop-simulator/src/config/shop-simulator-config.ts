import { z } from 'zod';

const port = z.coerce.number().int().min(0).max(65_535);
const optionalText = z
  .string()
  .optional()
  .transform((value) => (value === undefined || value.trim() === '' ? undefined : value.trim()));
const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((value) => value === 'true' || value === '1' || value === 'yes');
const delayList = z
  .string()
  .regex(/^\s*\d+(\s*,\s*\d+)*\s*$/, 'a comma-separated list of milliseconds')
  .transform((value) => value.split(',').map((part) => Number(part.trim())));

/**
 * Every setting, from the environment, validated at start. SIM_SEED is shared with the SP-API
 * simulator; SHOP_SIM_* are this simulator's own. The default shop and store exist so that a
 * newcomer can point Holdfast at the simulator without registering anything first.
 */
const environmentSchema = z.object({
  SHOP_SIM_HOST: z.string().default('127.0.0.1'),
  SHOP_SIM_PORT: port.default(8450),
  SHOP_SIM_CONTROL_HOST: z.string().default('127.0.0.1'),
  SHOP_SIM_CONTROL_PORT: port.default(8451),
  SIM_SEED: z.coerce.number().int().default(1),
  SHOP_SIM_DEFAULT_ACCOUNTS: booleanFlag.default(true),
  SHOP_SIM_SHOPIFY_DOMAIN: z.string().default('holdfast-demo.myshopify.com'),
  SHOP_SIM_SHOPIFY_ACCESS_TOKEN: z.string().min(1).default('shpat_holdfast_simulator_token'),
  SHOP_SIM_SHOPIFY_WEBHOOK_SECRET: z.string().min(1).default('holdfast-shopify-webhook-secret'),
  SHOP_SIM_SHOPIFY_WEBHOOK_URL: optionalText,
  SHOP_SIM_WOO_STORE: z
    .string()
    .regex(/^[a-z0-9-]{1,40}$/)
    .default('demo'),
  SHOP_SIM_WOO_CONSUMER_KEY: z.string().min(1).default('ck_holdfast_simulator'),
  SHOP_SIM_WOO_CONSUMER_SECRET: z.string().min(1).default('cs_holdfast_simulator'),
  SHOP_SIM_WOO_WEBHOOK_SECRET: z.string().min(1).default('holdfast-woo-webhook-secret'),
  SHOP_SIM_WOO_WEBHOOK_URL: optionalText,
  /** Shopify redelivers a failed webhook (non-2xx or no answer in time) on this schedule. */
  SHOP_SIM_SHOPIFY_WEBHOOK_RETRY_DELAYS_MS: delayList.default([1000, 5000, 30_000]),
  SHOP_SIM_WEBHOOK_TIMEOUT_MS: z.coerce.number().int().positive().default(5000),
  SHOP_SIM_SHOPIFY_BUCKET_SIZE: z.coerce.number().positive().default(2000),
  SHOP_SIM_SHOPIFY_RESTORE_RATE: z.coerce.number().positive().default(100),
  SHOP_SIM_WOO_REQUESTS_PER_SECOND: z.coerce.number().positive().default(25),
  SHOP_SIM_WOO_BURST: z.coerce.number().int().positive().default(50),
});

export interface ShopSimulatorConfig {
  host: string;
  port: number;
  controlHost: string;
  controlPort: number;
  seed: number;
  defaultAccounts: boolean;
  shopify: {
    domain: string;
    accessToken: string;
    webhookSecret: string;
    webhookUrl?: string;
    webhookRetryDelaysMs: number[];
    bucketSize: number;
    restoreRate: number;
  };
  woocommerce: {
    storeId: string;
    consumerKey: string;
    consumerSecret: string;
    webhookSecret: string;
    webhookUrl?: string;
    requestsPerSecond: number;
    burst: number;
  };
  webhookTimeoutMs: number;
}

export function loadShopSimulatorConfig(env: NodeJS.ProcessEnv = process.env): ShopSimulatorConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues
      .map((issue) => `${issue.path.join('.')}: ${issue.message}`)
      .join('; ');
    throw new Error(`invalid shop simulator configuration: ${problems}`);
  }
  const e = parsed.data;
  return {
    host: e.SHOP_SIM_HOST,
    port: e.SHOP_SIM_PORT,
    controlHost: e.SHOP_SIM_CONTROL_HOST,
    controlPort: e.SHOP_SIM_CONTROL_PORT,
    seed: e.SIM_SEED,
    defaultAccounts: e.SHOP_SIM_DEFAULT_ACCOUNTS,
    shopify: {
      domain: e.SHOP_SIM_SHOPIFY_DOMAIN,
      accessToken: e.SHOP_SIM_SHOPIFY_ACCESS_TOKEN,
      webhookSecret: e.SHOP_SIM_SHOPIFY_WEBHOOK_SECRET,
      webhookUrl: e.SHOP_SIM_SHOPIFY_WEBHOOK_URL,
      webhookRetryDelaysMs: e.SHOP_SIM_SHOPIFY_WEBHOOK_RETRY_DELAYS_MS,
      bucketSize: e.SHOP_SIM_SHOPIFY_BUCKET_SIZE,
      restoreRate: e.SHOP_SIM_SHOPIFY_RESTORE_RATE,
    },
    woocommerce: {
      storeId: e.SHOP_SIM_WOO_STORE,
      consumerKey: e.SHOP_SIM_WOO_CONSUMER_KEY,
      consumerSecret: e.SHOP_SIM_WOO_CONSUMER_SECRET,
      webhookSecret: e.SHOP_SIM_WOO_WEBHOOK_SECRET,
      webhookUrl: e.SHOP_SIM_WOO_WEBHOOK_URL,
      requestsPerSecond: e.SHOP_SIM_WOO_REQUESTS_PER_SECOND,
      burst: e.SHOP_SIM_WOO_BURST,
    },
    webhookTimeoutMs: e.SHOP_SIM_WEBHOOK_TIMEOUT_MS,
  };
}

type Overrides = Partial<Omit<ShopSimulatorConfig, 'shopify' | 'woocommerce'>> & {
  shopify?: Partial<ShopSimulatorConfig['shopify']>;
  woocommerce?: Partial<ShopSimulatorConfig['woocommerce']>;
};

/** The defaults with overrides; for tests and embedding. */
export function shopSimulatorConfig(overrides: Overrides = {}): ShopSimulatorConfig {
  const defaults = loadShopSimulatorConfig({});
  return {
    ...defaults,
    ...overrides,
    shopify: { ...defaults.shopify, ...overrides.shopify },
    woocommerce: { ...defaults.woocommerce, ...overrides.woocommerce },
  };
}
