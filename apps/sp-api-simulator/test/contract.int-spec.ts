import { IT, SELLER, SimulatorHarness, minutesAgo, sleep } from './support/simulator-harness';

/**
 * Every simulated operation, called the way Holdfast calls it: through amazon-sp-api configured by
 * @holdfast/channels-amazon (endpoint agent, pinned versions). Each call must succeed and its raw
 * body must conform to the official model's response schema.
 */
describe('SP-API contract through amazon-sp-api', () => {
  let harness: SimulatorHarness;
  let sp: ReturnType<SimulatorHarness['client']>;
  let orderId: string;
  let orderItemIds: string[];

  beforeAll(async () => {
    harness = await SimulatorHarness.start({ timeScale: 1000 });
    sp = harness.client();
    await harness.control('PUT', '/_sim/listings/HF-MUG-01', {
      productType: 'HOME',
      quantity: 5,
      marketplaceIds: [IT],
    });
    const order = await harness.createOrder({
      marketplaceId: IT,
      status: 'UNSHIPPED',
      createdAt: minutesAgo(30),
      items: [
        { sellerSku: 'HF-MUG-01', quantity: 2 },
        { sellerSku: 'HF-TEA-02', quantity: 1 },
      ],
    });
    orderId = order.orderId;
    orderItemIds = order.items.map((item: { orderItemId: string }) => item.orderItemId);
  });

  afterAll(async () => {
    await harness.close();
  });

  /** Calls through the package, keeps the raw response, checks status and schema. */
  async function call(
    operation: Parameters<SimulatorHarness['violations']>[0],
    params: Record<string, unknown>,
    expectedStatus: number,
  ) {
    const res = (await sp.callAPI({
      operation,
      ...params,
      options: { ...(params['options'] as object), raw_result: true },
    })) as unknown as {
      statusCode: number;
      body: string;
      headers: Record<string, string>;
    };
    const body = res.body ? JSON.parse(res.body) : undefined;
    expect({
      operation,
      status: res.statusCode,
      body: res.statusCode === expectedStatus ? 'ok' : body,
    }).toEqual({ operation, status: expectedStatus, body: 'ok' });
    expect(harness.violations(operation, res.statusCode, body)).toEqual([]);
    return { body, headers: res.headers };
  }

  it('LWA: the package exchanges its refresh token at the simulator, and the token it gets works', async () => {
    const fresh = harness.client('Atzr|contract-lwa');
    expect(fresh.access_token).toBeUndefined();
    await fresh.refreshAccessToken();
    expect(fresh.access_token).toMatch(/^Atza\|/);
    const lwa = (await harness.control('GET', '/_sim/stats')).json.operations.requestAccessToken;
    expect(lwa.succeeded).toBeGreaterThanOrEqual(1);
    const raw = await harness.https('GET', `/orders/2026-01-01/orders/${orderId}`, {
      token: fresh.access_token,
    });
    expect(raw.status).toBe(200);
  });

  it('searchOrders (v2026-01-01) returns the seeded order with its items inline', async () => {
    const { body, headers } = await call(
      'searchOrders',
      {
        endpoint: 'orders',
        query: {
          createdAfter: minutesAgo(60),
          marketplaceIds: [IT],
          includedData: ['BUYER', 'RECIPIENT', 'PROCEEDS', 'FULFILLMENT', 'PACKAGES'],
        },
      },
      200,
    );
    const found = body.orders.find((o: { orderId: string }) => o.orderId === orderId);
    expect(found.orderItems.map((i: { product: { sellerSku: string } }) => i.product.sellerSku)).toEqual([
      'HF-MUG-01',
      'HF-TEA-02',
    ]);
    expect(found.fulfillment.fulfillmentStatus).toBe('UNSHIPPED');
    expect(headers['x-amzn-ratelimit-limit']).toBe('0.0056');
  });

  it('searchOrders result is also what the package hands back unwrapped', async () => {
    const result = (await sp.callAPI({
      operation: 'searchOrders',
      endpoint: 'orders',
      query: { createdAfter: minutesAgo(60) },
    })) as { orders: { orderId: string }[] };
    expect(result.orders.map((o) => o.orderId)).toContain(orderId);
  });

  it('getOrder (v2026-01-01)', async () => {
    const { body } = await call(
      'getOrder',
      { endpoint: 'orders', path: { orderId }, query: { includedData: ['FULFILLMENT'] } },
      200,
    );
    expect(body.order.orderId).toBe(orderId);
  });

  it('getOrders (v0, called with an explicit version)', async () => {
    const { body } = await call(
      'getOrders',
      {
        endpoint: 'orders',
        query: { MarketplaceIds: [IT], CreatedAfter: minutesAgo(60) },
        options: { version: 'v0' },
      },
      200,
    );
    expect(body.payload.Orders.map((o: { AmazonOrderId: string }) => o.AmazonOrderId)).toContain(orderId);
  });

  it('getOrderItems (v0)', async () => {
    const { body } = await call(
      'getOrderItems',
      { endpoint: 'orders', path: { orderId }, options: { version: 'v0' } },
      200,
    );
    expect(body.payload.OrderItems.map((i: { OrderItemId: string }) => i.OrderItemId)).toEqual(orderItemIds);
  });

  it('confirmShipment (v0) answers 204 and the package reaches the simulator', async () => {
    const result = await sp.callAPI({
      operation: 'confirmShipment',
      endpoint: 'orders',
      path: { orderId },
      body: {
        marketplaceId: IT,
        packageDetail: {
          packageReferenceId: '1',
          carrierCode: 'BRT',
          trackingNumber: 'BRT000111',
          shipDate: new Date().toISOString(),
          orderItems: [{ orderItemId: orderItemIds[0], quantity: 2 }],
        },
      },
      options: { version: 'v0' },
    });
    expect(result).toEqual({ success: true });
    const shipments = await harness.control('GET', `/_sim/shipments?orderId=${orderId}`);
    expect(shipments.json.shipments).toHaveLength(1);
    expect((await harness.control('GET', `/_sim/orders/${orderId}`)).json.status).toBe('PARTIALLY_SHIPPED');
  });

  it('without an explicit version a v0-only operation is refused by the client, not silently downgraded', async () => {
    await expect(
      sp.callAPI({ operation: 'getOrderItems', endpoint: 'orders', path: { orderId } }),
    ).rejects.toMatchObject({
      code: 'OPERATION_NOT_FOUND_FOR_VERSION',
    });
  });

  it('getListingsItem', async () => {
    const { body } = await call(
      'getListingsItem',
      {
        endpoint: 'listingsItems',
        path: { sellerId: SELLER, sku: 'HF-MUG-01' },
        query: { marketplaceIds: [IT], includedData: ['summaries', 'fulfillmentAvailability'] },
      },
      200,
    );
    expect(body.summaries[0].productType).toBe('HOME');
    expect(body.fulfillmentAvailability).toEqual([{ fulfillmentChannelCode: 'DEFAULT', quantity: 5 }]);
  });

  it('patchListingsItem is ACCEPTED and applied later', async () => {
    const { body } = await call(
      'patchListingsItem',
      {
        endpoint: 'listingsItems',
        path: { sellerId: SELLER, sku: 'HF-MUG-01' },
        query: { marketplaceIds: [IT] },
        body: {
          productType: 'HOME',
          patches: [
            {
              op: 'merge',
              path: '/attributes/fulfillment_availability',
              value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 9 }],
            },
          ],
        },
      },
      200,
    );
    expect(body.status).toBe('ACCEPTED');
    await sleep(50);
    expect((await harness.control('GET', '/_sim/listings/HF-MUG-01')).json.quantity).toBe(9);
  });

  it('feeds: createFeedDocument, upload, createFeed, getFeed, getFeedDocument, download', async () => {
    const contentType = 'application/json; charset=UTF-8';
    const { body: document } = await call(
      'createFeedDocument',
      { endpoint: 'feeds', body: { contentType } },
      201,
    );
    const feedContent = JSON.stringify({
      header: { sellerId: SELLER, version: '2.0' },
      messages: [
        {
          messageId: 1,
          sku: 'HF-MUG-01',
          operationType: 'PATCH',
          productType: 'HOME',
          patches: [
            {
              op: 'merge',
              path: '/attributes/fulfillment_availability',
              value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 3 }],
            },
          ],
        },
      ],
    });
    expect(await sp.upload(document, { content: feedContent, contentType })).toEqual({ success: true });

    const { body: created } = await call(
      'createFeed',
      {
        endpoint: 'feeds',
        body: {
          feedType: 'JSON_LISTINGS_FEED',
          marketplaceIds: [IT],
          inputFeedDocumentId: document.feedDocumentId,
        },
      },
      202,
    );
    let feed: { processingStatus: string; resultFeedDocumentId?: string } = { processingStatus: 'IN_QUEUE' };
    for (let i = 0; i < 50 && !['DONE', 'FATAL', 'CANCELLED'].includes(feed.processingStatus); i++) {
      feed = (await call('getFeed', { endpoint: 'feeds', path: { feedId: created.feedId } }, 200)).body;
      if (feed.processingStatus !== 'DONE') await sleep(20);
    }
    expect(feed.processingStatus).toBe('DONE');

    const { body: result } = await call(
      'getFeedDocument',
      { endpoint: 'feeds', path: { feedDocumentId: feed.resultFeedDocumentId } },
      200,
    );
    const report = JSON.parse(String(await sp.download(result)));
    expect(harness.models.validateProcessingReport(report)).toEqual([]);
    expect(report.summary).toMatchObject({ messagesProcessed: 1, messagesAccepted: 1, messagesInvalid: 0 });
    expect((await harness.control('GET', '/_sim/listings/HF-MUG-01')).json.quantity).toBe(3);
  });

  it('served no response that broke its model', async () => {
    const stats = await harness.control('GET', '/_sim/stats');
    expect(stats.json.totals.responseSchemaViolations).toBe(0);
    expect(stats.json.operations.confirmShipment.succeeded).toBe(1);
  });
});
