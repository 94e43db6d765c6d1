import type { Envelope, OrderSnapshot } from '@holdfast/contracts';
import { waitFor } from '@holdfast/testing';
import { amazonOrder, type AppName, type HoldfastSystem } from './holdfast-system';
import { startShipmentSystem, type Json, type ShipmentSystem } from './shipment-system';
import {
  SHOP_DOMAIN,
  SHOPIFY_WEBHOOK_SECRET,
  ShopSimulator,
  WOO_ACCOUNT,
  WOO_STORE,
  WOO_WEBHOOK_SECRET,
} from './shop-intake.harness';

export { SHOP_DOMAIN, WOO_ACCOUNT, WOO_STORE };

export const SHOPIFY_BASE = `/_sim/shopify/shops/${SHOP_DOMAIN}`;
export const WOO_BASE = `/_sim/woocommerce/stores/${WOO_STORE}`;

export interface ShopShipmentSystem extends ShipmentSystem {
  shops: ShopSimulator;
}

/** A shop order as the tests know it: the shop's order id and its lines with the shop's line ids. */
export interface ShopOrder {
  channel: 'shopify' | 'woocommerce';
  accountId: string;
  orderId: string;
  lines: { lineId: string; sku: string; quantity: number }[];
}

/**
 * The SP-API simulator and the shop simulator, then the notifier with one Amazon account, the
 * simulator's Shopify shop and its WooCommerce store configured as production would (the env the
 * channel libraries define).
 */
export async function startShopShipmentSystem(
  suite: string,
  options: { apps?: AppName[]; env?: Record<string, string> } = {},
): Promise<ShopShipmentSystem> {
  const shops = await ShopSimulator.start();
  try {
    const env = await startShipmentSystem(suite, {
      apps: options.apps,
      env: {
        SHOPIFY_SHOPS: JSON.stringify([
          {
            shopDomain: SHOP_DOMAIN,
            accessToken: { env: 'SHOPIFY_DEMO_TOKEN' },
            webhookSecret: { env: 'SHOPIFY_DEMO_WEBHOOK_SECRET' },
          },
        ]),
        SHOPIFY_ENDPOINT: shops.apiUrl,
        SHOPIFY_DEMO_TOKEN: 'shpat_holdfast_simulator_token',
        SHOPIFY_DEMO_WEBHOOK_SECRET: SHOPIFY_WEBHOOK_SECRET,
        WOOCOMMERCE_STORES: JSON.stringify([
          {
            accountId: WOO_ACCOUNT,
            storeUrl: `${shops.apiUrl}/woocommerce/${WOO_STORE}`,
            consumerKey: { env: 'WOO_DEMO_CK' },
            consumerSecret: { env: 'WOO_DEMO_CS' },
            webhookSecret: { env: 'WOO_DEMO_WEBHOOK_SECRET' },
          },
        ]),
        WOO_DEMO_CK: 'ck_holdfast_simulator',
        WOO_DEMO_CS: 'cs_holdfast_simulator',
        WOO_DEMO_WEBHOOK_SECRET: WOO_WEBHOOK_SECRET,
        SHOP_RETRY_BASE_MS: '50',
        ...options.env,
      },
    });
    return {
      ...env,
      shops,
      stop: async () => {
        await env.stop();
        await shops.stop();
      },
    };
  } catch (error) {
    await shops.stop();
    throw error;
  }
}

/** A paid Shopify order at the shop simulator (its products created first). */
export async function createShopifyOrder(
  shops: ShopSimulator,
  lines: { sku: string; quantity: number }[],
): Promise<ShopOrder> {
  await shops.ok('POST', `${SHOPIFY_BASE}/products`, {
    products: lines.map((l) => ({ sku: l.sku, available: 50 })),
  });
  const { order } = await shops.ok('POST', `${SHOPIFY_BASE}/orders`, {
    lines,
    financialStatus: 'paid',
    webhook: 'suppress',
  });
  return {
    channel: 'shopify',
    accountId: SHOP_DOMAIN,
    orderId: String(order.id),
    lines: order.lines.map((l: Json) => ({ lineId: String(l.lineItemId), sku: l.sku, quantity: l.quantity })),
  };
}

/** A processing (paid) WooCommerce order at the shop simulator (its products created first). */
export async function createWooOrder(
  shops: ShopSimulator,
  lines: { sku: string; quantity: number }[],
): Promise<ShopOrder> {
  await shops.ok('POST', `${WOO_BASE}/products`, {
    products: lines.map((l) => ({ sku: l.sku, stockQuantity: 50 })),
  });
  const { order } = await shops.ok('POST', `${WOO_BASE}/orders`, {
    lines,
    status: 'processing',
    webhook: 'suppress',
  });
  return {
    channel: 'woocommerce',
    accountId: WOO_ACCOUNT,
    orderId: String(order.id),
    lines: order.lines.map((l: Json) => ({ lineId: String(l.lineItemId), sku: l.sku, quantity: l.quantity })),
  };
}

/** Publishes the shop order as order-ingest does (same events as Amazon, the shop's channel) and waits for the notifier to know it. */
export async function announceShopOrder(
  system: HoldfastSystem,
  order: ShopOrder,
  status: OrderSnapshot['status'] = 'confirmed',
): Promise<Envelope> {
  const { order: snapshot } = amazonOrder(
    order.orderId,
    status,
    order.lines.map((l) => ({ lineId: l.lineId, channelSku: l.sku, quantityOrdered: l.quantity })),
    {
      channel: order.channel,
      accountId: order.accountId,
      marketplaceId: null,
      channelStatus: order.channel === 'shopify' ? 'paid/unfulfilled' : 'processing',
    },
  );
  const envelope = await system.publisher.publish(
    status === 'confirmed' ? 'order.confirmed' : 'order.updated',
    { order: snapshot },
  );
  await waitFor(`${order.channel} order ${order.orderId} ${status} at the notifier`, async () => {
    const rows = await system.db.query<{ status: string }>(
      'SELECT status FROM shipment_notifier.order_states WHERE channel = $1 AND account_id = $2 AND order_id = $3',
      [order.channel, order.accountId, order.orderId],
    );
    return rows[0]?.status === status;
  });
  return envelope;
}

/** A one-package shipment of the whole shop order. */
export function shopShipmentFor(
  order: ShopOrder,
  pkg: { carrier: string; trackingNumber: string; shipDate?: string },
): Record<string, unknown> {
  return {
    order: { channel: order.channel, accountId: order.accountId, orderId: order.orderId },
    packages: [
      {
        carrier: pkg.carrier,
        trackingNumber: pkg.trackingNumber,
        shipDate: pkg.shipDate ?? new Date(Date.now() - 60_000).toISOString(),
      },
    ],
    lines: order.lines.map((l) => ({ lineId: l.lineId, quantity: l.quantity })),
  };
}

/** The fulfillments the Shopify simulator received for an order. */
export async function shopifyFulfillments(shops: ShopSimulator, orderId: string): Promise<Json[]> {
  return (await shops.ok('GET', `${SHOPIFY_BASE}/fulfillments?orderId=${orderId}`)).fulfillments;
}

export async function shopifyOrder(shops: ShopSimulator, orderId: string): Promise<Json> {
  return shops.ok('GET', `${SHOPIFY_BASE}/orders/${orderId}`);
}

/** The WooCommerce order as the simulator shows it: status, tracking items, notes. */
export async function wooOrder(shops: ShopSimulator, orderId: string): Promise<Json> {
  return shops.ok('GET', `${WOO_BASE}/orders/${orderId}`);
}
