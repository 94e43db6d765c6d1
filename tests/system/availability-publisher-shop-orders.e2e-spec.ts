import { randomBytes } from 'node:crypto';
import { waitFor } from '@holdfast/testing';
import { HoldfastSystem } from './support/holdfast-system';
import { ACCOUNT, AmazonSimulator, IT, publisherEnv } from './support/publisher-system';
import {
  SHOP_DOMAIN,
  shopChannelsEnv,
  SHOPIFY_BASE,
  shopifyAvailable,
  ShopSimulator,
  WOO_ACCOUNT,
  WOO_BASE,
  wooStock,
} from './support/shop-publisher-system';

/**
 * The issue's acceptance across channels, every service a process: a Pending order placed on
 * Amazon is polled by order-ingest, reserved by inventory-reservation, and the lower
 * availability is published by availability-publisher to Amazon and to both web shops; the
 * order's cancellation on Amazon restores them. The simulators' own stock is the judge.
 */
describe('availability-publisher: an Amazon order lowers the stock both shop simulators show, its cancellation restores it', () => {
  let amazon: AmazonSimulator;
  let shops: ShopSimulator;
  let system: HoldfastSystem;

  const everywhere = (amazonQuantity: number, shopify: number, woo: number) =>
    waitFor(
      `Amazon ${amazonQuantity}, Shopify ${shopify}, WooCommerce ${woo}`,
      async () =>
        (await amazon.quantity('MUG-IT')) === amazonQuantity &&
        (await shopifyAvailable(shops, ['MUG-S']))['MUG-S'] === shopify &&
        (await wooStock(shops, ['MUG-W']))['MUG-W'] === woo,
      { timeoutMs: 45_000, intervalMs: 200 },
    );

  beforeAll(async () => {
    amazon = await AmazonSimulator.start();
    await amazon.seedListings([{ sku: 'MUG-IT' }]);
    shops = await ShopSimulator.start();
    await shops.ok('POST', `${SHOPIFY_BASE}/products`, { products: [{ sku: 'MUG-S', available: 0 }] });
    await shops.ok('POST', `${WOO_BASE}/products`, { products: [{ sku: 'MUG-W', stockQuantity: 0 }] });
    system = await HoldfastSystem.start(
      'pub-shop-orders',
      ['order-ingest', 'inventory-reservation', 'availability-publisher'],
      publisherEnv(amazon, {
        ...shopChannelsEnv(shops),
        PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ORDER_INGEST_TICK_MS: '100',
        ORDER_INGEST_LEASE_TTL_MS: '3000',
        ORDER_INGEST_FIRST_POLL_LOOKBACK_MINUTES: '5',
      }),
    );
    const options = await system.http('order-ingest', 'PATCH', `/v1/accounts/${ACCOUNT}/options`, {
      pollIntervalSeconds: 1,
      overlapSeconds: 30,
    });
    expect(options.status).toBe(200);
    const mapped = await system.http(
      'inventory-reservation',
      'PUT',
      `/v1/accounts/amazon/${ACCOUNT}/sku-mappings/MUG-IT`,
      {
        sku: 'MUG',
      },
    );
    expect(mapped.status).toBe(200);
    expect(
      (await system.http('inventory-reservation', 'PUT', '/v1/stock/MUG', { onHand: 10, asOf: 1 })).status,
    ).toBe(200);
    await waitFor(
      'MUG known to the publisher',
      async () => (await system.http('availability-publisher', 'GET', '/v1/desired/MUG')).status === 200,
    );
    const imported = await system.http('availability-publisher', 'POST', '/v1/listings/import', {
      listings: [
        {
          channel: 'amazon',
          accountId: ACCOUNT,
          channelSku: 'MUG-IT',
          productType: 'HOME',
          sku: 'MUG',
          marketplaceId: IT,
        },
        { channel: 'shopify', accountId: SHOP_DOMAIN, channelSku: 'MUG-S', sku: 'MUG' },
        { channel: 'woocommerce', accountId: WOO_ACCOUNT, channelSku: 'MUG-W', sku: 'MUG' },
      ],
    });
    expect(imported.status).toBe(200);
  }, 120_000);

  afterAll(async () => {
    await system?.stop();
    await shops?.stop();
    await amazon?.stop();
  });

  it('a Pending order of 3 on Amazon takes 3 from both shops, and its cancellation gives them back', async () => {
    await everywhere(10, 10, 10);

    const order = await amazon.control<{ order: { orderId: string } }>('POST', '/_sim/orders', {
      marketplaceId: IT,
      items: [{ sellerSku: 'MUG-IT', quantity: 3 }],
    });
    expect(order.status).toBe(201);
    const orderId = order.body.order.orderId;
    expect((await amazon.control<{ status: string }>('GET', `/_sim/orders/${orderId}`)).body.status).toBe(
      'PENDING',
    );
    await everywhere(7, 7, 7);

    expect(
      (await amazon.control('POST', `/_sim/orders/${orderId}/status`, { status: 'CANCELLED' })).status,
    ).toBe(200);
    await everywhere(10, 10, 10);

    // Each shop went 0 → 10 → 7 → 10 through its API: no detour through another number.
    const shopify = await shops.ok<{ changes: { name: string; quantityAfterChange: number }[] }>(
      'GET',
      `${SHOPIFY_BASE}/inventory/history?sku=MUG-S&source=api:`,
    );
    expect(shopify.changes.filter((c) => c.name === 'available').map((c) => c.quantityAfterChange)).toEqual([
      10, 7, 10,
    ]);
    const woo = await shops.ok<{ changes: { stockQuantity: number }[] }>(
      'GET',
      `${WOO_BASE}/stock/history?sku=MUG-W&source=api:`,
    );
    expect(woo.changes.map((c) => c.stockQuantity)).toEqual([10, 7, 10]);
  });
});
