import { waitFor } from '@holdfast/testing';
import { ACCOUNT_ID, DE, OrderIngestSystem, READER_API_KEY } from './support/order-ingest.harness';

/**
 * order-ingest as a process against the SP-API simulator (time ×60), the real broker and
 * database: an order's life from Pending to confirmed (re-read, buyer data sealed) or
 * cancelled, each change exactly one event even across overlapping polls, a restart and a
 * relay crash after publishing; Amazon-fulfilled orders; a malformed SP-API answer; the
 * HTTP API and its refusals.
 */
describe('order-ingest: every order, exactly once', () => {
  let system: OrderIngestSystem;

  beforeAll(async () => {
    system = await OrderIngestSystem.start('ingest_life');
    // Poll every second; every poll re-reads the last 30 s (overlapping windows on purpose).
    await system.setOptions({ pollIntervalSeconds: 1, overlapSeconds: 30 });
  });

  afterAll(async () => {
    await system?.stop();
  });

  let pendingOrderId: string;

  it('a Pending order appears as order.placed with its lines within one poll', async () => {
    const order = await system.sim.createOrder({
      marketplaceId: DE,
      items: [
        { sellerSku: 'MUG-01', quantity: 2 },
        { sellerSku: 'TEA-02', quantity: 1 },
      ],
    });
    pendingOrderId = order.orderId;
    const placed = await system.eventFor(pendingOrderId, 'order.placed', 15_000);
    expect(placed.payload.order).toMatchObject({
      channel: 'amazon',
      accountId: ACCOUNT_ID,
      orderId: pendingOrderId,
      marketplaceId: DE,
      status: 'pending',
      channelStatus: 'PENDING',
      fulfilledBy: 'MERCHANT',
      lines: [
        {
          lineId: order.items[0].orderItemId,
          channelSku: 'MUG-01',
          quantityOrdered: 2,
          quantityShipped: 0,
          quantityCanceled: 0,
        },
        {
          lineId: order.items[1].orderItemId,
          channelSku: 'TEA-02',
          quantityOrdered: 1,
          quantityShipped: 0,
          quantityCanceled: 0,
        },
      ],
    });
    // No personal data on the wire.
    expect(JSON.stringify(placed.payload)).not.toContain(order.buyer.buyerName);
  });

  it('its UNSHIPPED state is order.confirmed, re-read with getOrder, buyer data sealed and readable only with orders:pii', async () => {
    const getOrdersBefore = (await system.sim.calls('getOrder')).calls;
    await system.sim.setStatus(pendingOrderId, 'UNSHIPPED');
    const confirmed = await system.eventFor(pendingOrderId, 'order.confirmed');
    expect(confirmed.payload.order).toMatchObject({ status: 'confirmed', channelStatus: 'UNSHIPPED' });
    expect((await system.sim.calls('getOrder')).calls).toBeGreaterThan(getOrdersBefore);

    const simOrder = (await system.sim.control('GET', `/_sim/orders/${pendingOrderId}`)).body;
    const withPii = await system.http('GET', `/v1/accounts/${ACCOUNT_ID}/orders/${pendingOrderId}`);
    expect(withPii.status).toBe(200);
    expect(withPii.body.buyerData).toMatchObject({
      state: 'stored',
      buyer: { name: simOrder.buyer.buyerName, email: simOrder.buyer.buyerEmail },
      recipient: {
        name: simOrder.deliveryAddress.name,
        addressLine1: simOrder.deliveryAddress.addressLine1,
        city: simOrder.deliveryAddress.city,
        postalCode: simOrder.deliveryAddress.postalCode,
        countryCode: simOrder.deliveryAddress.countryCode,
      },
    });
    expect(withPii.body.events.map((e: { eventType: string }) => e.eventType)).toEqual([
      'order.placed',
      'order.confirmed',
    ]);

    const reader = await system.http(
      'GET',
      `/v1/accounts/${ACCOUNT_ID}/orders/${pendingOrderId}`,
      undefined,
      { key: READER_API_KEY },
    );
    expect(reader.status).toBe(200);
    expect(reader.body.buyerData).toEqual({ state: 'withheld', requiredScope: 'orders:pii' });
    expect(JSON.stringify(reader.body)).not.toContain(simOrder.buyer.buyerName);

    // At rest: ciphertext only.
    const [row] = await system.db.query<{ ciphertext: Buffer }>(
      `SELECT ciphertext FROM order_ingest.buyer_data WHERE order_id = $1`,
      [pendingOrderId],
    );
    expect(row.ciphertext.toString('latin1')).not.toContain(simOrder.deliveryAddress.city);
  });

  it('a CANCELLED order is order.canceled with its lines cancelled', async () => {
    const order = await system.sim.createOrder({ items: [{ sellerSku: 'MUG-01', quantity: 1 }] });
    await system.eventFor(order.orderId, 'order.placed');
    await system.sim.setStatus(order.orderId, 'CANCELLED');
    const canceled = await system.eventFor(order.orderId, 'order.canceled');
    expect(canceled.payload.order.lines[0]).toMatchObject({ quantityOrdered: 1, quantityCanceled: 1 });
  });

  it('none of these is emitted twice across overlapping polls, a crash of the relay after publishing, and restarts', async () => {
    const pollsBefore = (await system.http('GET', '/v1/poll-health')).body.accounts[0].pollsSucceeded;
    // Restart with a fault: the relay publishes the next order.placed, then the process
    // dies (kill -9) before marking it sent; the restarted relay publishes it again.
    await system.service.stop();
    await system.service.start({ FAULT_KILL_AFTER_PUBLISH: 'order.placed' });
    const order = await system.sim.createOrder({ items: [{ sellerSku: 'KILL-01', quantity: 3 }] });
    await system.service.exited(30_000);
    await system.service.start();
    await waitFor('the event again after the restart', () => system.eventsOf(order.orderId).length >= 2);
    // The copy on the wire has the same message id: consumers' inboxes drop it.
    expect(new Set(system.eventsOf(order.orderId).map((e) => e.messageId)).size).toBe(1);
    expect(await system.outboxTypes(order.orderId)).toEqual(['order.placed']);

    await waitFor('more overlapping polls after the restarts', async () => {
      const health = (await system.http('GET', '/v1/poll-health')).body.accounts[0];
      return health.pollsSucceeded >= pollsBefore + 3;
    });
    expect(system.distinctEvents(pendingOrderId)).toEqual({ 'order.placed': 1, 'order.confirmed': 1 });
    expect(await system.outboxTypes(pendingOrderId)).toEqual(['order.placed', 'order.confirmed']);
    const changes = await system.db.query(`SELECT 1 FROM order_ingest.order_changes WHERE order_id = $1`, [
      pendingOrderId,
    ]);
    expect(changes).toHaveLength(2);
  });

  it('an Amazon-fulfilled order is emitted with fulfilledBy AMAZON; the account does not reserve for it unless told', async () => {
    const order = await system.sim.createOrder({
      fulfilledBy: 'AMAZON',
      items: [{ sellerSku: 'FBA-01', quantity: 1 }],
    });
    const placed = await system.eventFor(order.orderId, 'order.placed');
    expect(placed.fulfilledBy).toBe('AMAZON');
    const account = await system.http('GET', `/v1/accounts/${ACCOUNT_ID}`);
    expect(account.body.options.reserveAmazonFulfilled).toBe(false);

    await system.sim.setStatus(order.orderId, 'SHIPPED');
    const shipped = await system.eventFor(order.orderId, 'order.shipped');
    expect(shipped.payload.order.lines[0]).toMatchObject({ quantityShipped: 1 });
    // Amazon ships it: no buyer data is fetched or kept for it.
    const detail = await system.http('GET', `/v1/accounts/${ACCOUNT_ID}/orders/${order.orderId}`);
    expect(detail.body.buyerData).toEqual({ state: 'none' });

    const changed = await system.http('PATCH', `/v1/accounts/${ACCOUNT_ID}/options`, {
      reserveAmazonFulfilled: true,
    });
    expect(changed.status).toBe(200);
    expect((await system.http('GET', `/v1/accounts/${ACCOUNT_ID}`)).body.options.reserveAmazonFulfilled).toBe(
      true,
    );
    await system.setOptions({ reserveAmazonFulfilled: false });
  });

  it('a malformed SP-API answer is an ingest error; the orders are imported by the next poll', async () => {
    await system.sim.control('POST', '/_sim/faults', {
      operation: 'searchOrders',
      kind: 'malformedBody',
      limit: 1,
    });
    const order = await system.sim.createOrder({ items: [{ sellerSku: 'MAL-01', quantity: 1 }] });
    await system.eventFor(order.orderId, 'order.placed');
    const errors = await system.http('GET', `/v1/ingest-errors?accountId=${ACCOUNT_ID}`);
    const malformed = errors.body.errors.find((e: { problem: string }) => e.problem === 'malformed-response');
    expect(malformed).toMatchObject({
      operation: 'searchOrders',
      orderId: null,
      rawPayload: expect.stringMatching(/^\/v1\/raw-payloads\/\d+$/),
    });
    // The reference leads to what Amazon sent: a body cut short, kept as text.
    const raw = await system.http('GET', malformed.rawPayload);
    expect(raw.status).toBe(200);
    expect(raw.body).toMatchObject({ accountId: ACCOUNT_ID, operation: 'searchOrders', body: null });
    expect(raw.body.bodyText).toMatch(/^\{/);
    expect(() => JSON.parse(raw.body.bodyText)).toThrow();
    const health = (await system.http('GET', '/v1/poll-health')).body.accounts[0];
    expect(health.pollsFailed).toBeGreaterThanOrEqual(1);
  });

  it('an order with an unknown status or without items is an ingest error with its raw payload; the rest of the page is imported', async () => {
    const digits = (n: number) => String(Math.floor(Math.random() * 10 ** n)).padStart(n, '0');
    const [odd, empty] = [`406-${digits(7)}-${digits(7)}`, `406-${digits(7)}-${digits(7)}`];
    const faults = [
      { operation: 'searchOrders', kind: 'unknownOrderStatus', orderId: odd },
      { operation: 'searchOrders', kind: 'orderWithoutItems', orderId: empty },
    ];
    for (const fault of faults)
      expect((await system.sim.control('POST', '/_sim/faults', fault)).status).toBe(201);
    await system.sim.createOrder({ orderId: odd, items: [{ sellerSku: 'ODD-01', quantity: 1 }] });
    await system.sim.createOrder({ orderId: empty, items: [{ sellerSku: 'EMPTY-01', quantity: 1 }] });
    const good = await system.sim.createOrder({ items: [{ sellerSku: 'GOOD-01', quantity: 2 }] });

    await system.eventFor(good.orderId, 'order.placed');
    type IngestError = {
      orderId: string | null;
      problem: string;
      operation: string;
      rawPayload: string | null;
      resolvedAt: string | null;
    };
    const errorsOf = async (orderId: string): Promise<IngestError[]> =>
      (
        await system.http<{ errors: IngestError[] }>('GET', `/v1/ingest-errors?accountId=${ACCOUNT_ID}`)
      ).body.errors.filter((e) => e.orderId === orderId);
    const [oddError] = await waitFor('the ingest error of the order with an unknown status', async () => {
      const errors = await errorsOf(odd);
      return errors.length > 0 ? errors : undefined;
    });
    const [emptyError] = await waitFor('the ingest error of the order without items', async () => {
      const errors = await errorsOf(empty);
      return errors.length > 0 ? errors : undefined;
    });
    expect(oddError).toMatchObject({
      problem: 'unknown-status',
      operation: 'searchOrders',
      resolvedAt: null,
    });
    expect(emptyError).toMatchObject({ problem: 'no-items', operation: 'searchOrders', resolvedAt: null });
    // Each refers to what Amazon sent for that order.
    const oddRaw = (await system.http('GET', oddError.rawPayload!)).body;
    expect(oddRaw.body).toMatchObject({
      orderId: odd,
      fulfillment: { fulfillmentStatus: 'ON_HOLD_FOR_REVIEW' },
    });
    const emptyRaw = (await system.http('GET', emptyError.rawPayload!)).body;
    expect(emptyRaw.body).toMatchObject({ orderId: empty, orderItems: [] });
    // Neither was imported or announced; overlapping polls did not pile up errors.
    expect(system.eventsOf(odd)).toEqual([]);
    expect(system.eventsOf(empty)).toEqual([]);
    const snapshots = await system.db.query(
      `SELECT 1 FROM order_ingest.order_snapshots WHERE order_id = ANY($1)`,
      [[odd, empty]],
    );
    expect(snapshots).toEqual([]);
    expect(await errorsOf(odd)).toHaveLength(1);

    // Amazon sends them right (and they get paid, so the next poll surely sees them again):
    // they are imported, announced once, and their errors resolved.
    await system.sim.control('DELETE', '/_sim/faults');
    await system.sim.setStatus(odd, 'UNSHIPPED');
    await system.sim.setStatus(empty, 'UNSHIPPED');
    expect((await system.eventFor(odd, 'order.placed')).status).toBe('confirmed');
    expect((await system.eventFor(empty, 'order.placed')).status).toBe('confirmed');
    await waitFor(
      'the errors resolved',
      async () => (await errorsOf(odd))[0]?.resolvedAt && (await errorsOf(empty))[0]?.resolvedAt,
    );
  });

  it('lists orders with filters and cursor paging; reports poll health', async () => {
    const firstPage = await system.http('GET', `/v1/orders?accountId=${ACCOUNT_ID}&limit=2`);
    expect(firstPage.status).toBe(200);
    expect(firstPage.body.orders).toHaveLength(2);
    const secondPage = await system.http(
      'GET',
      `/v1/orders?accountId=${ACCOUNT_ID}&limit=2&cursor=${firstPage.body.nextCursor}`,
    );
    const ids = [...firstPage.body.orders, ...secondPage.body.orders].map(
      (o: { orderId: string }) => o.orderId,
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(secondPage.body.orders.length).toBeGreaterThan(0);

    const canceled = await system.http('GET', '/v1/orders?status=canceled');
    expect(canceled.body.orders.length).toBeGreaterThanOrEqual(1);
    expect(canceled.body.orders.every((o: { status: string }) => o.status === 'canceled')).toBe(true);
    const future = await system.http(
      'GET',
      `/v1/orders?since=${encodeURIComponent(new Date(Date.now() + 3_600_000).toISOString())}`,
    );
    expect(future.body.orders).toEqual([]);
    const amazon = await system.http('GET', '/v1/orders?fulfilledBy=AMAZON', undefined, {
      key: READER_API_KEY,
    });
    expect(amazon.body.orders.map((o: { fulfilledBy: string }) => o.fulfilledBy)).toEqual(['AMAZON']);

    const health = (await system.http('GET', '/v1/poll-health')).body.accounts[0];
    expect(health).toMatchObject({ accountId: ACCOUNT_ID, configured: true, throttledCalls: 0 });
    expect(Date.now() - Date.parse(health.lastSuccessfulPollAt)).toBeLessThan(10_000);
    expect(health.lagSeconds).toBeLessThan(15);
    expect(health.polledBy.holder).toEqual(expect.any(String));
  });

  it('bad requests are 400 problem documents that say what is wrong', async () => {
    const cases: [string, string, unknown, string][] = [
      ['GET', '/v1/orders?status=lost', undefined, 'status'],
      ['GET', '/v1/orders?limit=0', undefined, 'limit'],
      ['GET', '/v1/orders?since=yesterday', undefined, 'since'],
      ['GET', '/v1/orders?accountId=bad%20id', undefined, 'accountId'],
      ['PATCH', `/v1/accounts/${ACCOUNT_ID}/options`, { pollIntervalSeconds: 0 }, 'pollIntervalSeconds'],
      ['PATCH', `/v1/accounts/${ACCOUNT_ID}/options`, { importPending: 'yes' }, 'importPending'],
      ['PATCH', `/v1/accounts/${ACCOUNT_ID}/options`, { pollEvery: 5 }, 'pollEvery'],
    ];
    for (const [method, url, body, field] of cases) {
      const res = await system.http(method, url, body);
      expect({ url, body, status: res.status }).toEqual({ url, body, status: 400 });
      expect(res.contentType).toContain('application/problem+json');
      expect(res.body).toMatchObject({ status: 400, code: 'request.invalid' });
      expect(res.body.errors.map((e: { field: string }) => e.field)).toContain(field);
    }
    const cursor = await system.http('GET', '/v1/orders?cursor=not-a-cursor');
    expect(cursor.status).toBe(400);
    expect(cursor.body).toMatchObject({ code: 'orders.invalid-cursor' });
    const empty = await system.http('PATCH', `/v1/accounts/${ACCOUNT_ID}/options`, {});
    expect(empty.status).toBe(400);
    expect(empty.body).toMatchObject({ code: 'account.no-option-given' });
    const unknown = await system.http('POST', '/v1/accounts/nobody/catch-up-runs');
    expect(unknown.status).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'account.not-found' });
    const noScope = await system.http('POST', `/v1/accounts/${ACCOUNT_ID}/catch-up-runs`, undefined, {
      key: READER_API_KEY,
    });
    expect(noScope.status).toBe(403);
  });
});
