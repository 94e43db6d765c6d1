import {
  SHOP_DOMAIN,
  SHOPIFY_WEBHOOK_SECRET,
  type ShopSimulator,
  WOO_ACCOUNT,
  WOO_STORE,
  WOO_WEBHOOK_SECRET,
} from './shop-intake.harness';

export { SHOP_DOMAIN, ShopSimulator, WOO_ACCOUNT, WOO_STORE } from './shop-intake.harness';

export const SHOPIFY_BASE = `/_sim/shopify/shops/${SHOP_DOMAIN}`;
export const WOO_BASE = `/_sim/woocommerce/stores/${WOO_STORE}`;

/**
 * The simulator's default Shopify shop and WooCommerce store as the channel libraries read
 * them (SHOPIFY_SHOPS, WOOCOMMERCE_STORES with secret references), for any service.
 */
export function shopChannelsEnv(sim: ShopSimulator): Record<string, string> {
  return {
    SHOPIFY_SHOPS: JSON.stringify([
      {
        shopDomain: SHOP_DOMAIN,
        accessToken: { env: 'SHOPIFY_DEMO_TOKEN' },
        webhookSecret: { env: 'SHOPIFY_DEMO_WEBHOOK_SECRET' },
      },
    ]),
    SHOPIFY_ENDPOINT: sim.apiUrl,
    SHOPIFY_DEMO_TOKEN: 'shpat_holdfast_simulator_token',
    SHOPIFY_DEMO_WEBHOOK_SECRET: SHOPIFY_WEBHOOK_SECRET,
    WOOCOMMERCE_STORES: JSON.stringify([
      {
        accountId: WOO_ACCOUNT,
        storeUrl: `${sim.apiUrl}/woocommerce/${WOO_STORE}`,
        consumerKey: { env: 'WOO_DEMO_CK' },
        consumerSecret: { env: 'WOO_DEMO_CS' },
        webhookSecret: { env: 'WOO_DEMO_WEBHOOK_SECRET' },
      },
    ]),
    WOO_DEMO_CK: 'ck_holdfast_simulator',
    WOO_DEMO_CS: 'cs_holdfast_simulator',
    WOO_DEMO_WEBHOOK_SECRET: WOO_WEBHOOK_SECRET,
  };
}

/** What the simulator's Shopify shop shows as `available` for each SKU (its one location). */
export async function shopifyAvailable(
  sim: ShopSimulator,
  skus: string[],
): Promise<Record<string, number | null>> {
  const { items } = await sim.ok<{ items: { sku: string; levels: { available: number }[] }[] }>(
    'GET',
    `${SHOPIFY_BASE}/inventory?sku=${skus.map(encodeURIComponent).join(',')}`,
  );
  return Object.fromEntries(
    skus.map((sku) => [sku, items.find((i) => i.sku === sku)?.levels[0]?.available ?? null]),
  );
}

/** What the simulator's WooCommerce store shows as `stock_quantity` for each SKU. */
export async function wooStock(sim: ShopSimulator, skus: string[]): Promise<Record<string, number | null>> {
  const { items } = await sim.ok<{ items: { sku: string; stockQuantity: number | null }[] }>(
    'GET',
    `${WOO_BASE}/stock?sku=${skus.map(encodeURIComponent).join(',')}`,
  );
  return Object.fromEntries(
    skus.map((sku) => [sku, items.find((i) => i.sku === sku)?.stockQuantity ?? null]),
  );
}

/** Stock changes the shops' APIs made to a SKU (not orders, not the control API). */
export async function apiChanges(
  sim: ShopSimulator,
  platform: 'shopify' | 'woocommerce',
  sku: string,
): Promise<unknown[]> {
  const base = platform === 'shopify' ? `${SHOPIFY_BASE}/inventory/history` : `${WOO_BASE}/stock/history`;
  const { changes } = await sim.ok<{ changes: { name?: string }[] }>(
    'GET',
    `${base}?sku=${encodeURIComponent(sku)}&source=api:`,
  );
  // Shopify records a change of `available` twice (available and on_hand move together): count it once.
  return changes.filter((c) => c.name === undefined || c.name === 'available');
}

/** Calls the simulator counted for one platform's operation, by outcome. */
export async function shopCalls(
  sim: ShopSimulator,
  platform: string,
  operation: string,
): Promise<Record<string, number>> {
  const { calls } = await sim.ok<{
    calls: { platform: string; operation: string; counts: Record<string, number> }[];
  }>('GET', '/_sim/stats');
  return calls.find((c) => c.platform === platform && c.operation === operation)?.counts ?? {};
}
