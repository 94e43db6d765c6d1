import { waitFor } from '@holdfast/testing';
import { announceOrder, notifier, shipmentFor, waitForShipment, type Json } from './support/shipment-system';
import {
  announceShopOrder,
  createShopifyOrder,
  createWooOrder,
  SHOPIFY_BASE,
  shopifyFulfillments,
  shopifyOrder,
  shopShipmentFor,
  startShopShipmentSystem,
  WOO_BASE,
  wooOrder,
  type ShopOrder,
  type ShopShipmentSystem,
} from './support/shop-shipment-system';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** One ship date for the manifest, so the ERP's repeated requests carry the same bodies. */
const SHIP_DATE = new Date(Date.now() - 3_600_000).toISOString();

describe('shipments to Shopify and WooCommerce (shop simulator) beside Amazon (SP-API simulator)', () => {
  let env: ShopShipmentSystem;

  beforeAll(async () => {
    env = await startShopShipmentSystem('ship-shops');
  });

  afterAll(async () => {
    await env?.stop();
  });

  /** Posts a shipment that must be accepted; returns its id. */
  const accept = async (body: Record<string, unknown>, key: string): Promise<string> => {
    const res = await notifier(env.system, 'POST', '/v1/shipments', body, { 'idempotency-key': key });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  /** Nothing new may arrive at either simulator: the counts stay as they are. */
  const expectOnlyOneEach = async (shopify: ShopOrder, woo: ShopOrder) => {
    expect(await shopifyFulfillments(env.shops, shopify.orderId)).toHaveLength(1);
    const view = await wooOrder(env.shops, woo.orderId);
    expect(view.trackingItems).toHaveLength(1);
    expect(view.notes.filter((n: Json) => n.customerNote)).toHaveLength(1);
  };

  let amazon: Awaited<ReturnType<typeof env.sim.createOrder>>;
  let shopify: ShopOrder;
  let woo: ShopOrder;
  let ids: { amazon: string; shopify: string; woo: string };

  it('a shipped manifest of an Amazon, a Shopify and a WooCommerce order confirms each once, with carrier and tracking', async () => {
    const { system, sim, shops, events } = env;
    amazon = await sim.createOrder([{ sku: 'MIX-AMZ', quantity: 2 }]);
    await announceOrder(system, amazon, 'confirmed');
    shopify = await createShopifyOrder(shops, [
      { sku: 'MIX-SHOP-A', quantity: 2 },
      { sku: 'MIX-SHOP-B', quantity: 1 },
    ]);
    await announceShopOrder(system, shopify);
    woo = await createWooOrder(shops, [{ sku: 'MIX-WOO', quantity: 3 }]);
    await announceShopOrder(system, woo);
    expect((await shopifyOrder(shops, shopify.orderId)).fulfillmentStatus).toBe('unfulfilled');

    ids = {
      amazon: await accept(
        shipmentFor(amazon, { carrier: 'Bartolini', trackingNumber: 'MIX-BRT-1' }),
        'mix-amazon',
      ),
      // The ERP's "Bartolini" is Shopify's known company "BRT" (seeded mapping).
      shopify: await accept(
        shopShipmentFor(shopify, { carrier: 'Bartolini', trackingNumber: 'MIX-BRT-2', shipDate: SHIP_DATE }),
        'mix-shopify',
      ),
      // "POSTE_ITALIANE" is WooCommerce's free-text provider "Poste Italiane" (seeded mapping).
      woo: await accept(
        shopShipmentFor(woo, { carrier: 'POSTE_ITALIANE', trackingNumber: 'MIX-PI-3', shipDate: SHIP_DATE }),
        'mix-woo',
      ),
    };
    const manifest = await notifier(
      system,
      'POST',
      '/v1/manifests',
      { reference: 'DIST-SHOPS-1', carrier: 'mixed', shipmentIds: Object.values(ids) },
      { 'idempotency-key': 'mix-manifest' },
    );
    expect(manifest.status).toBe(201);
    // In preparation: no shop hears anything yet.
    await sleep(600);
    expect(await shopifyFulfillments(shops, shopify.orderId)).toEqual([]);
    expect((await wooOrder(shops, woo.orderId)).trackingItems).toEqual([]);

    expect((await notifier(system, 'POST', `/v1/manifests/${manifest.body.id}/ship`)).status).toBe(200);
    for (const id of Object.values(ids)) {
      expect((await waitForShipment(system, id, ['confirmed', 'failed', 'held'], 45_000)).status).toBe(
        'confirmed',
      );
    }

    // Amazon: one package, as before.
    const packages = await sim.packages(amazon.orderId);
    expect(packages).toHaveLength(1);
    expect(packages[0]).toMatchObject({ carrierCode: 'Bartolini', trackingNumber: 'MIX-BRT-1' });

    // Shopify: one fulfillment with Shopify's company name and its link, the order fulfilled.
    const fulfillments = await shopifyFulfillments(shops, shopify.orderId);
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0].tracking).toEqual([
      { company: 'BRT', number: 'MIX-BRT-2', url: expect.stringContaining('MIX-BRT-2') },
    ]);
    expect((await shopifyOrder(shops, shopify.orderId)).fulfillmentStatus).toBe('fulfilled');

    // WooCommerce: completed, the tracking where Shipment Tracking reads it, one customer note.
    const view = await wooOrder(shops, woo.orderId);
    expect(view.status).toBe('completed');
    expect(view.trackingItems).toEqual([
      expect.objectContaining({ custom_tracking_provider: 'Poste Italiane', tracking_number: 'MIX-PI-3' }),
    ]);
    expect(view.notes.filter((n: Json) => n.customerNote)).toEqual([
      expect.objectContaining({ note: expect.stringContaining('Poste Italiane. Tracking number: MIX-PI-3') }),
    ]);

    // The notifier's record: the carrier as each channel got it, checked again at the channel later.
    const shopShipment = await notifier(system, 'GET', `/v1/shipments/${ids.shopify}`);
    expect(shopShipment.body).toMatchObject({
      channel: 'shopify',
      orderId: shopify.orderId,
      status: 'confirmed',
    });
    expect(shopShipment.body.packages[0].notification).toMatchObject({
      state: 'confirmed',
      confirmedBy: 'response',
      attempts: 1,
      channelCarrierCode: 'BRT',
    });
    const wooShipment = await notifier(system, 'GET', `/v1/shipments/${ids.woo}`);
    expect(wooShipment.body.packages[0].notification).toMatchObject({
      state: 'confirmed',
      channelCarrierCode: 'Poste Italiane',
    });
    for (const id of [ids.shopify, ids.woo]) {
      await waitFor(`verification of ${id}`, async () => {
        const res = await notifier(system, 'GET', `/v1/shipments/${id}`);
        return res.body.packages[0].notification.verification === 'applied';
      });
    }

    // shipment.confirmed once per shipment, with the shop's channel and account, as for Amazon.
    await waitFor('shipment.confirmed for all three', () =>
      Object.values(ids).every((id) => events.of('shipment.confirmed', id).length === 1),
    );
    expect(events.of('shipment.confirmed', ids.shopify)[0].payload).toMatchObject({
      channel: 'shopify',
      accountId: shopify.accountId,
      orderId: shopify.orderId,
      lines: expect.arrayContaining([
        expect.objectContaining({ lineId: shopify.lines[0].lineId, quantity: 2 }),
      ]),
    });
    expect(events.of('shipment.confirmed', ids.woo)[0].payload).toMatchObject({
      channel: 'woocommerce',
      accountId: woo.accountId,
      orderId: woo.orderId,
    });
  });

  it('duplicate requests and a restart never create a second fulfillment', async () => {
    const { system, shops, events } = env;
    const before = (await shops.ok('GET', '/_sim/stats')).calls;
    const writes = (calls: Json[]) =>
      calls
        .filter((c: Json) =>
          ['fulfillmentCreate', 'orders.update', 'orders.notes.create'].includes(c.operation),
        )
        .reduce((n: number, c: Json) => n + c.counts.ok, 0);

    // The ERP sends everything again: same keys, a manifest shipped again, sends and retries.
    for (const [key, body] of [
      [
        'mix-shopify',
        shopShipmentFor(shopify, { carrier: 'Bartolini', trackingNumber: 'MIX-BRT-2', shipDate: SHIP_DATE }),
      ],
      [
        'mix-woo',
        shopShipmentFor(woo, { carrier: 'POSTE_ITALIANE', trackingNumber: 'MIX-PI-3', shipDate: SHIP_DATE }),
      ],
    ] as const) {
      const replay = await notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': key });
      expect(replay.status).toBe(201);
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      // A new key for the same units: everything is shipped already.
      const fresh = await notifier(system, 'POST', '/v1/shipments', body, {
        'idempotency-key': `${key}-again`,
      });
      expect(fresh.status).toBe(409);
      expect(fresh.body.code).toBe('shipment.quantity-already-shipped');
    }
    for (const id of [ids.shopify, ids.woo]) {
      expect((await notifier(system, 'POST', `/v1/shipments/${id}/retry`)).status).toBeLessThan(500);
    }

    // A restart: the sender starts over on the same database.
    const service = system.service('shipment-notifier');
    await service.stop();
    await service.start();
    await sleep(2000);

    await expectOnlyOneEach(shopify, woo);
    expect(writes((await shops.ok('GET', '/_sim/stats')).calls)).toBe(writes(before));
    for (const id of [ids.shopify, ids.woo]) {
      expect((await notifier(system, 'GET', `/v1/shipments/${id}`)).body.status).toBe('confirmed');
      expect(events.of('shipment.confirmed', id)).toHaveLength(1);
    }
  });

  it('kill -9 after the shop took the shipment: the restarted notifier finds it there and sends nothing twice', async () => {
    const { system, shops, events } = env;
    const service = system.service('shipment-notifier');
    const crashShopify = await createShopifyOrder(shops, [{ sku: 'CRASH-SHOP', quantity: 1 }]);
    await announceShopOrder(system, crashShopify);
    const crashWoo = await createWooOrder(shops, [{ sku: 'CRASH-WOO', quantity: 2 }]);
    await announceShopOrder(system, crashWoo);
    const crashIds = [
      await accept(
        shopShipmentFor(crashShopify, { carrier: 'GLS', trackingNumber: 'CRASH-GLS-1' }),
        'crash-shopify',
      ),
      await accept(shopShipmentFor(crashWoo, { carrier: 'DHL', trackingNumber: 'CRASH-DHL-2' }), 'crash-woo'),
    ];

    for (const id of crashIds) {
      await service.stop();
      await service.start({ FAULT_KILL_AFTER_CHANNEL_CONFIRM: 'true' });
      await notifier(system, 'POST', `/v1/shipments/${id}/send`).catch(() => undefined);
      await service.exited();
      const [open] = await system.db.query<{ state: string; outcome_unknown: boolean }>(
        'SELECT state, outcome_unknown FROM shipment_notifier.shipment_packages WHERE shipment_id = $1',
        [id],
      );
      expect(open).toEqual({ state: 'sent', outcome_unknown: true });
    }
    // Both shops have it; the notifier does not know yet.
    expect(await shopifyFulfillments(shops, crashShopify.orderId)).toHaveLength(1);
    expect((await wooOrder(shops, crashWoo.orderId)).trackingItems).toHaveLength(1);

    await service.start();
    for (const id of crashIds) {
      const shipment = await waitForShipment(system, id, ['confirmed', 'failed'], 45_000);
      expect(shipment.status).toBe('confirmed');
      // Found at the shop, not sent again (a later crash may have interrupted one look-up: attempts ≥ 2).
      expect(shipment.packages[0].notification).toMatchObject({ confirmedBy: 'reconciliation' });
      expect(shipment.packages[0].notification.attempts).toBeGreaterThanOrEqual(2);
      // One event (one message id): the outbox publishes at least once, so after a crash the broker
      // may carry it twice, and consumers deduplicate by message id.
      await waitFor(
        `shipment.confirmed for ${id}`,
        () => new Set(events.of('shipment.confirmed', id).map((e) => e.messageId)).size === 1,
        { timeoutMs: 45_000 },
      );
    }
    await sleep(1000);
    const fulfillments = await shopifyFulfillments(shops, crashShopify.orderId);
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0].tracking[0]).toMatchObject({ company: 'GLS', number: 'CRASH-GLS-1' });
    const view = await wooOrder(shops, crashWoo.orderId);
    expect(view.status).toBe('completed');
    expect(view.trackingItems).toEqual([
      expect.objectContaining({ custom_tracking_provider: 'DHL', tracking_number: 'CRASH-DHL-2' }),
    ]);
    expect(view.notes.filter((n: Json) => n.customerNote)).toHaveLength(1);
  });

  it('throttling and 5xx answers at the shops are retried and end confirmed, once', async () => {
    const { system, shops } = env;
    const faultShopify = await createShopifyOrder(shops, [{ sku: 'FAULT-SHOP', quantity: 1 }]);
    await announceShopOrder(system, faultShopify);
    const faultWoo = await createWooOrder(shops, [{ sku: 'FAULT-WOO', quantity: 1 }]);
    await announceShopOrder(system, faultWoo);

    // Shopify: an empty cost bucket (THROTTLED until it refills) and four 503s to fulfillmentCreate,
    // more than one attempt's creates (three, each after reading the order again): the sender
    // retries after a backoff, looks the package up, then creates it.
    await shops.ok('PUT', `${SHOPIFY_BASE}/throttle`, {
      maximumAvailable: 1000,
      restoreRate: 250,
      currentlyAvailable: 0,
    });
    await shops.ok('POST', '/_sim/faults', {
      platform: 'shopify',
      operation: 'fulfillmentCreate',
      kind: 'http503',
      share: 1,
      limit: 4,
    });
    // WooCommerce: the host allows one request a second (429 + Retry-After beyond), two 500s to the
    // order update, and the answer to the customer note lost after it was added.
    await shops.ok('PUT', `${WOO_BASE}/rate-limit`, { requestsPerSecond: 1, burst: 1 });
    await shops.ok('POST', '/_sim/faults', {
      platform: 'woocommerce',
      operation: 'orders.update',
      kind: 'http500',
      share: 1,
      limit: 2,
    });
    await shops.ok('POST', '/_sim/faults', {
      platform: 'woocommerce',
      operation: 'orders.notes.create',
      kind: 'http502',
      phase: 'after',
      share: 1,
      limit: 1,
    });
    try {
      const shopifyId = await accept(
        {
          ...shopShipmentFor(faultShopify, { carrier: 'UPS', trackingNumber: '1Z-FAULT-1' }),
          sendImmediately: true,
        },
        'fault-shopify',
      );
      const wooId = await accept(
        {
          ...shopShipmentFor(faultWoo, { carrier: 'SDA', trackingNumber: 'SDA-FAULT-2' }),
          sendImmediately: true,
        },
        'fault-woo',
      );

      const shopifyShipment = await waitForShipment(system, shopifyId, ['confirmed', 'failed'], 60_000);
      expect(shopifyShipment.status).toBe('confirmed');
      expect(shopifyShipment.packages[0].notification.attempts).toBe(2);
      const wooShipment = await waitForShipment(system, wooId, ['confirmed', 'failed'], 60_000);
      expect(wooShipment.status).toBe('confirmed');

      const { faults } = await shops.ok('GET', '/_sim/faults');
      expect(faults.map((f: Json) => f.injected)).toEqual([4, 2, 1]);
      const stats = (await shops.ok('GET', '/_sim/stats')).calls;
      const throttled = (platform: string) =>
        stats
          .filter((c: Json) => c.platform === platform)
          .reduce((n: number, c: Json) => n + c.counts.throttled, 0);
      expect(throttled('shopify')).toBeGreaterThanOrEqual(1);
      expect(throttled('woocommerce')).toBeGreaterThanOrEqual(1);

      const fulfillments = await shopifyFulfillments(shops, faultShopify.orderId);
      expect(fulfillments).toHaveLength(1);
      expect(fulfillments[0].tracking[0]).toMatchObject({ company: 'UPS', number: '1Z-FAULT-1' });
      expect((await shopifyOrder(shops, faultShopify.orderId)).fulfillmentStatus).toBe('fulfilled');
      const view = await wooOrder(shops, faultWoo.orderId);
      expect(view.status).toBe('completed');
      expect(view.trackingItems).toEqual([
        expect.objectContaining({ custom_tracking_provider: 'SDA', tracking_number: 'SDA-FAULT-2' }),
      ]);
      expect(view.notes.filter((n: Json) => n.customerNote)).toHaveLength(1);
    } finally {
      await shops.ok('DELETE', '/_sim/faults');
      await shops.ok('PUT', `${SHOPIFY_BASE}/throttle`, {
        maximumAvailable: 2000,
        restoreRate: 100,
        currentlyAvailable: 2000,
      });
      await shops.ok('PUT', `${WOO_BASE}/rate-limit`, { requestsPerSecond: 25, burst: 50 });
    }
  });

  it('answers cut short after the shop took the shipment: the error shows, the shipment ends confirmed, nothing is created twice', async () => {
    const { system, shops, events } = env;
    const malShopify = await createShopifyOrder(shops, [{ sku: 'MAL-SHOP', quantity: 1 }]);
    await announceShopOrder(system, malShopify);
    const malWoo = await createWooOrder(shops, [{ sku: 'MAL-WOO', quantity: 1 }]);
    await announceShopOrder(system, malWoo);

    // Each write is applied, then answered 200 with half its JSON: Shopify's fulfillmentCreate,
    // WooCommerce's order update (tracking, status) and its customer note.
    for (const fault of [
      { platform: 'shopify', operation: 'fulfillmentCreate' },
      { platform: 'woocommerce', operation: 'orders.update' },
      { platform: 'woocommerce', operation: 'orders.notes.create' },
    ])
      await shops.ok('POST', '/_sim/faults', { ...fault, kind: 'malformedBody', share: 1 });
    let ids: string[];
    try {
      ids = [
        await accept(
          {
            ...shopShipmentFor(malShopify, { carrier: 'BRT', trackingNumber: 'MAL-BRT-1' }),
            sendImmediately: true,
          },
          'malformed-shopify',
        ),
        await accept(
          {
            ...shopShipmentFor(malWoo, { carrier: 'BRT', trackingNumber: 'MAL-BRT-2' }),
            sendImmediately: true,
          },
          'malformed-woo',
        ),
      ];
      const [shopifyShipment, wooShipment] = [
        await waitForShipment(system, ids[0], ['confirmed', 'failed'], 45_000),
        await waitForShipment(system, ids[1], ['confirmed', 'failed'], 45_000),
      ];

      // Shopify: the unreadable answer is an unknown outcome, and the look-up finds the fulfillment.
      expect(shopifyShipment.status).toBe('confirmed');
      expect(shopifyShipment.packages[0].notification).toMatchObject({
        confirmedBy: 'reconciliation',
        attempts: 2,
        verification: 'applied',
      });
      expect(shopifyShipment.packages[0].notification.lastError).toMatchObject({
        code: 'MALFORMED',
        message: expect.stringMatching(/^the answer could not be read \(HTTP 200\)/),
      });
      // WooCommerce: the order update was unreadable on every try; the next attempt finds the tracking
      // there, adds only the note, and reads the notes back when that answer is unreadable too.
      expect(wooShipment.status).toBe('confirmed');
      expect(wooShipment.packages[0].notification).toMatchObject({ confirmedBy: 'response', attempts: 2 });
      expect(wooShipment.packages[0].notification.lastError).toMatchObject({
        code: 'HTTP_200',
        message: 'the answer is not valid JSON',
      });
      // One fulfillmentCreate, one customer note were ever sent.
      const { faults } = await shops.ok('GET', '/_sim/faults');
      expect(Object.fromEntries(faults.map((f: Json) => [f.operation, f.injected] as const))).toMatchObject({
        fulfillmentCreate: 1,
        'orders.notes.create': 1,
      });
    } finally {
      await shops.ok('DELETE', '/_sim/faults');
    }

    for (const id of ids) {
      await waitFor(`shipment.confirmed for ${id}`, () => events.of('shipment.confirmed', id).length === 1);
      await waitFor(`verification of ${id}`, async () => {
        const res = await notifier(system, 'GET', `/v1/shipments/${id}`);
        return res.body.packages[0].notification.verification === 'applied';
      });
    }
    await sleep(1000);
    for (const id of ids) {
      expect(events.of('shipment.confirmed', id)).toHaveLength(1);
      expect(events.of('shipment.failed', id)).toEqual([]);
    }
    const fulfillments = await shopifyFulfillments(shops, malShopify.orderId);
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0].tracking[0]).toMatchObject({ company: 'BRT', number: 'MAL-BRT-1' });
    expect((await shopifyOrder(shops, malShopify.orderId)).fulfillmentStatus).toBe('fulfilled');
    const view = await wooOrder(shops, malWoo.orderId);
    expect(view.status).toBe('completed');
    expect(view.trackingItems).toEqual([
      expect.objectContaining({ custom_tracking_provider: 'BRT', tracking_number: 'MAL-BRT-2' }),
    ]);
    expect(view.notes.filter((n: Json) => n.customerNote)).toHaveLength(1);
  });

  it('a carrier without a mapping goes to the shops as written (free text), while Amazon holds it', async () => {
    const { system, sim, shops } = env;
    const freeShopify = await createShopifyOrder(shops, [{ sku: 'FREE-SHOP', quantity: 1 }]);
    await announceShopOrder(system, freeShopify);
    const freeWoo = await createWooOrder(shops, [{ sku: 'FREE-WOO', quantity: 1 }]);
    await announceShopOrder(system, freeWoo);
    const freeAmazon = await sim.createOrder([{ sku: 'FREE-AMZ', quantity: 1 }]);
    await announceOrder(system, freeAmazon, 'confirmed');
    const carrier = '  Corriere Rapido Brianza ';

    const shopifyId = await accept(
      { ...shopShipmentFor(freeShopify, { carrier, trackingNumber: 'CRB-1' }), sendImmediately: true },
      'free-shopify',
    );
    const wooId = await accept(
      { ...shopShipmentFor(freeWoo, { carrier, trackingNumber: 'CRB-2' }), sendImmediately: true },
      'free-woo',
    );
    const amazonId = await accept(
      { ...shipmentFor(freeAmazon, { carrier, trackingNumber: 'CRB-3' }), sendImmediately: true },
      'free-amazon',
    );

    expect((await waitForShipment(system, shopifyId, ['confirmed', 'failed', 'held'])).status).toBe(
      'confirmed',
    );
    const fulfillments = await shopifyFulfillments(shops, freeShopify.orderId);
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0].tracking).toEqual([
      { company: 'Corriere Rapido Brianza', number: 'CRB-1', url: null },
    ]);
    expect((await waitForShipment(system, wooId, ['confirmed', 'failed', 'held'])).status).toBe('confirmed');
    expect((await wooOrder(shops, freeWoo.orderId)).trackingItems).toEqual([
      expect.objectContaining({
        custom_tracking_provider: 'Corriere Rapido Brianza',
        tracking_number: 'CRB-2',
      }),
    ]);
    const held = await waitForShipment(system, amazonId, ['confirmed', 'failed', 'held']);
    expect(held.status).toBe('held');
    expect(held.packages[0].notification.lastError).toMatchObject({ code: 'UnmappedCarrier' });
    expect(await sim.packages(freeAmazon.orderId)).toEqual([]);
  });

  it("a shop's refusal ends the shipment failed with the shop's message, and nothing is sent again", async () => {
    const { system, shops, events } = env;
    // Cancelled at the shop after the notifier learned of it as paid (the cancellation has not arrived here yet).
    const refusedShopify = await createShopifyOrder(shops, [{ sku: 'REFUSE-SHOP', quantity: 1 }]);
    await announceShopOrder(system, refusedShopify);
    await shops.ok('POST', `${SHOPIFY_BASE}/orders/${refusedShopify.orderId}/status`, {
      status: 'cancelled',
      webhook: 'suppress',
    });
    const refusedWoo = await createWooOrder(shops, [{ sku: 'REFUSE-WOO', quantity: 1 }]);
    await announceShopOrder(system, refusedWoo);
    await shops.ok('POST', `${WOO_BASE}/orders/${refusedWoo.orderId}/status`, {
      status: 'cancelled',
      webhook: 'suppress',
    });

    const shopifyId = await accept(
      {
        ...shopShipmentFor(refusedShopify, { carrier: 'BRT', trackingNumber: 'REF-1' }),
        sendImmediately: true,
      },
      'refuse-shopify',
    );
    const wooId = await accept(
      { ...shopShipmentFor(refusedWoo, { carrier: 'BRT', trackingNumber: 'REF-2' }), sendImmediately: true },
      'refuse-woo',
    );

    for (const [id, order] of [
      [shopifyId, refusedShopify],
      [wooId, refusedWoo],
    ] as const) {
      const failed = await waitForShipment(system, id, ['failed', 'confirmed'], 45_000);
      expect(failed.status).toBe('failed');
      expect(failed.packages[0].notification).toMatchObject({ state: 'failed', attempts: 1 });
      expect(failed.packages[0].notification.lastError).toEqual(
        expect.objectContaining({ code: 'ORDER_CANCELLED', message: `order ${order.orderId} is cancelled` }),
      );
      await waitFor(`shipment.failed for ${id}`, () => events.of('shipment.failed', id).length === 1);
      expect(events.of('shipment.failed', id)[0].payload).toMatchObject({
        channel: order.channel,
        code: 'ORDER_CANCELLED',
        message: `order ${order.orderId} is cancelled`,
        held: false,
      });
    }
    await sleep(1000);
    expect(await shopifyFulfillments(shops, refusedShopify.orderId)).toEqual([]);
    expect((await wooOrder(shops, refusedWoo.orderId)).trackingItems).toEqual([]);
    expect(
      (await notifier(system, 'GET', `/v1/shipments/${shopifyId}`)).body.packages[0].notification.attempts,
    ).toBe(1);
  });
});
