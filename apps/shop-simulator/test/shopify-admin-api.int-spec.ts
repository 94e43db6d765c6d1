import { createHmac } from 'node:crypto';
import {
  eventually,
  ShopSimulatorHarness,
  SHOP,
  SHOP_SECRET,
  TOKEN,
  WebhookSink,
  type Json,
} from './support/shop-simulator-harness';

const SET = `mutation Set($input: InventorySetQuantitiesInput!, $key: String!) {
  inventorySetQuantities(input: $input) @idempotent(key: $key) {
    inventoryAdjustmentGroup { reason changes { name delta quantityAfterChange } }
    userErrors { code field message }
  }
}`;

describe('simulated Shopify Admin GraphQL API', () => {
  let sim: ShopSimulatorHarness;
  let sink: WebhookSink;
  let itemA: string;
  let itemB: string;
  let location: string;

  beforeAll(async () => {
    sim = await ShopSimulatorHarness.start({ shopify: { webhookRetryDelaysMs: [50, 50] } });
    sink = await WebhookSink.start();
    await sim.ok('PUT', `/_sim/shopify/shops/${SHOP}/webhooks`, { url: sink.url });
    const { products } = await sim.ok('POST', `/_sim/shopify/shops/${SHOP}/products`, {
      products: [
        { sku: 'A', available: 10 },
        { sku: 'B', available: 4 },
      ],
    });
    itemA = products[0].inventoryItemGid;
    itemB = products[1].inventoryItemGid;
    location = products[0].levels[0].locationGid;
  });

  afterAll(async () => {
    await sink.close();
    await sim.close();
  });

  const quantities = (entries: [string, number, number | null | undefined][]) =>
    entries.map(([inventoryItemId, quantity, changeFromQuantity]) => ({
      inventoryItemId,
      locationId: location,
      quantity,
      ...(changeFromQuantity === undefined ? {} : { changeFromQuantity }),
    }));
  const available = async (sku: string) =>
    (await sim.ok('GET', `/_sim/shopify/shops/${SHOP}/inventory?sku=${sku}`)).items[0].levels[0].available;

  it('authenticates by access token and checks it belongs to the shop named', async () => {
    expect((await sim.graphql('{ shop { name } }', undefined, {})).status).toBe(401);
    const wrong = await sim.graphql('{ shop { name } }', undefined, {
      'x-shopify-access-token': 'shpat_wrong',
    });
    expect(wrong).toMatchObject({
      status: 401,
      json: { errors: expect.stringContaining('Invalid API key or access token') },
    });
    expect(
      (
        await sim.graphql('{ shop { name } }', undefined, {
          'x-shopify-access-token': TOKEN,
          'x-forwarded-host': 'other.myshopify.com',
        })
      ).status,
    ).toBe(401);
    const ok = await sim.graphql('{ shop { myshopifyDomain } }');
    expect(ok.json.data).toEqual({ shop: { myshopifyDomain: SHOP } });
    expect(ok.headers.get('x-shopify-api-version')).toBe('2026-07');
  });

  it('validates queries against the schema and reports requested and actual cost', async () => {
    const invalid = await sim.graphql('{ productVariants(first: 5) { nodes { id inventoryCount } } }');
    expect(invalid.status).toBe(200);
    expect(invalid.json.errors[0].message).toContain('inventoryCount');

    const result = await sim.graphql(
      '{ productVariants(first: 50, query: "sku:A OR sku:B") { nodes { id sku inventoryItem { id } } } }',
    );
    expect(result.json.data.productVariants.nodes.map((n: Json) => n.sku)).toEqual(['A', 'B']);
    // 2 + 50 × (variant 1 + inventory item 1) requested; 2 + 2 × 2 actually returned.
    expect(result.json.extensions.cost).toMatchObject({ requestedQueryCost: 102, actualQueryCost: 6 });

    const tooBig = await sim.graphql(
      '{ orders(first: 250) { nodes { lineItems(first: 250) { nodes { id variant { id } } } } } }',
    );
    expect(tooBig.json.errors[0].extensions).toMatchObject({ code: 'MAX_COST_EXCEEDED', maxCost: 1000 });
    const noPageSize = await sim.graphql('{ orders { nodes { id } } }');
    expect(noPageSize.json.errors[0].message).toBe('you must provide one of first or last');
  });

  it('throttles a query the bucket cannot pay for, with Shopify’s THROTTLED shape, until it refills', async () => {
    await sim.ok('PUT', `/_sim/shopify/shops/${SHOP}/throttle`, {
      maximumAvailable: 1000,
      restoreRate: 1000,
      currentlyAvailable: 0,
    });
    const throttled = await sim.graphql('{ productVariants(first: 100) { nodes { id } } }');
    expect(throttled.status).toBe(200);
    expect(throttled.json.data).toBeUndefined();
    expect(throttled.json.errors).toEqual([
      {
        message: 'Throttled',
        extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
      },
    ]);
    expect(throttled.json.extensions.cost).toMatchObject({
      requestedQueryCost: 102,
      actualQueryCost: null,
      throttleStatus: { maximumAvailable: 1000, restoreRate: 1000 },
    });
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect((await sim.graphql('{ productVariants(first: 100) { nodes { id } } }')).json.data).toBeDefined();
    await sim.ok('PUT', `/_sim/shopify/shops/${SHOP}/throttle`, {
      maximumAvailable: 2000,
      restoreRate: 100,
      currentlyAvailable: 2000,
    });
  });

  it('sets available quantities all or nothing, with compare-and-swap and idempotency keys', async () => {
    const missingKey = await sim.graphql(
      SET.replace(' @idempotent(key: $key)', '').replace(', $key: String!', ''),
      { input: { name: 'available', reason: 'correction', quantities: quantities([[itemA, 5, null]]) } },
    );
    expect(missingKey.json.errors[0].message).toContain('@idempotent');

    const noChangeFrom = await sim.graphql(SET, {
      key: 'k0',
      input: { name: 'available', reason: 'correction', quantities: quantities([[itemA, 5, undefined]]) },
    });
    expect(noChangeFrom.json.data.inventorySetQuantities.userErrors[0].field).toEqual([
      'input',
      'quantities',
      '0',
      'changeFromQuantity',
    ]);

    const stale = await sim.graphql(SET, {
      key: 'k1',
      input: {
        name: 'available',
        reason: 'correction',
        quantities: quantities([
          [itemA, 5, null],
          [itemB, 9, 999],
        ]),
      },
    });
    expect(stale.json.data.inventorySetQuantities.userErrors).toEqual([
      {
        code: 'CHANGE_FROM_QUANTITY_STALE',
        field: ['input', 'quantities', '1', 'changeFromQuantity'],
        message: expect.any(String),
      },
    ]);
    expect(await available('A')).toBe(10);

    const applied = await sim.graphql(SET, {
      key: 'k2',
      input: {
        name: 'available',
        reason: 'correction',
        quantities: quantities([
          [itemA, 5, 10],
          [itemB, 9, null],
        ]),
      },
    });
    expect(applied.json.data.inventorySetQuantities.inventoryAdjustmentGroup.changes).toEqual([
      { name: 'available', delta: -5, quantityAfterChange: 5 },
      { name: 'on_hand', delta: -5, quantityAfterChange: 5 },
      { name: 'available', delta: 5, quantityAfterChange: 9 },
      { name: 'on_hand', delta: 5, quantityAfterChange: 9 },
    ]);
    // The same key and input again: the first answer, nothing applied twice.
    const historyBefore = (await sim.ok('GET', `/_sim/shopify/shops/${SHOP}/inventory/history?sku=A`)).changes
      .length;
    const replay = await sim.graphql(SET, {
      key: 'k2',
      input: {
        name: 'available',
        reason: 'correction',
        quantities: quantities([
          [itemA, 5, 10],
          [itemB, 9, null],
        ]),
      },
    });
    expect(replay.json.data).toEqual(applied.json.data);
    expect((await sim.ok('GET', `/_sim/shopify/shops/${SHOP}/inventory/history?sku=A`)).changes).toHaveLength(
      historyBefore,
    );
    const mismatch = await sim.graphql(SET, {
      key: 'k2',
      input: { name: 'available', reason: 'correction', quantities: quantities([[itemA, 6, null]]) },
    });
    expect(mismatch.json.data.inventorySetQuantities.userErrors[0].code).toBe(
      'IDEMPOTENCY_KEY_PARAMETER_MISMATCH',
    );

    const tooMany = await sim.graphql(SET, {
      key: 'k3',
      input: {
        name: 'available',
        reason: 'correction',
        quantities: quantities(Array.from({ length: 251 }, () => [itemA, 1, null])),
      },
    });
    expect(tooMany.json.errors[0].extensions.code).toBe('MAX_INPUT_SIZE_EXCEEDED');
    const badReason = await sim.graphql(SET, {
      key: 'k4',
      input: { name: 'available', reason: 'because', quantities: quantities([[itemA, 1, null]]) },
    });
    expect(badReason.json.data.inventorySetQuantities.userErrors[0].code).toBe('INVALID_REASON');
  });

  it('commits stock for orders, restocks on cancel, and signs its webhooks as Shopify does', async () => {
    sink.requests.length = 0;
    const before = await available('B');
    const { order } = await sim.ok('POST', `/_sim/shopify/shops/${SHOP}/orders`, {
      lines: [{ sku: 'B', quantity: 2 }],
      financialStatus: 'pending',
    });
    expect(await available('B')).toBe(before - 2);
    await sim.ok('POST', `/_sim/shopify/shops/${SHOP}/orders/${order.id}/status`, { status: 'cancelled' });
    expect(await available('B')).toBe(before);

    await eventually(() => sink.requests.length >= 3);
    expect(sink.requests.map((r) => r.headers['x-shopify-topic'])).toEqual([
      'orders/create',
      'orders/cancelled',
      'orders/updated',
    ]);
    for (const request of sink.requests) {
      expect(request.headers['x-shopify-hmac-sha256']).toBe(
        createHmac('sha256', SHOP_SECRET).update(request.body).digest('base64'),
      );
      expect(request.headers['x-shopify-shop-domain']).toBe(SHOP);
      expect(request.headers['x-shopify-webhook-id']).toMatch(/^[0-9a-f-]{36}$/);
    }
    const cancelled = JSON.parse(sink.requests[1].body);
    expect(cancelled).toMatchObject({
      id: order.id,
      financial_status: 'voided',
      cancel_reason: 'customer',
      cancelled_at: expect.stringMatching(/\+01:00$/),
    });
  });

  it('redelivers a failed webhook with the same id on its schedule', async () => {
    sink.requests.length = 0;
    sink.status = 500;
    const { webhooks } = await sim.ok('POST', `/_sim/shopify/shops/${SHOP}/orders`, {
      lines: [{ sku: 'A', quantity: 1 }],
      financialStatus: 'pending',
    });
    const delivery = await eventually(async () => {
      const d = await sim.ok('GET', `/_sim/webhooks/${webhooks[0].deliveryId}`);
      return d.state === 'failed' ? d : undefined;
    });
    sink.status = 200;
    expect(delivery.attempts.map((a: Json) => a.status)).toEqual([500, 500, 500]);
    expect(new Set(sink.requests.map((r) => r.headers['x-shopify-webhook-id']))).toEqual(
      new Set([webhooks[0].deliveryId]),
    );
  });
});
