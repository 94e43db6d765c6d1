import { createHmac } from 'node:crypto';
import {
  eventually,
  ShopSimulatorHarness,
  WebhookSink,
  WOO_SECRET,
  type Json,
} from './support/shop-simulator-harness';

describe('simulated WooCommerce REST API v3', () => {
  let sim: ShopSimulatorHarness;
  let sink: WebhookSink;
  const base = '/_sim/woocommerce/stores/demo';

  beforeAll(async () => {
    sim = await ShopSimulatorHarness.start();
    sink = await WebhookSink.start();
    await sim.ok('PUT', `${base}/webhooks`, { url: sink.url });
    await sim.ok('POST', `${base}/products`, {
      products: [
        { sku: 'MUG', stockQuantity: 10 },
        { sku: 'TEE', variations: [{ sku: 'TEE-S', stockQuantity: 3 }] },
      ],
    });
  });

  afterAll(async () => {
    await sink.close();
    await sim.close();
  });

  const stock = async (sku: string) =>
    (await sim.ok('GET', `${base}/stock?sku=${sku}`)).items[0].stockQuantity;

  it('checks the consumer key and secret', async () => {
    expect((await sim.woo('GET', '/orders', undefined, {})).json).toMatchObject({
      code: 'woocommerce_rest_cannot_view',
      data: { status: 401 },
    });
    const wrongKey = await sim.woo('GET', '/orders', undefined, {
      authorization: `Basic ${Buffer.from('ck_x:cs_holdfast_simulator').toString('base64')}`,
    });
    expect(wrongKey).toMatchObject({
      status: 401,
      json: { code: 'woocommerce_rest_authentication_error', message: 'Consumer key is invalid.' },
    });
    const wrongSecret = await sim.woo('GET', '/orders', undefined, {
      authorization: `Basic ${Buffer.from('ck_holdfast_simulator:cs_x').toString('base64')}`,
    });
    expect(wrongSecret.json.message).toBe('Consumer secret is invalid.');
  });

  it('refuses a batch of more than 100 items and reports per-item errors in a good one', async () => {
    const tooBig = await sim.woo('POST', '/products/batch', {
      update: Array.from({ length: 101 }, (_, i) => ({ id: i, stock_quantity: 1 })),
    });
    expect(tooBig).toMatchObject({
      status: 413,
      json: {
        code: 'woocommerce_rest_request_entity_too_large',
        message: 'Unable to accept more than 100 items for this request.',
      },
    });
    const { items } = await sim.ok('GET', `${base}/stock?sku=MUG`);
    const result = await sim.woo('POST', '/products/batch', {
      update: [
        { id: items[0].productId, stock_quantity: 7 },
        { id: 999_999, stock_quantity: 1 },
      ],
    });
    expect(result.json.update[0]).toMatchObject({
      id: items[0].productId,
      stock_quantity: 7,
      stock_status: 'instock',
    });
    expect(result.json.update[1]).toEqual({
      id: 999_999,
      error: { code: 'woocommerce_rest_product_invalid_id', message: 'Invalid ID.', data: { status: 400 } },
    });
    expect(await stock('MUG')).toBe(7);
  });

  it('reduces stock when an order is paid or on hold and restores it when cancelled', async () => {
    const { order } = await sim.ok('POST', `${base}/orders`, {
      lines: [{ sku: 'TEE-S', quantity: 2 }],
      status: 'pending',
    });
    expect(await stock('TEE-S')).toBe(3);
    await sim.ok('POST', `${base}/orders/${order.id}/status`, { status: 'on-hold' });
    expect(await stock('TEE-S')).toBe(1);
    await sim.ok('POST', `${base}/orders/${order.id}/status`, { status: 'paid' });
    expect(await stock('TEE-S')).toBe(1);
    await sim.ok('POST', `${base}/orders/${order.id}/status`, { status: 'cancelled' });
    expect(await stock('TEE-S')).toBe(3);
    const { changes } = await sim.ok('GET', `${base}/stock/history?sku=TEE-S&source=order:`);
    expect(changes.map((c: Json) => c.delta)).toEqual([-2, 2]);
  });

  it('lists orders modified after a time, in GMT or store time, paged with WordPress headers', async () => {
    const gmt = new Date(Math.floor(Date.now() / 1000) * 1000 - 1000).toISOString().slice(0, 19);
    const total = async () =>
      Number(
        (await sim.woo('GET', `/orders?modified_after=${gmt}&dates_are_gmt=true&per_page=2`)).headers.get(
          'x-wp-total',
        ),
      );
    const before = await total();
    for (let i = 0; i < 3; i++)
      await sim.ok('POST', `${base}/orders`, { lines: [{ sku: 'MUG', quantity: 1 }] });
    expect(await total()).toBe(before + 3);
    const page1 = await sim.woo(
      'GET',
      `/orders?modified_after=${gmt}&dates_are_gmt=true&per_page=2&orderby=id&order=asc`,
    );
    expect(page1.headers.get('x-wp-totalpages')).toBe(String(Math.ceil((before + 3) / 2)));
    expect(page1.json).toHaveLength(2);
    // Without dates_are_gmt the wall clock is read in the store's zone (UTC+1): the store's local time finds the same orders.
    const localWall = new Date(Date.parse(`${gmt}Z`) + 3_600_000).toISOString().slice(0, 19);
    const local = await sim.woo('GET', `/orders?modified_after=${localWall}&per_page=2`);
    expect(local.headers.get('x-wp-total')).toBe(String(before + 3));
    const order = page1.json[0];
    expect(order.date_modified_gmt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    expect(Date.parse(`${order.date_modified}Z`) - Date.parse(`${order.date_modified_gmt}Z`)).toBe(3_600_000);
    expect((await sim.woo('GET', '/orders?per_page=101')).json.code).toBe('rest_invalid_param');
  });

  it('stores tracking meta and notes, completes orders and signs order.updated as WooCommerce does', async () => {
    sink.requests.length = 0;
    const { order } = await sim.ok('POST', `${base}/orders`, {
      lines: [{ sku: 'MUG', quantity: 1 }],
      status: 'processing',
    });
    const tracking = [
      {
        tracking_provider: '',
        custom_tracking_provider: 'BRT',
        custom_tracking_link: '',
        tracking_number: 'B1',
        date_shipped: '1764000000',
        tracking_id: 'x',
      },
    ];
    const updated = await sim.woo('PUT', `/orders/${order.id}`, {
      status: 'completed',
      meta_data: [{ key: '_wc_shipment_tracking_items', value: tracking }],
    });
    expect(updated.json).toMatchObject({
      status: 'completed',
      meta_data: [{ key: '_wc_shipment_tracking_items', value: tracking }],
    });
    const note = await sim.woo('POST', `/orders/${order.id}/notes`, {
      note: 'Shipped with BRT: B1',
      customer_note: true,
    });
    expect(note).toMatchObject({ status: 201, json: { note: 'Shipped with BRT: B1', customer_note: true } });
    const view = await sim.ok('GET', `${base}/orders/${order.id}`);
    expect(view).toMatchObject({ status: 'completed', trackingItems: tracking });
    expect(view.notes.filter((n: Json) => n.customerNote).map((n: Json) => n.note)).toEqual([
      'Shipped with BRT: B1',
    ]);

    await eventually(() => sink.requests.find((r) => r.headers['x-wc-webhook-topic'] === 'order.updated'));
    for (const request of sink.requests) {
      expect(request.headers['x-wc-webhook-signature']).toBe(
        createHmac('sha256', WOO_SECRET).update(request.body).digest('base64'),
      );
      expect(request.headers['x-wc-webhook-delivery-id']).toMatch(/^[0-9a-f]{32}$/);
      expect(request.headers['x-wc-webhook-source']).toMatch(/\/woocommerce\/demo\/$/);
    }
    expect(JSON.parse(sink.requests.at(-1)!.body)).toMatchObject({ id: order.id, status: 'completed' });
  });

  it('answers 429 with Retry-After beyond the store’s rate', async () => {
    await sim.ok('PUT', `${base}/rate-limit`, { requestsPerSecond: 1, burst: 1 });
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 3; i++) {
      const result = await sim.woo('GET', '/orders');
      statuses.push(result.status);
      if (result.status === 429) retryAfter = result.headers.get('retry-after');
    }
    expect(statuses).toEqual([200, 429, 429]);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    await sim.ok('PUT', `${base}/rate-limit`, { requestsPerSecond: 25, burst: 50 });
  });
});
