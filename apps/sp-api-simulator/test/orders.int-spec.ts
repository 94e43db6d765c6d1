import { DE, IT, SimulatorHarness, UK, minutesAgo, sleep } from './support/simulator-harness';

const ALL_DATA = ['BUYER', 'RECIPIENT', 'PROCEEDS', 'FULFILLMENT', 'PACKAGES'];

describe('orders: lifecycle, personal data, visibility, search rules', () => {
  let harness: SimulatorHarness;

  beforeAll(async () => {
    // Time scale 1: the 2-minute rule is real here, so orders are created in the past.
    harness = await SimulatorHarness.start({ delays: { paginationTokenTtlMs: 400 } });
    await harness.liftUsagePlans();
  });

  afterAll(async () => {
    await harness.close();
  });

  const getOrderV2026 = (orderId: string) =>
    harness.https('GET', `/orders/2026-01-01/orders/${orderId}`, { query: { includedData: ALL_DATA } });

  describe('a Pending order', () => {
    it('carries no buyer, no recipient and no prices until it becomes UNSHIPPED', async () => {
      const created = await harness.createOrder({
        marketplaceId: IT,
        createdAt: minutesAgo(20),
        items: [{ sellerSku: 'PII-1', quantity: 2, unitPrice: '12.50' }],
      });
      const orderId = created.orderId;

      const pending = await getOrderV2026(orderId);
      expect(harness.violations('getOrder', 200, pending.json)).toEqual([]);
      const pendingOrder = pending.json.order;
      expect(pendingOrder.fulfillment.fulfillmentStatus).toBe('PENDING');
      expect(pendingOrder.buyer).toBeUndefined();
      expect(pendingOrder.recipient).toBeUndefined();
      expect(pendingOrder.proceeds).toBeUndefined();
      expect(pendingOrder.orderItems[0].product.price).toBeUndefined();
      expect(pendingOrder.orderItems[0].proceeds).toBeUndefined();
      expect(pendingOrder.orderItems[0].product.sellerSku).toBe('PII-1');
      expect(pendingOrder.orderItems[0].quantityOrdered).toBe(2);

      const v0Order = await harness.https('GET', '/orders/v0/orders', {
        query: { MarketplaceIds: [IT], AmazonOrderIds: [orderId] },
      });
      expect(v0Order.json.payload.Orders[0].OrderStatus).toBe('Pending');
      expect(v0Order.json.payload.Orders[0].OrderTotal).toBeUndefined();
      expect(v0Order.json.payload.Orders[0].ShippingAddress).toBeUndefined();
      const v0Items = await harness.https('GET', `/orders/v0/orders/${orderId}/orderItems`);
      expect(v0Items.json.payload.OrderItems[0].ItemPrice).toBeUndefined();

      const moved = await harness.control('POST', `/_sim/orders/${orderId}/status`, { status: 'UNSHIPPED' });
      expect(moved.status).toBe(200);

      const unshipped = (await getOrderV2026(orderId)).json.order;
      expect(unshipped.fulfillment.fulfillmentStatus).toBe('UNSHIPPED');
      expect(unshipped.buyer.buyerName).toEqual(expect.any(String));
      expect(unshipped.buyer.buyerEmail).toMatch(/@marketplace\.amazon\.it$/);
      expect(unshipped.recipient.deliveryAddress).toMatchObject({
        countryCode: 'IT',
        city: expect.any(String),
        addressLine1: expect.any(String),
      });
      expect(unshipped.proceeds.grandTotal).toEqual({ amount: '25.00', currencyCode: 'EUR' });
      expect(unshipped.orderItems[0].product.price.unitPrice).toEqual({
        amount: '12.50',
        currencyCode: 'EUR',
      });
      expect(Date.parse(unshipped.lastUpdatedTime)).toBeGreaterThan(Date.parse(pendingOrder.lastUpdatedTime));

      const v0After = (await harness.https('GET', `/orders/v0/orders/${orderId}/orderItems`)).json.payload
        .OrderItems[0];
      expect(v0After.ItemPrice).toEqual({ CurrencyCode: 'EUR', Amount: '25.00' });
    });

    it('without includedData the v2026 order carries only the core fields', async () => {
      const created = await harness.createOrder({
        marketplaceId: DE,
        status: 'UNSHIPPED',
        createdAt: minutesAgo(20),
        items: [{ sellerSku: 'CORE-1', quantity: 1 }],
      });
      const order = (await harness.https('GET', `/orders/2026-01-01/orders/${created.orderId}`)).json.order;
      expect(order.buyer).toBeUndefined();
      expect(order.fulfillment).toBeUndefined();
      expect(order.orderItems[0].product.price.unitPrice.currencyCode).toBe('EUR');
    });
  });

  describe('transitions', () => {
    it('refuses moves Amazon does not make, and lets Amazon ship its own orders straight from PENDING', async () => {
      const mfn = await harness.createOrder({
        marketplaceId: IT,
        items: [{ sellerSku: 'T-1', quantity: 1 }],
      });
      const refused = await harness.control('POST', `/_sim/orders/${mfn.orderId}/status`, {
        status: 'SHIPPED',
      });
      expect(refused.status).toBe(409);
      expect(refused.headers['content-type']).toBe('application/problem+json');

      const afn = await harness.createOrder({
        marketplaceId: IT,
        fulfilledBy: 'AMAZON',
        items: [{ sellerSku: 'T-1', quantity: 1 }],
      });
      const shipped = await harness.control('POST', `/_sim/orders/${afn.orderId}/status`, {
        status: 'SHIPPED',
      });
      expect(shipped.json.status).toBe('SHIPPED');
      expect(shipped.json.history.map((h: { to: string }) => h.to)).toEqual(['PENDING', 'SHIPPED']);

      const cancelled = await harness.control('POST', `/_sim/orders/${mfn.orderId}/status`, {
        status: 'CANCELLED',
      });
      expect(cancelled.json.status).toBe('CANCELLED');
      expect(
        (await harness.control('POST', `/_sim/orders/${mfn.orderId}/status`, { status: 'UNSHIPPED' })).status,
      ).toBe(409);
    });
  });

  describe('late visibility', () => {
    it('an order missed by a passed lastUpdated window is found by a later catch-up search by creation time', async () => {
      const windowStart = minutesAgo(30);
      const windowEnd = minutesAgo(5);
      const order = await harness.createOrder({
        marketplaceId: IT,
        createdAt: minutesAgo(10),
        visibilityDelayMs: 1500,
        items: [{ sellerSku: 'LATE-1', quantity: 1 }],
      });
      const search = (query: Record<string, string | string[]>) =>
        harness.https('GET', '/orders/2026-01-01/orders', { query: { marketplaceIds: [IT], ...query } });
      const ids = (result: { json: { orders: { orderId: string }[] } }) =>
        result.json.orders.map((o) => o.orderId);

      // The poll covering the order's lastUpdatedTime runs while Amazon does not show it yet.
      const firstPoll = await search({ lastUpdatedAfter: windowStart, lastUpdatedBefore: windowEnd });
      expect(firstPoll.status).toBe(200);
      expect(ids(firstPoll)).not.toContain(order.orderId);
      expect((await getOrderV2026(order.orderId)).status).toBe(404);

      await sleep(1600);
      // The next poll starts where the last window ended: the order's lastUpdatedTime is behind it.
      const nextPoll = await search({ lastUpdatedAfter: windowEnd });
      expect(ids(nextPoll)).not.toContain(order.orderId);
      expect(Date.parse(order.lastUpdatedTime)).toBeLessThan(Date.parse(windowEnd));

      const catchUp = await search({ createdAfter: windowStart });
      expect(ids(catchUp)).toContain(order.orderId);
      expect(harness.violations('searchOrders', 200, catchUp.json)).toEqual([]);
    });

    it('an order changed less than two minutes ago is not yet returned (data lag)', async () => {
      const order = await harness.createOrder({
        marketplaceId: IT,
        items: [{ sellerSku: 'LAG-1', quantity: 1 }],
      });
      const result = await harness.https('GET', '/orders/2026-01-01/orders', {
        query: { createdAfter: minutesAgo(1) },
      });
      expect(result.json.orders.map((o: { orderId: string }) => o.orderId)).not.toContain(order.orderId);
      expect(Date.parse(result.json.createdBefore)).toBeLessThanOrEqual(Date.now() - 119_000);
    });
  });

  describe('searchOrders validation (400 with Amazon error shape)', () => {
    const cases: [string, Record<string, string | number | string[]>][] = [
      ['no After date', {}],
      ['both After dates', { createdAfter: minutesAgo(60), lastUpdatedAfter: minutesAgo(60) }],
      ['created mixed with lastUpdated', { createdAfter: minutesAgo(60), lastUpdatedBefore: minutesAgo(10) }],
      ['lastUpdated mixed with created', { lastUpdatedAfter: minutesAgo(60), createdBefore: minutesAgo(10) }],
      ['Before within the last two minutes', { createdAfter: minutesAgo(60), createdBefore: minutesAgo(1) }],
      ['Before earlier than After', { createdAfter: minutesAgo(30), createdBefore: minutesAgo(40) }],
      ['maxResultsPerPage 0', { createdAfter: minutesAgo(60), maxResultsPerPage: 0 }],
      ['maxResultsPerPage 101', { createdAfter: minutesAgo(60), maxResultsPerPage: 101 }],
      ['not a date', { createdAfter: 'yesterday' }],
      ['unknown status', { createdAfter: minutesAgo(60), fulfillmentStatuses: ['SHIPPING'] }],
      ['unknown dataset', { createdAfter: minutesAgo(60), includedData: ['EVERYTHING'] }],
      [
        '51 marketplaces',
        { createdAfter: minutesAgo(60), marketplaceIds: Array.from({ length: 51 }, () => IT) },
      ],
      [
        'a marketplace outside the EU region',
        { createdAfter: minutesAgo(60), marketplaceIds: ['ATVPDKIKX0DER'] },
      ],
    ];
    it.each(cases)('%s', async (_label, query) => {
      const result = await harness.https('GET', '/orders/2026-01-01/orders', { query });
      expect(result.status).toBe(400);
      expect(result.json.errors[0].code).toBe('InvalidInput');
      expect(harness.violations('searchOrders', 400, result.json)).toEqual([]);
    });
  });

  describe('searchOrders filters and pagination', () => {
    let createdAfter: string;
    const seeded: string[] = [];

    beforeAll(async () => {
      createdAfter = minutesAgo(55);
      for (let i = 0; i < 12; i++) {
        const order = await harness.createOrder({
          marketplaceId: UK,
          fulfilledBy: i % 3 === 0 ? 'AMAZON' : 'MERCHANT',
          status: i % 2 === 0 ? 'UNSHIPPED' : 'PENDING',
          createdAt: new Date(Date.now() - (50 - i) * 60_000).toISOString(),
          items: [{ sellerSku: `PAGE-${i}`, quantity: 1 }],
        });
        seeded.push(order.orderId);
      }
    });

    it('filters by marketplace, fulfilment status and fulfilled-by', async () => {
      const result = await harness.https('GET', '/orders/2026-01-01/orders', {
        query: {
          createdAfter,
          marketplaceIds: [UK],
          fulfillmentStatuses: ['UNSHIPPED'],
          fulfilledBy: ['MERCHANT'],
          includedData: ['FULFILLMENT'],
        },
      });
      const orders = result.json.orders as {
        fulfillment: { fulfillmentStatus: string; fulfilledBy: string };
      }[];
      expect(orders).toHaveLength(4);
      expect(
        orders.every(
          (o) => o.fulfillment.fulfillmentStatus === 'UNSHIPPED' && o.fulfillment.fulfilledBy === 'MERCHANT',
        ),
      ).toBe(true);
      const gbp = await harness.https('GET', '/orders/2026-01-01/orders', {
        query: { createdAfter, marketplaceIds: [UK], includedData: ['PROCEEDS'] },
      });
      expect(
        gbp.json.orders.find((o: { proceeds?: unknown }) => o.proceeds).proceeds.grandTotal.currencyCode,
      ).toBe('GBP');
    });

    it('pages with next tokens that must repeat the filters and expire', async () => {
      const query = { createdAfter, marketplaceIds: [UK], maxResultsPerPage: 5 };
      const pages: string[][] = [];
      let token: string | undefined;
      do {
        const result = await harness.https('GET', '/orders/2026-01-01/orders', {
          query: { ...query, paginationToken: token },
        });
        expect(result.status).toBe(200);
        expect(harness.violations('searchOrders', 200, result.json)).toEqual([]);
        pages.push(result.json.orders.map((o: { orderId: string }) => o.orderId));
        token = result.json.pagination?.nextToken;
      } while (token);
      expect(pages.map((p) => p.length)).toEqual([5, 5, 2]);
      expect(pages.flat()).toEqual(seeded);

      const first = await harness.https('GET', '/orders/2026-01-01/orders', { query });
      const next = first.json.pagination.nextToken as string;
      const changedFilters = await harness.https('GET', '/orders/2026-01-01/orders', {
        query: { ...query, marketplaceIds: [IT], paginationToken: next },
      });
      expect(changedFilters.status).toBe(400);
      await sleep(450);
      const expired = await harness.https('GET', '/orders/2026-01-01/orders', {
        query: { ...query, paginationToken: next },
      });
      expect(expired.status).toBe(400);
      expect(expired.json.errors[0].message).toMatch(/expired/);
    });

    it('v0 getOrders pages with NextToken and maps statuses', async () => {
      const first = await harness.https('GET', '/orders/v0/orders', {
        query: {
          MarketplaceIds: [UK],
          CreatedAfter: createdAfter,
          MaxResultsPerPage: 10,
          OrderStatuses: ['Unshipped', 'Pending'],
        },
      });
      expect(first.status).toBe(200);
      expect(harness.violations('getOrders', 200, first.json)).toEqual([]);
      expect(first.json.payload.Orders).toHaveLength(10);
      const second = await harness.https('GET', '/orders/v0/orders', {
        query: { MarketplaceIds: [UK], NextToken: first.json.payload.NextToken },
      });
      expect(second.json.payload.Orders).toHaveLength(2);
      const bad = await harness.https('GET', '/orders/v0/orders', {
        query: { MarketplaceIds: [UK], CreatedAfter: '02/21/2022' },
      });
      expect(bad.status).toBe(400);
    });
  });

  describe('confirmShipment', () => {
    let order: { orderId: string; items: { orderItemId: string }[] };
    const confirm = (packageDetail: Record<string, unknown>, marketplaceId = IT, orderId = order.orderId) =>
      harness.https('POST', `/orders/v0/orders/${orderId}/shipmentConfirmation`, {
        body: {
          marketplaceId,
          packageDetail: {
            packageReferenceId: '1',
            carrierCode: 'GLS',
            trackingNumber: 'GLS123',
            shipDate: new Date().toISOString(),
            orderItems: [{ orderItemId: order.items[0].orderItemId, quantity: 1 }],
            ...packageDetail,
          },
        },
      });

    beforeAll(async () => {
      order = await harness.createOrder({
        marketplaceId: IT,
        status: 'UNSHIPPED',
        createdAt: minutesAgo(30),
        items: [
          { sellerSku: 'SHIP-A', quantity: 2 },
          { sellerSku: 'SHIP-B', quantity: 1 },
        ],
      });
    });

    it.each([
      ['a carrier code not on the list (case matters)', { carrierCode: 'gls' }],
      ['"Other" without a carrier name', { carrierCode: 'Other' }],
      ['a non-numeric packageReferenceId', { packageReferenceId: 'PKG-1' }],
      ['packageReferenceId 0', { packageReferenceId: '0' }],
      ['more units than ordered', { orderItems: [{ orderItemId: 'x', quantity: 1 }] }],
      ['a shipDate that is not ISO 8601', { shipDate: '02/21/2022' }],
      ['no order items', { orderItems: [] }],
    ])('refuses %s with 400', async (_label, detail) => {
      const result = await confirm(detail);
      expect(result.status).toBe(400);
      expect(harness.violations('confirmShipment', 400, result.json)).toEqual([]);
    });

    it('refuses quantities above what remains and a different marketplace', async () => {
      expect(
        (await confirm({ orderItems: [{ orderItemId: order.items[0].orderItemId, quantity: 3 }] })).status,
      ).toBe(400);
      expect((await confirm({}, DE)).status).toBe(400);
    });

    it('records each package, moves to PARTIALLY_SHIPPED then SHIPPED, and refuses a repeated packageReferenceId', async () => {
      const before = (await getOrderV2026(order.orderId)).json.order.lastUpdatedTime;
      await sleep(1000);
      const first = await confirm({ carrierCode: 'Other', carrierName: 'Corriere Locale' });
      expect(first.status).toBe(204);
      expect(first.text).toBe('');
      const partial = (await getOrderV2026(order.orderId)).json.order;
      expect(partial.fulfillment.fulfillmentStatus).toBe('PARTIALLY_SHIPPED');
      expect(Date.parse(partial.lastUpdatedTime)).toBeGreaterThan(Date.parse(before));
      expect(partial.orderItems[0].fulfillment).toEqual({ quantityFulfilled: 1, quantityUnfulfilled: 1 });

      const repeated = await confirm({
        orderItems: [{ orderItemId: order.items[1].orderItemId, quantity: 1 }],
      });
      expect(repeated.status).toBe(400);
      expect(repeated.json.errors[0].message).toMatch(/packageReferenceId 1/);

      const second = await confirm({
        packageReferenceId: '2',
        carrierCode: 'Poste Italiane',
        orderItems: [
          { orderItemId: order.items[0].orderItemId, quantity: 1 },
          { orderItemId: order.items[1].orderItemId, quantity: 1 },
        ],
      });
      expect(second.status).toBe(204);
      const shipped = (await getOrderV2026(order.orderId)).json.order;
      expect(shipped.fulfillment.fulfillmentStatus).toBe('SHIPPED');
      expect(
        shipped.packages.map((p: { packageReferenceId: string; carrier: string }) => [
          p.packageReferenceId,
          p.carrier,
        ]),
      ).toEqual([
        ['1', 'Corriere Locale'],
        ['2', 'Poste Italiane'],
      ]);
      const shipments = (await harness.control('GET', `/_sim/shipments?orderId=${order.orderId}`)).json
        .shipments;
      expect(
        shipments.map((s: { packageReferenceId: string; trackingNumber: string }) => s.packageReferenceId),
      ).toEqual(['1', '2']);

      expect((await confirm({ packageReferenceId: '3' })).status).toBe(400);
    });

    it('refuses a Pending order and answers 404 for an unknown one', async () => {
      const pending = await harness.createOrder({
        marketplaceId: IT,
        items: [{ sellerSku: 'P-1', quantity: 1 }],
      });
      const pendingOrder = { orderId: pending.orderId, items: pending.items };
      const result = await harness.https(
        'POST',
        `/orders/v0/orders/${pendingOrder.orderId}/shipmentConfirmation`,
        {
          body: {
            marketplaceId: IT,
            packageDetail: {
              packageReferenceId: '1',
              carrierCode: 'BRT',
              trackingNumber: 'X',
              shipDate: new Date().toISOString(),
              orderItems: [{ orderItemId: pendingOrder.items[0].orderItemId, quantity: 1 }],
            },
          },
        },
      );
      expect(result.status).toBe(400);
      const unknown = await confirm({}, IT, '999-9999999-9999999');
      expect(unknown.status).toBe(404);
      expect(harness.violations('confirmShipment', 404, unknown.json)).toEqual([]);
    });

    it('accepts a configured carrier list', async () => {
      await harness.control('PUT', '/_sim/carriers', { byMarketplace: { [IT]: ['Fercam'] } });
      const other = await harness.createOrder({
        marketplaceId: IT,
        status: 'UNSHIPPED',
        createdAt: minutesAgo(30),
        items: [{ sellerSku: 'C-1', quantity: 1 }],
      });
      const gls = await confirm(
        { orderItems: [{ orderItemId: other.items[0].orderItemId, quantity: 1 }] },
        IT,
        other.orderId,
      );
      expect(gls.status).toBe(400);
      const fercam = await confirm(
        { carrierCode: 'Fercam', orderItems: [{ orderItemId: other.items[0].orderItemId, quantity: 1 }] },
        IT,
        other.orderId,
      );
      expect(fercam.status).toBe(204);
    });
  });

  it('generates orders deterministically from the seed', async () => {
    const generate = async () => {
      await harness.control('POST', '/_sim/reset', {});
      const result = await harness.control('POST', '/_sim/orders/generate', {
        count: 5,
        fulfilledBy: 'MIXED',
        marketplaceIds: [IT, DE],
      });
      expect(result.status).toBe(201);
      return Promise.all(
        (result.json.orderIds as string[]).map(async (id) => {
          const order = (await harness.control('GET', `/_sim/orders/${id}`)).json;
          return [
            order.orderId,
            order.marketplaceId,
            order.fulfilledBy,
            order.items.map((i: { sellerSku: string; quantityOrdered: number }) => [
              i.sellerSku,
              i.quantityOrdered,
            ]),
            order.buyer.buyerName,
          ];
        }),
      );
    };
    const first = await generate();
    expect(first).toHaveLength(5);
    expect(await generate()).toEqual(first);
  });
});
