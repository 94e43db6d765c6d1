import type { OrderSnapshot } from '@holdfast/contracts';
import {
  createWooCommerceChannel,
  isWooCommercePing,
  verifyWooCommerceWebhook,
  WooCommerceRecentDeliveries,
  wooCommerceSnapshotFromOrder,
  type WooCommerceChannel,
  type WooCommerceStoreCredentials,
} from '../src';
import { ShopSimulatorProcess, waitUntil, WebhookReceiver, type Json } from '@holdfast/testing';

const STORE = 'demo';
const ACCOUNT = 'woo-demo';
const SECRET = 'holdfast-woo-webhook-secret';

interface Intake {
  topic: string;
  deliveryId: string;
  snapshot: OrderSnapshot | null;
}

describe('WooCommerce adapters against the shop simulator', () => {
  let sim: ShopSimulatorProcess;
  let receiver: WebhookReceiver;
  let woo: WooCommerceChannel;
  const guard = new WooCommerceRecentDeliveries();
  const intake: Intake[] = [];
  let pings = 0;

  const credentials = (
    overrides: Partial<WooCommerceStoreCredentials> = {},
  ): WooCommerceStoreCredentials => ({
    accountId: ACCOUNT,
    storeUrl: `${sim.apiUrl}/woocommerce/${STORE}`,
    consumerKey: 'ck_holdfast_simulator',
    consumerSecret: 'cs_holdfast_simulator',
    webhookSecrets: [SECRET],
    requestsPerSecond: 50,
    burst: 50,
    ...overrides,
  });
  const channel = (overrides: Partial<WooCommerceStoreCredentials> = {}) =>
    createWooCommerceChannel(credentials(overrides), { client: { baseDelayMs: 20, maxDelayMs: 200 } });

  const base = `/_sim/woocommerce/stores/${STORE}`;
  const createOrder = async (body: Record<string, unknown>) =>
    (await sim.ok('POST', `${base}/orders`, body)).order;
  const setStatus = (orderId: number, status: string) =>
    sim.ok('POST', `${base}/orders/${orderId}/status`, { status });
  const calls = async (operation: string) => {
    const { calls } = await sim.ok('GET', '/_sim/stats');
    return (
      calls.find((c: Json) => c.platform === 'woocommerce' && c.operation === operation)?.counts ?? {
        ok: 0,
        throttled: 0,
        fault: 0,
      }
    );
  };
  const webhookSnapshot = (orderId: number, topic: string, after = 0) =>
    waitUntil(
      `${topic} for order ${orderId}`,
      () =>
        intake.slice(after).find((i) => i.topic === topic && i.snapshot?.orderId === String(orderId))
          ?.snapshot ?? undefined,
    );

  beforeAll(async () => {
    sim = await ShopSimulatorProcess.start();
    receiver = await WebhookReceiver.start((request) => {
      if (isWooCommercePing(request.headers, request.rawBody)) {
        pings += 1;
        return 200;
      }
      const verification = verifyWooCommerceWebhook(request.rawBody, request.headers, [SECRET]);
      if (!verification.ok) return 401;
      if (!guard.firstSeen(verification.delivery.dedupeKey)) return 200;
      intake.push({
        topic: verification.delivery.topic,
        deliveryId: verification.delivery.deliveryId,
        snapshot: wooCommerceSnapshotFromOrder(JSON.parse(request.rawBody.toString('utf8')), ACCOUNT),
      });
      return 200;
    });
    await sim.ok('PUT', `${base}/webhooks`, { url: receiver.url });
    await sim.ok('POST', `${base}/products`, {
      products: [
        { sku: 'W-MUG', stockQuantity: 10 },
        {
          sku: 'W-TEE',
          variations: [
            { sku: 'W-TEE-S', stockQuantity: 5 },
            { sku: 'W-TEE-M', stockQuantity: 5 },
          ],
        },
      ],
    });
    woo = channel();
  });

  afterAll(async () => {
    await receiver?.stop();
    await sim?.stop();
  });

  it('maps every status from webhooks and reads the same snapshot back over REST', async () => {
    const order = await createOrder({
      lines: [
        { sku: 'W-MUG', quantity: 2 },
        { sku: 'W-TEE-S', quantity: 1 },
      ],
      status: 'pending',
    });
    const created = await webhookSnapshot(order.id, 'order.created');
    expect(created).toMatchObject({
      channel: 'woocommerce',
      accountId: ACCOUNT,
      orderId: String(order.id),
      status: 'pending',
      channelStatus: 'pending',
      fulfilledBy: 'MERCHANT',
    });
    expect(created.lines).toEqual([
      {
        lineId: String(order.lines[0].lineItemId),
        channelSku: 'W-MUG',
        quantityOrdered: 2,
        quantityShipped: 0,
        quantityCanceled: 0,
      },
      {
        lineId: String(order.lines[1].lineItemId),
        channelSku: 'W-TEE-S',
        quantityOrdered: 1,
        quantityShipped: 0,
        quantityCanceled: 0,
      },
    ]);
    expect(await woo.orders.fetchOrder(String(order.id))).toEqual(created);

    const expectStatus = async (status: string, expected: OrderSnapshot['status']) => {
      const mark = intake.length;
      await setStatus(order.id, status);
      const snapshot = await webhookSnapshot(order.id, 'order.updated', mark);
      expect(snapshot.status).toBe(expected);
      expect(await woo.orders.fetchOrder(String(order.id))).toEqual(snapshot);
      return snapshot;
    };
    const onHold = await expectStatus('on-hold', 'pending');
    const paid = await expectStatus('paid', 'confirmed');
    expect(paid.channelStatus).toBe('processing');
    expect(paid.revision).toBeGreaterThan(onHold.revision);
    const cancelled = await expectStatus('cancelled', 'canceled');
    expect(cancelled.lines.map((l) => l.quantityCanceled)).toEqual([2, 1]);

    const failed = await createOrder({ lines: [{ sku: 'W-MUG', quantity: 1 }], status: 'pending' });
    let mark = intake.length;
    await setStatus(failed.id, 'failed');
    expect((await webhookSnapshot(failed.id, 'order.updated', mark)).status).toBe('canceled');
    const refunded = await createOrder({ lines: [{ sku: 'W-MUG', quantity: 1 }], status: 'processing' });
    mark = intake.length;
    await setStatus(refunded.id, 'refunded');
    expect((await webhookSnapshot(refunded.id, 'order.updated', mark)).status).toBe('canceled');
  });

  it('answers a wrong signature with 401, keeps nothing, ignores a replay and answers the ping', async () => {
    const order = await createOrder({ lines: [{ sku: 'W-MUG', quantity: 1 }], status: 'on-hold' });
    await webhookSnapshot(order.id, 'order.created');
    const before = intake.length;

    const { webhooks } = await sim.ok('POST', `${base}/orders/${order.id}/webhooks`, {
      topic: 'order.updated',
      webhook: 'invalid-signature',
    });
    const forged = await waitUntil('the forged delivery to fail', async () => {
      const delivery = await sim.ok('GET', `/_sim/webhooks/${webhooks[0].deliveryId}`);
      return delivery.state === 'failed' ? delivery : undefined;
    });
    // WooCommerce does not redeliver: one attempt, refused.
    expect(forged.attempts.map((a: Json) => a.status)).toEqual([401]);
    expect(intake.length).toBe(before);

    const genuine = (
      await sim.ok('GET', `/_sim/webhooks?platform=woocommerce&topic=order.created`)
    ).deliveries.find((d: Json) => JSON.parse(d.body).id === order.id);
    expect(
      verifyWooCommerceWebhook(
        Buffer.from(genuine.body.replace('"on-hold"', '"processing"')),
        genuine.headers,
        [SECRET],
      ),
    ).toEqual({ ok: false, reason: 'bad_signature' });
    expect(
      verifyWooCommerceWebhook(Buffer.from(genuine.body), genuine.headers, ['rotated-out', SECRET]).ok,
    ).toBe(true);

    const replay = await sim.ok('POST', `/_sim/webhooks/${genuine.deliveryId}/replay`, {});
    expect(replay.status).toBe(200);
    expect(intake.length).toBe(before);

    expect(await sim.ok('POST', `${base}/webhooks/ping`, {})).toEqual({ status: 200 });
    expect(pings).toBe(1);
    expect(intake.length).toBe(before);
  });

  it('finds an order whose webhook was lost through the reconciliation listing, page by page', async () => {
    const checkpoint = new Date(Date.now() - 1000);
    const lost = await createOrder({
      lines: [{ sku: 'W-TEE-M', quantity: 2 }],
      status: 'processing',
      webhook: 'suppress',
    });
    await createOrder({ lines: [{ sku: 'W-MUG', quantity: 1 }], status: 'pending' });
    await createOrder({ lines: [{ sku: 'W-MUG', quantity: 1 }], status: 'pending' });
    expect(intake.some((i) => i.snapshot?.orderId === String(lost.id))).toBe(false);

    const found: OrderSnapshot[] = [];
    let pages = 0;
    let highWatermark: string | null = null;
    for await (const page of woo.orders.ordersUpdatedSince(checkpoint, { pageSize: 2 })) {
      pages += 1;
      found.push(...page.orders);
      highWatermark = page.highWatermark;
    }
    expect(pages).toBeGreaterThanOrEqual(2);
    expect(found.find((o) => o.orderId === String(lost.id))).toMatchObject({
      status: 'confirmed',
      lines: [{ channelSku: 'W-TEE-M', quantityOrdered: 2 }],
    });
    expect(new Set(found.map((o) => o.orderId)).size).toBe(found.length);
    expect(highWatermark).not.toBeNull();
  });

  it('sends 250 variations in three batches of at most 100 and simple products in one', async () => {
    const variations = Array.from({ length: 250 }, (_, i) => ({
      sku: `V-${String(i).padStart(3, '0')}`,
      stockQuantity: 1,
    }));
    const simple = Array.from({ length: 20 }, (_, i) => ({
      sku: `S-${String(i).padStart(2, '0')}`,
      stockQuantity: 1,
    }));
    await sim.ok('POST', `${base}/products`, { products: [{ sku: 'V-PARENT', variations }, ...simple] });
    const fresh = channel();
    const before = { variations: await calls('variations.batch'), products: await calls('products.batch') };

    const updates = [
      ...variations.map((v, i) => ({ sku: v.sku, quantity: i })),
      ...simple.map((s, i) => ({ sku: s.sku, quantity: 100 + i })),
      { sku: 'NOWHERE', quantity: 1 },
    ];
    const outcomes = await fresh.inventory.setAvailable(updates);
    expect(outcomes.filter((o) => o.outcome === 'applied')).toHaveLength(270);
    expect(outcomes.find((o) => o.sku === 'NOWHERE')).toEqual({ sku: 'NOWHERE', outcome: 'unknown_sku' });
    expect((await calls('variations.batch')).ok - before.variations.ok).toBe(3);
    expect((await calls('products.batch')).ok - before.products.ok).toBe(1);

    const { items } = await sim.ok('GET', `${base}/stock?sku=V-000,V-249,S-07`);
    expect(items.map((i: Json) => [i.sku, i.stockQuantity])).toEqual([
      ['V-000', 0],
      ['V-249', 249],
      ['S-07', 107],
    ]);
    const { changes } = await sim.ok('GET', `${base}/stock/history?sku=V-249&source=api:`);
    expect(changes).toEqual([
      expect.objectContaining({ source: 'api:variations.batch', delta: 248, stockQuantity: 249 }),
    ]);
  });

  it('slows down on 429 and honours Retry-After until every quantity is set', async () => {
    // The host allows 2 requests per second; this client believes it may burst 50.
    await sim.ok('PUT', `${base}/rate-limit`, { requestsPerSecond: 2, burst: 2 });
    const fresh = channel();
    const before = await calls('products.batch');
    const throttledBefore = (await sim.ok('GET', '/_sim/stats')).calls.reduce(
      (n: number, c: Json) => n + (c.platform === 'woocommerce' ? c.counts.throttled : 0),
      0,
    );
    const outcomes = await fresh.inventory.setAvailable([
      { sku: 'W-MUG', quantity: 3 },
      { sku: 'W-TEE-S', quantity: 4 },
      { sku: 'W-TEE-M', quantity: 6 },
    ]);
    expect(outcomes.map((o) => o.outcome)).toEqual(['applied', 'applied', 'applied']);
    const throttled = (await sim.ok('GET', '/_sim/stats')).calls.reduce(
      (n: number, c: Json) => n + (c.platform === 'woocommerce' ? c.counts.throttled : 0),
      0,
    );
    expect(throttled - throttledBefore).toBeGreaterThanOrEqual(1);
    expect((await calls('products.batch')).ok - before.ok).toBe(1);
    const { items } = await sim.ok('GET', `${base}/stock?sku=W-MUG,W-TEE-S,W-TEE-M`);
    expect(items.map((i: Json) => i.stockQuantity)).toEqual([3, 4, 6]);
    await sim.ok('PUT', `${base}/rate-limit`, { requestsPerSecond: 25, burst: 50 });
  });

  it('retries 5xx answers to a batch until the stock is set', async () => {
    await sim.ok('POST', '/_sim/faults', {
      platform: 'woocommerce',
      operation: 'products.batch',
      kind: 'http503',
      share: 1,
      limit: 2,
    });
    expect(await woo.inventory.setAvailable([{ sku: 'W-MUG', quantity: 8 }])).toEqual([
      { sku: 'W-MUG', outcome: 'applied', quantity: 8 },
    ]);
    expect((await sim.ok('GET', '/_sim/faults')).faults[0].injected).toBe(2);
    expect((await sim.ok('GET', `${base}/stock?sku=W-MUG`)).items[0].stockQuantity).toBe(8);
    await sim.ok('DELETE', '/_sim/faults');
  });

  it('reports shipments with tracking meta and one customer note each, completing the order when all is shipped', async () => {
    const order = await createOrder({
      lines: [
        { sku: 'W-MUG', quantity: 2 },
        { sku: 'W-TEE-S', quantity: 1 },
      ],
      status: 'processing',
    });
    const [mugLine, teeLine] = order.lines.map((l: Json) => String(l.lineItemId));
    // The answers to the note and to the order update are lost once each; neither may be doubled.
    await sim.ok('POST', '/_sim/faults', {
      platform: 'woocommerce',
      operation: 'orders.notes.create',
      kind: 'http502',
      phase: 'after',
      share: 1,
      limit: 1,
    });
    await sim.ok('POST', '/_sim/faults', {
      platform: 'woocommerce',
      operation: 'orders.update',
      kind: 'http502',
      phase: 'after',
      share: 1,
      limit: 1,
    });

    const first = await woo.fulfillments.confirmShipment({
      shipmentId: 'SH-1',
      orderId: String(order.id),
      lines: [{ lineId: mugLine, quantity: 2 }],
      carrier: 'BRT',
      trackingNumber: 'BRT-0001',
    });
    expect(first).toEqual({
      outcome: 'confirmed',
      channelReference: String(order.id),
      carrierSent: 'BRT',
      carrierKnown: false,
      alreadyConfirmed: false,
    });
    let view = await sim.ok('GET', `${base}/orders/${order.id}`);
    expect(view.status).toBe('processing');
    expect(view.trackingItems).toEqual([
      expect.objectContaining({
        tracking_provider: '',
        custom_tracking_provider: 'BRT',
        tracking_number: 'BRT-0001',
      }),
    ]);
    expect(view.notes.filter((n: Json) => n.customerNote)).toEqual([
      expect.objectContaining({ note: 'Your order has been shipped with BRT. Tracking number: BRT-0001.' }),
    ]);

    const mark = intake.length;
    const second = await woo.fulfillments.confirmShipment({
      shipmentId: 'SH-2',
      orderId: String(order.id),
      lines: [{ lineId: teeLine, quantity: 1 }],
      carrier: 'Poste Italiane',
      trackingNumber: 'PI-77',
      trackingUrl: 'https://www.poste.it/cerca/index.html#/risultati-spedizioni/PI-77',
    });
    expect(second).toMatchObject({ outcome: 'confirmed', alreadyConfirmed: false });
    view = await sim.ok('GET', `${base}/orders/${order.id}`);
    expect(view.status).toBe('completed');
    expect(
      view.trackingItems.map((t: Json) => [
        t.custom_tracking_provider,
        t.tracking_number,
        t.custom_tracking_link,
      ]),
    ).toEqual([
      ['BRT', 'BRT-0001', ''],
      ['Poste Italiane', 'PI-77', 'https://www.poste.it/cerca/index.html#/risultati-spedizioni/PI-77'],
    ]);
    expect((await webhookSnapshot(order.id, 'order.updated', mark)).status).toBe('shipped');

    // The same shipment again: nothing new at the shop.
    expect(
      await woo.fulfillments.confirmShipment({
        shipmentId: 'SH-2',
        orderId: String(order.id),
        lines: [{ lineId: teeLine, quantity: 1 }],
        carrier: 'Poste Italiane',
        trackingNumber: 'PI-77',
      }),
    ).toMatchObject({
      outcome: 'confirmed',
      alreadyConfirmed: true,
    });
    view = await sim.ok('GET', `${base}/orders/${order.id}`);
    expect(view.trackingItems).toHaveLength(2);
    expect(view.notes.filter((n: Json) => n.customerNote)).toHaveLength(2);
    expect((await sim.ok('GET', '/_sim/faults')).faults.map((f: Json) => f.injected)).toEqual([1, 1]);
    await sim.ok('DELETE', '/_sim/faults');
  });

  it('refuses shipments for cancelled orders and for lines the order does not have', async () => {
    const order = await createOrder({ lines: [{ sku: 'W-MUG', quantity: 1 }], status: 'processing' });
    await expect(
      woo.fulfillments.confirmShipment({
        shipmentId: 'SH-3',
        orderId: String(order.id),
        lines: [{ lineId: '999999', quantity: 1 }],
        carrier: 'GLS',
        trackingNumber: 'G-1',
      }),
    ).resolves.toMatchObject({ outcome: 'rejected', code: 'LINES_DO_NOT_MATCH' });
    await setStatus(order.id, 'cancelled');
    await expect(
      woo.fulfillments.confirmShipment({
        shipmentId: 'SH-4',
        orderId: String(order.id),
        lines: [{ lineId: String(order.lines[0].lineItemId), quantity: 1 }],
        carrier: 'GLS',
        trackingNumber: 'G-2',
      }),
    ).resolves.toMatchObject({ outcome: 'rejected', code: 'ORDER_CANCELLED' });
    await expect(
      woo.fulfillments.confirmShipment({
        shipmentId: 'SH-5',
        orderId: '424242',
        lines: [{ lineId: '1', quantity: 1 }],
        carrier: 'GLS',
        trackingNumber: 'G-3',
      }),
    ).resolves.toMatchObject({ outcome: 'rejected', code: 'ORDER_NOT_FOUND' });
    const view = await sim.ok('GET', `${base}/orders/${order.id}`);
    expect(view.trackingItems).toEqual([]);
  });
});
