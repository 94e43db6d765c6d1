import { IT, SELLER, SimulatorHarness, minutesAgo } from './support/simulator-harness';

describe('faults on demand', () => {
  let harness: SimulatorHarness;
  let orderId: string;

  beforeAll(async () => {
    harness = await SimulatorHarness.start({ timeScale: 10, seed: 7 });
  });

  beforeEach(async () => {
    await harness.control('POST', '/_sim/reset', {});
    await harness.liftUsagePlans();
    orderId = (
      await harness.createOrder({
        marketplaceId: IT,
        createdAt: minutesAgo(10),
        items: [{ sellerSku: 'F-1', quantity: 2 }],
      })
    ).orderId;
  });

  afterAll(async () => {
    await harness.close();
  });

  const getOrder = () => harness.https('GET', `/orders/2026-01-01/orders/${orderId}`);

  it('a 503 share produces that share of 503s, each a documented error body, reproducibly for a seed', async () => {
    const added = await harness.control('POST', '/_sim/faults', {
      operation: 'getOrder',
      kind: 'http503',
      share: 0.3,
    });
    expect(added.status).toBe(201);
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) {
      const result = await getOrder();
      statuses.push(result.status);
      if (result.status === 503) {
        expect(result.json.errors[0].code).toBe('ServiceUnavailable');
        expect(harness.violations('getOrder', 503, result.json)).toEqual([]);
      }
    }
    const unavailable = statuses.filter((s) => s === 503).length;
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    // Binomial(200, 0.3): mean 60, sd 6.5.
    expect(unavailable).toBeGreaterThan(40);
    expect(unavailable).toBeLessThan(80);
    // Other operations are untouched.
    expect((await harness.https('GET', `/orders/v0/orders/${orderId}/orderItems`)).status).toBe(200);

    // Same seed, same calls: the same calls fail.
    await harness.control('POST', '/_sim/reset', {});
    await harness.liftUsagePlans();
    orderId = (
      await harness.createOrder({
        marketplaceId: IT,
        createdAt: minutesAgo(10),
        items: [{ sellerSku: 'F-1', quantity: 2 }],
      })
    ).orderId;
    await harness.control('POST', '/_sim/faults', { operation: 'getOrder', kind: 'http503', share: 0.3 });
    const replay: number[] = [];
    for (let i = 0; i < 200; i++) replay.push((await getOrder()).status);
    expect(replay).toEqual(statuses);
  });

  it('500s, and DELETE /_sim/faults restores normal service', async () => {
    await harness.control('POST', '/_sim/faults', { operation: '*', kind: 'http500', share: 1 });
    const failed = await getOrder();
    expect(failed.status).toBe(500);
    expect(failed.json.errors[0].code).toBe('InternalFailure');
    expect(harness.violations('getOrder', 500, failed.json)).toEqual([]);
    expect((await harness.control('DELETE', '/_sim/faults')).status).toBe(204);
    expect((await getOrder()).status).toBe(200);
  });

  it('connection resets reach the client as ECONNRESET, also through amazon-sp-api', async () => {
    await harness.control('POST', '/_sim/faults', {
      operation: 'getListingsItem',
      kind: 'connectionReset',
      share: 1,
    });
    await harness.control('PUT', '/_sim/listings/F-1', { productType: 'HOME', quantity: 1 });
    await expect(
      harness.https('GET', `/listings/2021-08-01/items/${SELLER}/F-1`, { query: { marketplaceIds: [IT] } }),
    ).rejects.toMatchObject({
      code: 'ECONNRESET',
    });
    const sp = harness.client();
    await expect(
      sp.callAPI({
        operation: 'getListingsItem',
        endpoint: 'listingsItems',
        path: { sellerId: SELLER, sku: 'F-1' },
        query: { marketplaceIds: [IT] },
      }),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await harness.control('GET', '/_sim/stats')).json.operations.getListingsItem.faultsInjected).toBe(
      2,
    );
  });

  it('a reset after the call took effect: the client sees an error, the shipment was recorded', async () => {
    await harness.control('POST', `/_sim/orders/${orderId}/status`, { status: 'UNSHIPPED' });
    const order = (await harness.control('GET', `/_sim/orders/${orderId}`)).json;
    await harness.control('POST', '/_sim/faults', {
      operation: 'confirmShipment',
      kind: 'connectionReset',
      share: 1,
      phase: 'after',
      limit: 1,
    });
    const body = {
      marketplaceId: IT,
      packageDetail: {
        packageReferenceId: '1',
        carrierCode: 'SDA',
        trackingNumber: 'SDA1',
        shipDate: new Date().toISOString(),
        orderItems: [{ orderItemId: order.items[0].orderItemId, quantity: 2 }],
      },
    };
    await expect(
      harness.https('POST', `/orders/v0/orders/${orderId}/shipmentConfirmation`, { body }),
    ).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect((await harness.control('GET', `/_sim/shipments?orderId=${orderId}`)).json.shipments).toHaveLength(
      1,
    );
    // The retry of the same package is refused as a duplicate, as Amazon would.
    expect(
      (await harness.https('POST', `/orders/v0/orders/${orderId}/shipmentConfirmation`, { body })).status,
    ).toBe(400);
  });

  it('a silent drop answers 204 but leaves the order unshipped', async () => {
    await harness.control('POST', `/_sim/orders/${orderId}/status`, { status: 'UNSHIPPED' });
    const order = (await harness.control('GET', `/_sim/orders/${orderId}`)).json;
    await harness.control('POST', '/_sim/faults', {
      operation: 'confirmShipment',
      kind: 'silentDrop',
      share: 1,
    });
    const result = await harness.https('POST', `/orders/v0/orders/${orderId}/shipmentConfirmation`, {
      body: {
        marketplaceId: IT,
        packageDetail: {
          packageReferenceId: '1',
          carrierCode: 'Amazon Shipping',
          trackingNumber: 'AS1',
          shipDate: new Date().toISOString(),
          orderItems: [{ orderItemId: order.items[0].orderItemId, quantity: 2 }],
        },
      },
    });
    expect(result.status).toBe(204);
    expect((await harness.control('GET', `/_sim/orders/${orderId}`)).json.status).toBe('UNSHIPPED');
    expect(
      (await harness.control('GET', `/_sim/shipments?orderId=${orderId}`)).json.shipments[0].dropped,
    ).toBe(true);
  });

  it('a malformed body breaks the client parse; latency delays the answer by the scaled time', async () => {
    await harness.control('POST', '/_sim/faults', {
      operation: 'getOrder',
      kind: 'malformedBody',
      share: 1,
      limit: 1,
    });
    const sp = harness.client();
    await expect(
      sp.callAPI({ operation: 'getOrder', endpoint: 'orders', path: { orderId } }),
    ).rejects.toMatchObject({ code: 'JSON_PARSE_ERROR' });

    await harness.control('POST', '/_sim/faults', {
      operation: 'getOrder',
      kind: 'latency',
      latencyMs: 3000,
      share: 1,
    });
    const started = performance.now();
    expect((await getOrder()).status).toBe(200);
    // 3 s of Amazon time at time scale 10.
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('spoils the named order of an Orders API answer (unknown status, no items) and leaves the rest alone', async () => {
    const other = (
      await harness.createOrder({
        marketplaceId: IT,
        createdAt: minutesAgo(9),
        items: [{ sellerSku: 'F-2', quantity: 1 }],
      })
    ).orderId;
    await harness.control('POST', '/_sim/faults', {
      operation: 'searchOrders',
      kind: 'unknownOrderStatus',
      orderId,
    });
    await harness.control('POST', '/_sim/faults', {
      operation: 'getOrder',
      kind: 'orderWithoutItems',
      orderId,
    });

    const search = await harness.https(
      'GET',
      `/orders/2026-01-01/orders?createdAfter=${encodeURIComponent(minutesAgo(30))}&marketplaceIds=${IT}&includedData=FULFILLMENT`,
    );
    expect(search.status).toBe(200);
    const byId = new Map(search.json.orders.map((o: { orderId: string }) => [o.orderId, o]));
    expect(byId.get(orderId)).toMatchObject({ fulfillment: { fulfillmentStatus: 'ON_HOLD_FOR_REVIEW' } });
    expect(byId.get(other)).toMatchObject({
      fulfillment: { fulfillmentStatus: 'PENDING' },
      orderItems: [expect.anything()],
    });

    const spoilt = await getOrder();
    expect(spoilt.status).toBe(200);
    expect(spoilt.json.order.orderItems).toEqual([]);
    // The order itself is unchanged at the simulator.
    expect((await harness.control('GET', `/_sim/orders/${orderId}`)).json).toMatchObject({
      status: 'PENDING',
      items: [expect.anything()],
    });
  });

  it('refuses a fault for an operation the simulator does not serve', async () => {
    const result = await harness.control('POST', '/_sim/faults', {
      operation: 'getCatalogItem',
      kind: 'http500',
      share: 1,
    });
    expect(result.status).toBe(400);
  });
});
