import type { OrderSnapshot } from '@holdfast/contracts';
import {
  createShopifyChannel,
  RecentDeliveries,
  shopifySnapshotFromWebhook,
  verifyShopifyWebhook,
  type ShopifyChannel,
  type ShopifyShopCredentials,
} from '../src';
import { ShopSimulatorProcess, waitUntil, WebhookReceiver, type Json } from '@holdfast/testing';

const SHOP = 'holdfast-demo.myshopify.com';
const SECRET = 'holdfast-shopify-webhook-secret';

interface Intake {
  topic: string;
  deliveryId: string;
  snapshot: OrderSnapshot | null;
}

describe('Shopify adapters against the shop simulator', () => {
  let sim: ShopSimulatorProcess;
  let receiver: WebhookReceiver;
  let shopify: ShopifyChannel;
  const guard = new RecentDeliveries();
  const intake: Intake[] = [];

  const credentials = (sim: ShopSimulatorProcess): ShopifyShopCredentials => ({
    accountId: SHOP,
    shopDomain: SHOP,
    apiVersion: '2026-07',
    accessToken: 'shpat_holdfast_simulator_token',
    webhookSecrets: [SECRET],
    endpoint: sim.apiUrl,
    notifyCustomer: true,
    carrierAliases: {},
  });
  const channel = () =>
    createShopifyChannel(credentials(sim), {
      caller: { baseDelayMs: 20, maxDelayMs: 200 },
      inventoryBatchSize: 50,
    });

  const createOrder = async (body: Record<string, unknown>) =>
    (await sim.ok('POST', `/_sim/shopify/shops/${SHOP}/orders`, body)).order;
  const setStatus = (orderId: number, status: string) =>
    sim.ok('POST', `/_sim/shopify/shops/${SHOP}/orders/${orderId}/status`, { status });
  const calls = async (operation: string) => {
    const { calls } = await sim.ok('GET', '/_sim/stats');
    return (
      calls.find((c: Json) => c.platform === 'shopify' && c.operation === operation)?.counts ?? {
        ok: 0,
        throttled: 0,
        fault: 0,
      }
    );
  };
  /** The snapshot the intake mapped from the latest webhook of `topic` for an order. */
  const webhookSnapshot = (orderId: number, topic: string, after = 0) =>
    waitUntil(
      `${topic} for order ${orderId}`,
      () =>
        intake.slice(after).find((i) => i.topic === topic && i.snapshot?.orderId === String(orderId))
          ?.snapshot ?? undefined,
    );

  beforeAll(async () => {
    sim = await ShopSimulatorProcess.start({ SHOP_SIM_SHOPIFY_WEBHOOK_RETRY_DELAYS_MS: '100,200' });
    receiver = await WebhookReceiver.start((request) => {
      const verification = verifyShopifyWebhook(request.rawBody, request.headers, [SECRET]);
      if (!verification.ok) return 401;
      if (!guard.firstSeen(verification.delivery.dedupeKey)) return 200;
      intake.push({
        topic: verification.delivery.topic,
        deliveryId: verification.delivery.webhookId,
        snapshot: shopifySnapshotFromWebhook(
          JSON.parse(request.rawBody.toString('utf8')),
          verification.delivery.shopDomain,
        ),
      });
      return 200;
    });
    await sim.ok('PUT', `/_sim/shopify/shops/${SHOP}/webhooks`, { url: receiver.url });
    await sim.ok('POST', `/_sim/shopify/shops/${SHOP}/products`, {
      products: [
        { sku: 'SKU-A', available: 10 },
        { sku: 'SKU-B', available: 10 },
        { sku: 'SKU C/1', available: 3 },
      ],
    });
    shopify = channel();
  });

  afterAll(async () => {
    await receiver?.stop();
    await sim?.stop();
  });

  it('maps every status from webhooks and reads the same snapshot back over GraphQL', async () => {
    const order = await createOrder({
      lines: [
        { sku: 'SKU-A', quantity: 2 },
        { sku: 'SKU-B', quantity: 1 },
      ],
      financialStatus: 'pending',
    });
    const created = await webhookSnapshot(order.id, 'orders/create');
    expect(created).toMatchObject({
      channel: 'shopify',
      accountId: SHOP,
      status: 'pending',
      fulfilledBy: 'MERCHANT',
      marketplaceId: null,
    });
    expect(created.lines).toEqual([
      {
        lineId: String(order.lines[0].lineItemId),
        channelSku: 'SKU-A',
        quantityOrdered: 2,
        quantityShipped: 0,
        quantityCanceled: 0,
      },
      {
        lineId: String(order.lines[1].lineItemId),
        channelSku: 'SKU-B',
        quantityOrdered: 1,
        quantityShipped: 0,
        quantityCanceled: 0,
      },
    ]);
    expect(await shopify.orders.fetchOrder(String(order.id))).toEqual(created);

    let mark = intake.length;
    await setStatus(order.id, 'authorized');
    const authorized = await webhookSnapshot(order.id, 'orders/updated', mark);
    expect(authorized.status).toBe('confirmed');
    expect(authorized.revision).toBeGreaterThan(created.revision);

    mark = intake.length;
    await setStatus(order.id, 'paid');
    const paid = await webhookSnapshot(order.id, 'orders/updated', mark);
    expect(paid).toMatchObject({ status: 'confirmed', channelStatus: 'paid/unfulfilled' });
    expect(await shopify.orders.fetchOrder(String(order.id))).toEqual(paid);

    mark = intake.length;
    const lineA = String(order.lines[0].lineItemId);
    const lineB = String(order.lines[1].lineItemId);
    await expect(
      shopify.fulfillments.confirmShipment({
        shipmentId: 'S-1',
        orderId: String(order.id),
        lines: [{ lineId: lineA, quantity: 1 }],
        carrier: 'UPS',
        trackingNumber: '1Z001',
      }),
    ).resolves.toMatchObject({ outcome: 'confirmed', carrierSent: 'UPS', carrierKnown: true });
    const partial = await webhookSnapshot(order.id, 'orders/partially_fulfilled', mark);
    expect(partial.status).toBe('partially_shipped');
    expect(partial.lines[0]).toMatchObject({ quantityShipped: 1, quantityCanceled: 0 });
    expect(partial.revision).toBeGreaterThan(paid.revision);
    expect(await shopify.orders.fetchOrder(String(order.id))).toEqual(partial);

    mark = intake.length;
    await shopify.fulfillments.confirmShipment({
      shipmentId: 'S-2',
      orderId: String(order.id),
      lines: [
        { lineId: lineA, quantity: 1 },
        { lineId: lineB, quantity: 1 },
      ],
      carrier: 'UPS',
      trackingNumber: '1Z002',
    });
    const shipped = await webhookSnapshot(order.id, 'orders/fulfilled', mark);
    expect(shipped.status).toBe('shipped');
    expect(shipped.lines.map((l) => l.quantityShipped)).toEqual([2, 1]);
    expect(await shopify.orders.fetchOrder(String(order.id))).toEqual(shipped);

    const toCancel = await createOrder({ lines: [{ sku: 'SKU-B', quantity: 3 }], financialStatus: 'paid' });
    mark = intake.length;
    await setStatus(toCancel.id, 'cancelled');
    const cancelled = await webhookSnapshot(toCancel.id, 'orders/cancelled', mark);
    expect(cancelled).toMatchObject({ status: 'canceled', channelStatus: 'cancelled' });
    expect(cancelled.lines[0]).toMatchObject({ quantityOrdered: 3, quantityShipped: 0, quantityCanceled: 3 });
    expect(await shopify.orders.fetchOrder(String(toCancel.id))).toEqual(cancelled);

    const toRefund = await createOrder({ lines: [{ sku: 'SKU-B', quantity: 1 }], financialStatus: 'paid' });
    mark = intake.length;
    await setStatus(toRefund.id, 'refunded');
    expect((await webhookSnapshot(toRefund.id, 'orders/updated', mark)).status).toBe('canceled');
  });

  it('answers a wrong signature with 401, keeps nothing, and ignores a replayed delivery', async () => {
    const order = await createOrder({ lines: [{ sku: 'SKU-A', quantity: 1 }], financialStatus: 'pending' });
    await webhookSnapshot(order.id, 'orders/create');
    const before = intake.length;

    const { webhooks } = await sim.ok('POST', `/_sim/shopify/shops/${SHOP}/orders/${order.id}/webhooks`, {
      topic: 'orders/updated',
      webhook: 'invalid-signature',
    });
    const forged = await waitUntil('the forged delivery to fail for good', async () => {
      const delivery = await sim.ok('GET', `/_sim/webhooks/${webhooks[0].deliveryId}`);
      return delivery.state === 'failed' ? delivery : undefined;
    });
    // Shopify retried it; every attempt was refused.
    expect(forged.attempts.map((a: Json) => a.status)).toEqual([401, 401, 401]);
    expect(intake.length).toBe(before);

    // The same bytes with a changed body fail too: the HMAC covers the raw body.
    const genuine = (
      await sim.ok('GET', `/_sim/webhooks?platform=shopify&topic=orders/create`)
    ).deliveries.find((d: Json) => JSON.parse(d.body).id === order.id);
    const tampered = Buffer.from(genuine.body.replace('"quantity":1', '"quantity":9'));
    expect(verifyShopifyWebhook(tampered, genuine.headers, [SECRET])).toEqual({
      ok: false,
      reason: 'bad_signature',
    });
    expect(
      verifyShopifyWebhook(Buffer.from(genuine.body), genuine.headers, ['another-secret', SECRET]).ok,
    ).toBe(true);
    expect(
      verifyShopifyWebhook(
        Buffer.from(genuine.body),
        { ...genuine.headers, 'x-shopify-hmac-sha256': undefined },
        [SECRET],
      ),
    ).toEqual({
      ok: false,
      reason: 'missing_signature',
    });

    // A replay: the recorded delivery sent again byte for byte. It is accepted (200) and changes nothing.
    const replay = await sim.ok('POST', `/_sim/webhooks/${genuine.deliveryId}/replay`, {});
    expect(replay.status).toBe(200);
    expect(intake.length).toBe(before);
    expect(intake.filter((i) => i.deliveryId === genuine.deliveryId)).toHaveLength(1);
  });

  it('finds an order whose webhook was lost through the reconciliation listing', async () => {
    const checkpoint = new Date(Date.now() - 1000);
    const lost = await createOrder({
      lines: [{ sku: 'SKU C/1', quantity: 1 }],
      financialStatus: 'paid',
      webhook: 'suppress',
    });
    const deliveries = (await sim.ok('GET', `/_sim/webhooks?platform=shopify&topic=orders/create`))
      .deliveries;
    expect(deliveries.find((d: Json) => JSON.parse(d.body).id === lost.id).state).toBe('suppressed');
    expect(intake.some((i) => i.snapshot?.orderId === String(lost.id))).toBe(false);

    const found: OrderSnapshot[] = [];
    let highWatermark: string | null = null;
    for await (const page of shopify.orders.ordersUpdatedSince(checkpoint, { pageSize: 2 })) {
      found.push(...page.orders);
      if (page.highWatermark && (!highWatermark || page.highWatermark > highWatermark))
        highWatermark = page.highWatermark;
    }
    const recovered = found.find((o) => o.orderId === String(lost.id));
    expect(recovered).toMatchObject({
      status: 'confirmed',
      lines: [{ channelSku: 'SKU C/1', quantityOrdered: 1 }],
    });
    expect(highWatermark! >= recovered!.updatedAt).toBe(true);
    // Sorted by update time, and nothing older than the checkpoint's second.
    expect(
      found.every((o) => Date.parse(o.updatedAt) >= Math.floor(checkpoint.getTime() / 1000) * 1000),
    ).toBe(true);
  });

  it('publishes 120 SKUs in three mutations of at most 50 and the shop shows every quantity', async () => {
    const skus = Array.from({ length: 120 }, (_, i) => `BULK-${String(i).padStart(3, '0')}`);
    await sim.ok('POST', `/_sim/shopify/shops/${SHOP}/products`, {
      products: skus.map((sku) => ({ sku, available: 1 })),
    });
    const before = await calls('inventorySetQuantities');

    const outcomes = await shopify.inventory.setAvailable([
      ...skus.map((sku, i) => ({ sku, quantity: i })),
      { sku: 'NOT-IN-SHOP', quantity: 4 },
    ]);
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(120);
    expect(outcomes.find((o) => o.sku === 'NOT-IN-SHOP')).toEqual({
      sku: 'NOT-IN-SHOP',
      outcome: 'unknown_sku',
    });
    expect((await calls('inventorySetQuantities')).ok - before.ok).toBe(3);

    const { items } = await sim.ok('GET', `/_sim/shopify/shops/${SHOP}/inventory?sku=${skus.join(',')}`);
    expect(new Map(items.map((i: Json) => [i.sku, i.levels[0].available]))).toEqual(
      new Map(skus.map((sku, i) => [sku, i])),
    );
    const { changes } = await sim.ok(
      'GET',
      `/_sim/shopify/shops/${SHOP}/inventory/history?sku=BULK-007&source=api:`,
    );
    expect(changes.filter((c: Json) => c.name === 'available')).toEqual([
      expect.objectContaining({
        delta: 6,
        quantityAfterChange: 7,
        reason: 'correction',
        referenceDocumentUri: expect.stringMatching(/^gid:\/\/holdfast\//),
      }),
    ]);
  });

  it('waits out THROTTLED answers within the bucket and still sets every quantity', async () => {
    const fresh = channel();
    // The bucket is empty and refills at 400 points/s; the fresh client does not know yet.
    await sim.ok('PUT', `/_sim/shopify/shops/${SHOP}/throttle`, {
      maximumAvailable: 1000,
      restoreRate: 400,
      currentlyAvailable: 0,
    });
    const before = await calls('productVariants');
    const started = Date.now();
    const outcomes = await fresh.inventory.setAvailable([
      { sku: 'SKU-A', quantity: 42 },
      { sku: 'SKU-B', quantity: 7 },
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['applied', 'applied']);
    const after = await calls('productVariants');
    expect(after.throttled - before.throttled).toBeGreaterThanOrEqual(1);
    // It waited for the points instead of hammering: a handful of throttled answers at most.
    expect(after.throttled - before.throttled).toBeLessThanOrEqual(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    const { items } = await sim.ok('GET', `/_sim/shopify/shops/${SHOP}/inventory?sku=SKU-A,SKU-B`);
    expect(items.map((i: Json) => i.levels[0].available)).toEqual([42, 7]);
    // The client's mirror learned the real bucket from the answers.
    expect(fresh.caller.limiter.status().restoreRate).toBe(400);
    await sim.ok('PUT', `/_sim/shopify/shops/${SHOP}/throttle`, {
      maximumAvailable: 2000,
      restoreRate: 100,
      currentlyAvailable: 2000,
    });
  });

  it('retries 5xx answers to inventory updates until the quantities are set', async () => {
    await sim.ok('POST', '/_sim/faults', {
      platform: 'shopify',
      operation: 'inventorySetQuantities',
      kind: 'http503',
      share: 1,
      limit: 2,
    });
    const outcomes = await shopify.inventory.setAvailable([{ sku: 'SKU-B', quantity: 5 }]);
    expect(outcomes).toEqual([{ sku: 'SKU-B', outcome: 'applied', quantity: 5 }]);
    expect((await sim.ok('GET', '/_sim/faults')).faults[0].injected).toBe(2);
    const { items } = await sim.ok('GET', `/_sim/shopify/shops/${SHOP}/inventory?sku=SKU-B`);
    expect(items[0].levels[0].available).toBe(5);
    await sim.ok('DELETE', '/_sim/faults');
  });

  it('fulfils with tracking once, even when the answer to fulfillmentCreate is lost', async () => {
    const order = await createOrder({ lines: [{ sku: 'SKU-A', quantity: 1 }], financialStatus: 'paid' });
    await sim.ok('POST', '/_sim/faults', {
      platform: 'shopify',
      operation: 'fulfillmentCreate',
      kind: 'http502',
      phase: 'after',
      share: 1,
      limit: 1,
    });
    const shipment = {
      shipmentId: 'S-9',
      orderId: String(order.id),
      lines: [{ lineId: String(order.lines[0].lineItemId), quantity: 1 }],
      carrier: 'dhl',
      trackingNumber: 'JD0146000012',
    };

    const first = await shopify.fulfillments.confirmShipment(shipment);
    expect(first).toMatchObject({
      outcome: 'confirmed',
      carrierSent: 'DHL Express',
      carrierKnown: true,
      alreadyConfirmed: true,
    });
    const again = await shopify.fulfillments.confirmShipment(shipment);
    expect(again).toMatchObject({ outcome: 'confirmed', alreadyConfirmed: true });

    const { fulfillments } = await sim.ok(
      'GET',
      `/_sim/shopify/shops/${SHOP}/fulfillments?orderId=${order.id}`,
    );
    expect(fulfillments).toHaveLength(1);
    expect(fulfillments[0].tracking).toEqual([
      {
        company: 'DHL Express',
        number: 'JD0146000012',
        url: 'https://www.dhl.com/en/express/tracking.html?AWB=JD0146000012&brand=DHL',
      },
    ]);
    expect(fulfillments[0].notifyCustomer).toBe(true);
    expect((await sim.ok('GET', `/_sim/shopify/shops/${SHOP}/orders/${order.id}`)).fulfillmentStatus).toBe(
      'fulfilled',
    );
    await sim.ok('DELETE', '/_sim/faults');
  });

  it('sends an unknown carrier as free text with its URL, and refuses what cannot be fulfilled', async () => {
    const order = await createOrder({ lines: [{ sku: 'SKU-B', quantity: 2 }], financialStatus: 'paid' });
    const lineId = String(order.lines[0].lineItemId);
    const confirmation = await shopify.fulfillments.confirmShipment({
      shipmentId: 'S-10',
      orderId: String(order.id),
      lines: [{ lineId, quantity: 2 }],
      carrier: 'Corriere Rapido Brianza',
      trackingNumber: 'CRB-77',
      trackingUrl: 'https://track.example.com/CRB-77',
    });
    expect(confirmation).toMatchObject({
      outcome: 'confirmed',
      carrierSent: 'Corriere Rapido Brianza',
      carrierKnown: false,
      alreadyConfirmed: false,
    });
    const { fulfillments } = await sim.ok(
      'GET',
      `/_sim/shopify/shops/${SHOP}/fulfillments?orderId=${order.id}`,
    );
    expect(fulfillments[0].tracking).toEqual([
      { company: 'Corriere Rapido Brianza', number: 'CRB-77', url: 'https://track.example.com/CRB-77' },
    ]);

    await expect(
      shopify.fulfillments.confirmShipment({
        shipmentId: 'S-11',
        orderId: String(order.id),
        lines: [{ lineId, quantity: 1 }],
        carrier: 'UPS',
        trackingNumber: 'OTHER',
      }),
    ).resolves.toMatchObject({ outcome: 'rejected', code: 'NOTHING_LEFT_TO_FULFILL' });
    const cancelled = await createOrder({
      lines: [{ sku: 'SKU-B', quantity: 1 }],
      financialStatus: 'pending',
    });
    await setStatus(cancelled.id, 'cancelled');
    await expect(
      shopify.fulfillments.confirmShipment({
        shipmentId: 'S-12',
        orderId: String(cancelled.id),
        lines: [{ lineId: String(cancelled.lines[0].lineItemId), quantity: 1 }],
        carrier: 'UPS',
        trackingNumber: 'X',
      }),
    ).resolves.toMatchObject({ outcome: 'rejected', code: 'ORDER_CANCELLED' });
  });
});
