import { signShopifyWebhook } from '@holdfast/channels-shopify';
import { TEST_API_KEY, waitFor } from '@holdfast/testing';
import { SHOP_DOMAIN, ShopIntakeSystem, WOO_ACCOUNT, WOO_STORE } from './support/shop-intake.harness';

/**
 * order-ingest as a process against the shop simulator (Shopify Admin GraphQL and WooCommerce
 * REST with signed webhooks), the real broker and database: web shop orders arrive by webhook
 * and become the same order.* events as Amazon's, exactly once; forged deliveries are refused
 * with nothing stored; replays change nothing; an order whose webhook was lost is found by the
 * reconciliation poll; cancellations release.
 */
describe('order-ingest: Shopify and WooCommerce orders by webhook and reconciliation', () => {
  let system: ShopIntakeSystem;
  const shopifyBase = `/_sim/shopify/shops/${SHOP_DOMAIN}`;
  const wooBase = `/_sim/woocommerce/stores/${WOO_STORE}`;

  beforeAll(async () => {
    system = await ShopIntakeSystem.start('shop_intake');
    await system.sim.ok('POST', `${shopifyBase}/products`, {
      products: [
        { sku: 'MUG-01', available: 50 },
        { sku: 'TEA-02', available: 50 },
      ],
    });
    await system.sim.ok('POST', `${wooBase}/products`, {
      products: [
        { sku: 'MUG-01', stockQuantity: 50 },
        { sku: 'TEA-02', stockQuantity: 50 },
      ],
    });
  });

  afterAll(async () => {
    await system?.stop();
  });

  /** Waits until a delivery's latest attempt has an answer, and returns that status. */
  async function answered(deliveryId: string): Promise<number> {
    return waitFor(
      `an answer to delivery ${deliveryId}`,
      async () => (await system.sim.delivery(deliveryId)).attempts.at(-1)?.status as number | undefined,
      { timeoutMs: 20_000, intervalMs: 50 },
    );
  }

  let shopifyOrder: any;
  let wooOrder: any;

  it('a Shopify order (unpaid) arrives by webhook as exactly one order.placed, pending, with its lines', async () => {
    const created = await system.sim.ok('POST', `${shopifyBase}/orders`, {
      lines: [
        { sku: 'MUG-01', quantity: 2 },
        { sku: 'TEA-02', quantity: 1 },
      ],
      financialStatus: 'pending',
    });
    shopifyOrder = created.order;
    expect(await answered(created.webhooks[0].deliveryId)).toBe(200);
    const placed = await system.eventFor('shopify', shopifyOrder.id, 'order.placed');
    expect(placed.payload.order).toMatchObject({
      channel: 'shopify',
      accountId: SHOP_DOMAIN,
      orderId: String(shopifyOrder.id),
      marketplaceId: null,
      status: 'pending',
      fulfilledBy: 'MERCHANT',
      lines: [
        {
          lineId: String(shopifyOrder.lines[0].lineItemId),
          channelSku: 'MUG-01',
          quantityOrdered: 2,
          quantityShipped: 0,
          quantityCanceled: 0,
        },
        {
          lineId: String(shopifyOrder.lines[1].lineItemId),
          channelSku: 'TEA-02',
          quantityOrdered: 1,
          quantityShipped: 0,
          quantityCanceled: 0,
        },
      ],
    });
    expect(await system.outboxTypes(SHOP_DOMAIN, shopifyOrder.id)).toEqual(['order.placed']);
    // The webhook brought it, not the reconciliation poll; buyer data stays at the shop.
    expect(await system.firstSeenBy(SHOP_DOMAIN, shopifyOrder.id)).toBe('webhook');
    const body = (await system.sim.delivery(created.webhooks[0].deliveryId)).body as string;
    const email = JSON.parse(body).email as string | undefined;
    if (email) expect(JSON.stringify(placed.payload)).not.toContain(email);
  });

  it('a WooCommerce order (on-hold) arrives by webhook as exactly one order.placed, pending, with its lines', async () => {
    const created = await system.sim.ok('POST', `${wooBase}/orders`, {
      lines: [{ sku: 'TEA-02', quantity: 3 }],
      status: 'on-hold',
    });
    wooOrder = created.order;
    expect(await answered(created.webhooks[0].deliveryId)).toBe(200);
    const placed = await system.eventFor('woocommerce', wooOrder.id, 'order.placed');
    expect(placed.payload.order).toMatchObject({
      channel: 'woocommerce',
      accountId: WOO_ACCOUNT,
      orderId: String(wooOrder.id),
      status: 'pending',
      channelStatus: 'on-hold',
      lines: [
        {
          lineId: String(wooOrder.lines[0].lineItemId),
          channelSku: 'TEA-02',
          quantityOrdered: 3,
          quantityShipped: 0,
          quantityCanceled: 0,
        },
      ],
    });
    expect(await system.outboxTypes(WOO_ACCOUNT, wooOrder.id)).toEqual(['order.placed']);
    expect(await system.firstSeenBy(WOO_ACCOUNT, wooOrder.id)).toBe('webhook');
  });

  it('payment confirms each order with one order.confirmed', async () => {
    await system.sim.ok('POST', `${shopifyBase}/orders/${shopifyOrder.id}/status`, { status: 'paid' });
    await system.sim.ok('POST', `${wooBase}/orders/${wooOrder.id}/status`, { status: 'paid' });
    expect((await system.eventFor('shopify', shopifyOrder.id, 'order.confirmed')).payload.order.status).toBe(
      'confirmed',
    );
    expect(
      (await system.eventFor('woocommerce', wooOrder.id, 'order.confirmed')).payload.order.channelStatus,
    ).toBe('processing');
  });

  it('a wrong signature gets 401 and stores nothing', async () => {
    const deliveriesBefore = await system.deliveriesStored();
    // The simulator signs with a wrong secret, and the lost order must not be written by the refused delivery.
    const forged = await system.sim.ok('POST', `${shopifyBase}/orders`, {
      lines: [{ sku: 'MUG-01', quantity: 1 }],
      financialStatus: 'pending',
      webhook: 'invalid-signature',
    });
    expect(await answered(forged.webhooks[0].deliveryId)).toBe(401);

    // A body made up by the caller, for an order the shop does not have: signed with a wrong
    // secret, unsigned, and signed correctly but naming another shop.
    const fake = JSON.stringify({
      id: 990001,
      created_at: '2026-05-01T10:00:00Z',
      updated_at: '2026-05-01T10:00:00Z',
      financial_status: 'pending',
      line_items: [{ id: 1, sku: 'MUG-01', quantity: 5 }],
    });
    const headers = {
      'content-type': 'application/json',
      'x-shopify-topic': 'orders/create',
      'x-shopify-shop-domain': SHOP_DOMAIN,
      'x-shopify-webhook-id': 'forged-1',
    };
    const post = (extra: Record<string, string>) =>
      fetch(system.shopifyWebhookUrl(), { method: 'POST', headers: { ...headers, ...extra }, body: fake });
    const wrong = await post({ 'x-shopify-hmac-sha256': signShopifyWebhook(fake, 'not-the-secret') });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('content-type')).toContain('application/problem+json');
    expect((await post({})).status).toBe(401);
    // An API key does not stand in for the signature.
    expect((await post({ authorization: `Bearer ${TEST_API_KEY}` })).status).toBe(401);
    expect(
      (
        await post({
          'x-shopify-hmac-sha256': signShopifyWebhook(fake, 'holdfast-shopify-webhook-secret'),
          'x-shopify-shop-domain': 'other.myshopify.com',
        })
      ).status,
    ).toBe(401);
    // The same forged body to an account that does not exist.
    const unknown = await fetch(system.shopifyWebhookUrl().replace(SHOP_DOMAIN, 'nobody.myshopify.com'), {
      method: 'POST',
      headers: {
        ...headers,
        'x-shopify-hmac-sha256': signShopifyWebhook(fake, 'holdfast-shopify-webhook-secret'),
      },
      body: fake,
    });
    expect(unknown.status).toBe(401);

    // WooCommerce: unsigned or wrongly signed → 401; its unsigned URL check (the ping) → 200, nothing stored.
    const wooPost = (body: string, extra: Record<string, string>) =>
      fetch(system.wooWebhookUrl(), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-wc-webhook-topic': 'order.created',
          'x-wc-webhook-delivery-id': 'forged-woo-1',
          ...extra,
        },
        body,
      });
    const wooFake = JSON.stringify({
      id: 990002,
      status: 'pending',
      line_items: [{ id: 1, sku: 'MUG-01', quantity: 5 }],
    });
    expect((await wooPost(wooFake, {})).status).toBe(401);
    expect(
      (await wooPost(wooFake, { 'x-wc-webhook-signature': signShopifyWebhook(wooFake, 'not-the-secret') }))
        .status,
    ).toBe(401);
    const ping = await fetch(system.wooWebhookUrl(), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'webhook_id=7',
    });
    expect(ping.status).toBe(200);
    expect(await ping.json()).toEqual({ status: 'ping' });
    expect(await system.firstSeenBy(WOO_ACCOUNT, 990002)).toBeNull();

    expect(await system.firstSeenBy(SHOP_DOMAIN, 990001)).toBeNull();
    expect(await system.outboxTypes(SHOP_DOMAIN, 990001)).toEqual([]);
    const forgedHeaders = Object.entries(
      (await system.sim.delivery(forged.webhooks[0].deliveryId)).headers as Record<string, string>,
    );
    const forgedId = forgedHeaders.find(([name]) => name.toLowerCase() === 'x-shopify-webhook-id')?.[1];
    expect(forgedId).toBeDefined();
    const stored = await system.db.query(
      `SELECT 1 FROM order_ingest.webhook_deliveries WHERE dedupe_key IN ($1, $2)`,
      [`shopify:${SHOP_DOMAIN}:forged-1`, `shopify:${SHOP_DOMAIN}:${forgedId}`],
    );
    expect(stored).toEqual([]);
    expect(await system.deliveriesStored()).toBe(deliveriesBefore);
    // The refused delivery's order is real at the shop: the reconciliation poll brings it.
    await system.eventFor('shopify', forged.order.id, 'order.placed');
    expect(await system.firstSeenBy(SHOP_DOMAIN, forged.order.id)).toBe('poll');
  });

  it('a replayed delivery changes nothing (Shopify and WooCommerce)', async () => {
    const shopifyCreate = (
      await system.sim.ok('GET', `/_sim/webhooks?platform=shopify&topic=orders/create`)
    ).deliveries.find((d: any) => JSON.parse(d.body).id === shopifyOrder.id);
    const wooCreate = (
      await system.sim.ok('GET', `/_sim/webhooks?platform=woocommerce&topic=order.created`)
    ).deliveries.find((d: any) => JSON.parse(d.body).id === wooOrder.id);
    const deliveriesBefore = await system.deliveriesStored();
    const shopifyOutbox = await system.outboxTypes(SHOP_DOMAIN, shopifyOrder.id);
    const wooOutbox = await system.outboxTypes(WOO_ACCOUNT, wooOrder.id);
    const eventsBefore = system.events.length;

    for (const delivery of [shopifyCreate, wooCreate]) {
      const replay = await system.sim.ok('POST', `/_sim/webhooks/${delivery.deliveryId}/replay`, {});
      expect(replay.status).toBe(200);
    }
    // Sent straight to the endpoint byte for byte, the answer says so.
    const direct = await fetch(system.shopifyWebhookUrl(), {
      method: 'POST',
      headers: shopifyCreate.headers,
      body: shopifyCreate.body,
    });
    expect(direct.status).toBe(200);
    expect(await direct.json()).toMatchObject({ status: 'duplicate', orderId: String(shopifyOrder.id) });

    expect(await system.deliveriesStored()).toBe(deliveriesBefore);
    expect(await system.outboxTypes(SHOP_DOMAIN, shopifyOrder.id)).toEqual(shopifyOutbox);
    expect(await system.outboxTypes(WOO_ACCOUNT, wooOrder.id)).toEqual(wooOutbox);
    // Let the relay run: still nothing new on the wire for these orders.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(
      system.events
        .slice(eventsBefore)
        .filter((e) => [String(shopifyOrder.id), String(wooOrder.id)].includes(e.orderId)),
    ).toEqual([]);
  });

  it('orders whose webhooks were lost are found by the reconciliation poll', async () => {
    const lostShopify = await system.sim.ok('POST', `${shopifyBase}/orders`, {
      lines: [{ sku: 'TEA-02', quantity: 4 }],
      financialStatus: 'paid',
      webhook: 'suppress',
    });
    const lostWoo = await system.sim.ok('POST', `${wooBase}/orders`, {
      lines: [{ sku: 'MUG-01', quantity: 2 }],
      status: 'processing',
      webhook: 'suppress',
    });
    expect(lostShopify.webhooks.every((w: any) => w.state === 'suppressed')).toBe(true);
    expect(lostWoo.webhooks.every((w: any) => w.state === 'suppressed')).toBe(true);

    const shopifyPlaced = await system.eventFor('shopify', lostShopify.order.id, 'order.placed');
    expect(shopifyPlaced.payload.order).toMatchObject({
      status: 'confirmed',
      lines: [{ channelSku: 'TEA-02', quantityOrdered: 4 }],
    });
    const wooPlaced = await system.eventFor('woocommerce', lostWoo.order.id, 'order.placed');
    expect(wooPlaced.payload.order).toMatchObject({
      status: 'confirmed',
      lines: [{ channelSku: 'MUG-01', quantityOrdered: 2 }],
    });
    expect(await system.firstSeenBy(SHOP_DOMAIN, lostShopify.order.id)).toBe('poll');
    expect(await system.firstSeenBy(WOO_ACCOUNT, lostWoo.order.id)).toBe('poll');

    const health = await fetch(`${system.service.baseUrl}/v1/shop-reconciliation`, {
      headers: { authorization: `Bearer ${TEST_API_KEY}` },
    });
    const shops = ((await health.json()) as { shops: any[] }).shops;
    expect(shops.map((s) => `${s.channel}:${s.accountId}`).sort()).toEqual([
      `shopify:${SHOP_DOMAIN}`,
      `woocommerce:${WOO_ACCOUNT}`,
    ]);
    for (const shop of shops) {
      expect(shop.ordersRecovered).toBeGreaterThanOrEqual(1);
      expect(shop.checkpoint).not.toBeNull();
    }
  });

  it('cancellation releases with order.canceled, its lines cancelled', async () => {
    await system.sim.ok('POST', `${shopifyBase}/orders/${shopifyOrder.id}/status`, { status: 'cancelled' });
    await system.sim.ok('POST', `${wooBase}/orders/${wooOrder.id}/status`, { status: 'cancelled' });
    const shopifyCanceled = await system.eventFor('shopify', shopifyOrder.id, 'order.canceled');
    expect(shopifyCanceled.payload.order.status).toBe('canceled');
    expect(shopifyCanceled.payload.order.lines.map((l: any) => l.quantityCanceled)).toEqual([2, 1]);
    const wooCanceled = await system.eventFor('woocommerce', wooOrder.id, 'order.canceled');
    expect(wooCanceled.payload.order.lines[0]).toMatchObject({ quantityOrdered: 3, quantityCanceled: 3 });
  });

  it('across webhooks, redeliveries and overlapping reconciliation runs, each change went out exactly once', async () => {
    const runs = await system.reconciliationRuns();
    await waitFor(
      'two more reconciliation runs of each shop',
      async () => {
        const now = await system.reconciliationRuns();
        return now['shopify'] >= runs['shopify'] + 2 && now['woocommerce'] >= runs['woocommerce'] + 2;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(await system.outboxTypes(SHOP_DOMAIN, shopifyOrder.id)).toEqual([
      'order.placed',
      'order.confirmed',
      'order.canceled',
    ]);
    expect(await system.outboxTypes(WOO_ACCOUNT, wooOrder.id)).toEqual([
      'order.placed',
      'order.confirmed',
      'order.canceled',
    ]);
    const distinct = new Set(system.eventsOf('shopify', shopifyOrder.id).map((e) => e.messageId));
    expect(distinct.size).toBe(3);
  });

  it('a second replica takes webhooks too, and the shops are reconciled by one replica at a time', async () => {
    const second = await system.addReplica();
    await system.pointWebhooksAt(second);
    const created = await system.sim.ok('POST', `${wooBase}/orders`, {
      lines: [{ sku: 'MUG-01', quantity: 1 }],
      status: 'pending',
    });
    expect(await answered(created.webhooks[0].deliveryId)).toBe(200);
    await system.eventFor('woocommerce', created.order.id, 'order.placed');
    expect(await system.firstSeenBy(WOO_ACCOUNT, created.order.id)).toBe('webhook');
    const leases = await system.db.query<{ resource: string; holder: string }>(
      `SELECT resource, holder FROM order_ingest.leases WHERE resource LIKE 'shop-orders:%' AND expires_at > now() ORDER BY resource`,
    );
    expect(leases.map((l) => l.resource)).toEqual([
      `shop-orders:shopify:${SHOP_DOMAIN}`,
      `shop-orders:woocommerce:${WOO_ACCOUNT}`,
    ]);
    // Stopping the holder hands its leases over; reconciliation goes on at the other replica.
    await system.pointWebhooksAt(second);
    await system.service.stop();
    const lost = await system.sim.ok('POST', `${shopifyBase}/orders`, {
      lines: [{ sku: 'MUG-01', quantity: 1 }],
      webhook: 'suppress',
    });
    await system.eventFor('shopify', lost.order.id, 'order.placed');
    const holders = await system.db.query<{ holder: string }>(
      `SELECT DISTINCT holder FROM order_ingest.leases WHERE resource LIKE 'shop-orders:%' AND expires_at > now()`,
    );
    expect(holders).toHaveLength(1);

    // The dedupe key is in the database, not in a process: the first order's delivery, recorded
    // by the stopped replica, replayed to the other one, still changes nothing.
    const first = (
      await system.sim.ok('GET', `/_sim/webhooks?platform=shopify&topic=orders/create`)
    ).deliveries.find((d: any) => JSON.parse(d.body).id === shopifyOrder.id);
    const replayed = await fetch(system.shopifyWebhookUrl(second), {
      method: 'POST',
      headers: first.headers,
      body: first.body,
    });
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({ status: 'duplicate' });
    expect(await system.outboxTypes(SHOP_DOMAIN, shopifyOrder.id)).toEqual([
      'order.placed',
      'order.confirmed',
      'order.canceled',
    ]);
  });
});
