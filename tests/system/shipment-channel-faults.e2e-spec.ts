import { waitFor } from '@holdfast/testing';
import {
  announceOrder,
  notifier,
  shipmentFor,
  startShipmentSystem,
  waitForShipment,
  type ShipmentSystem,
} from './support/shipment-system';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Amazon faults: retried within the plan, refused ends failed, never confirmed twice', () => {
  let env: ShipmentSystem;
  let counter = 0;

  beforeAll(async () => {
    env = await startShipmentSystem('ship-faults');
  });

  afterAll(async () => {
    await env?.stop();
  });

  afterEach(async () => {
    await env.sim.control('DELETE', '/_sim/faults');
  });

  /** A paid order at the simulator, known to the notifier, and a shipment for it sent at once. */
  async function shipOne(carrier = 'BRT') {
    const order = await env.sim.createOrder([{ sku: `SKU-F${++counter}`, quantity: 1 }]);
    await announceOrder(env.system, order, 'confirmed');
    const res = await notifier(
      env.system,
      'POST',
      '/v1/shipments',
      { ...shipmentFor(order, { carrier, trackingNumber: `TRK-F${counter}` }), sendImmediately: true },
      { 'idempotency-key': `faults-${counter}` },
    );
    expect(res.status).toBe(201);
    return { order, shipmentId: res.body.id as string };
  }

  it('5xx (500 then 503): the package is looked up before each new attempt and confirmed once', async () => {
    const { sim } = env;
    await sim.control('POST', '/_sim/faults', { operation: 'confirmShipment', kind: 'http500', limit: 1 });
    await sim.control('POST', '/_sim/faults', { operation: 'confirmShipment', kind: 'http503', limit: 1 });
    const confirmsBefore = await sim.stats('confirmShipment');
    const before = await sim.stats('getOrder');
    const { order, shipmentId } = await shipOne();

    const shipment = await waitForShipment(env.system, shipmentId, ['confirmed', 'failed']);
    expect(shipment.status).toBe('confirmed');
    expect(shipment.packages[0].notification).toMatchObject({ attempts: 3, confirmedBy: 'response' });
    expect(shipment.packages[0].notification.lastError).toMatchObject({ code: 'ServiceUnavailable' });
    expect(await sim.packages(order.orderId)).toHaveLength(1);
    const confirmsAfter = await sim.stats('confirmShipment');
    expect(confirmsAfter.serverErrors - confirmsBefore.serverErrors).toBe(2);
    expect(confirmsAfter.calls - confirmsBefore.calls).toBe(3);
    // Two unknown outcomes → two look-ups at Amazon before sending again (plus later verification).
    expect((await sim.stats('getOrder')).calls - before.calls).toBeGreaterThanOrEqual(2);
  });

  it('an applied confirmation whose answer was lost is found at Amazon, not sent again', async () => {
    const { sim } = env;
    // Amazon applies the package, then the connection drops: the sender cannot know.
    await sim.control('POST', '/_sim/faults', {
      operation: 'confirmShipment',
      kind: 'connectionReset',
      phase: 'after',
      limit: 1,
    });
    const before = await sim.stats('confirmShipment');
    const { order, shipmentId } = await shipOne();

    const shipment = await waitForShipment(env.system, shipmentId, ['confirmed', 'failed']);
    expect(shipment.status).toBe('confirmed');
    expect(shipment.packages[0].notification).toMatchObject({
      confirmedBy: 'reconciliation',
      attempts: 2,
      verification: 'applied',
    });
    const packages = await sim.packages(order.orderId);
    expect(packages).toHaveLength(1);
    expect(packages[0].trackingNumber).toBe(`TRK-F${counter}`);
    expect((await sim.stats('confirmShipment')).calls - before.calls).toBe(1);
    await waitFor(
      'one shipment.confirmed',
      () => env.events.of('shipment.confirmed', shipmentId).length === 1,
    );
  });

  it('an applied confirmation answered with a body cut short shows as unknown, is found at Amazon once it can be read, and is not sent again', async () => {
    const { sim, system } = env;
    // Amazon applies every confirmation and cuts every answer short, the look-ups of the order too.
    await sim.control('POST', '/_sim/faults', {
      operation: 'confirmShipment',
      kind: 'malformedBody',
      share: 1,
    });
    await sim.control('POST', '/_sim/faults', { operation: 'getOrder', kind: 'malformedBody', share: 1 });
    const before = await sim.stats('confirmShipment');
    const { order, shipmentId } = await shipOne();

    const unknown = await waitFor(
      'the unreadable answer visible on the shipment',
      async () => {
        const s = (await notifier(system, 'GET', `/v1/shipments/${shipmentId}`)).body;
        return s.status === 'sent' && s.packages[0].notification.lastError?.code === 'MalformedBody'
          ? s
          : undefined;
      },
      { timeoutMs: 15_000, intervalMs: 50 },
    );
    expect(unknown.packages[0].notification.state).toBe('sent');
    expect(unknown.packages[0].notification.lastError.message).toMatch(/response body is not JSON/);
    // Amazon has the package; the notifier neither claims it nor sends it again while it cannot look.
    expect(await sim.packages(order.orderId)).toHaveLength(1);
    expect(env.events.of('shipment.confirmed', shipmentId)).toEqual([]);

    await sim.control('DELETE', '/_sim/faults');
    const shipment = await waitForShipment(system, shipmentId, ['confirmed', 'failed']);
    expect(shipment.status).toBe('confirmed');
    expect(shipment.packages[0].notification).toMatchObject({
      confirmedBy: 'reconciliation',
      verification: 'applied',
    });
    expect(shipment.packages[0].notification.attempts).toBeGreaterThanOrEqual(2);
    const packages = await sim.packages(order.orderId);
    expect(packages).toHaveLength(1);
    expect(packages[0].trackingNumber).toBe(`TRK-F${counter}`);
    await waitFor(
      'one shipment.confirmed',
      () => env.events.of('shipment.confirmed', shipmentId).length === 1,
    );
    // Nothing sent late either: one confirmShipment, one event.
    await sleep(500);
    expect(env.events.of('shipment.confirmed', shipmentId)).toHaveLength(1);
    expect((await sim.stats('confirmShipment')).calls - before.calls).toBe(1);
  });

  it('429s are retried within the usage plan until every package is confirmed once', async () => {
    const { sim, system } = env;
    // Amazon's plan for this seller is far below what the limiter assumes (2/s, burst 10).
    await sim.control('POST', '/_sim/usage-plans', { operation: 'confirmShipment', rate: 1, burst: 1 });
    const before = await sim.stats('confirmShipment');
    const orders: Awaited<ReturnType<typeof sim.createOrder>>[] = [];
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) {
      const order = await sim.createOrder([{ sku: `SKU-T${i}`, quantity: 1 }]);
      await announceOrder(system, order, 'confirmed');
      const res = await notifier(
        system,
        'POST',
        '/v1/shipments',
        shipmentFor(order, { carrier: 'UPS', trackingNumber: `1Z-${i}` }),
        {
          'idempotency-key': `throttle-${i}`,
        },
      );
      orders.push(order);
      ids.push(res.body.id);
    }
    const manifest = await notifier(
      system,
      'POST',
      '/v1/manifests',
      { shipmentIds: ids },
      { 'idempotency-key': 'throttle-manifest' },
    );
    await notifier(system, 'POST', `/v1/manifests/${manifest.body.id}/ship`);

    for (const id of ids)
      expect((await waitForShipment(system, id, ['confirmed', 'failed'], 40_000)).status).toBe('confirmed');
    const after = await sim.stats('confirmShipment');
    expect(after.succeeded - before.succeeded).toBe(4);
    expect(after.throttled - before.throttled).toBeGreaterThan(0);
    // Backoff and the learned rate keep the throttles few: no hammering.
    expect(after.throttled - before.throttled).toBeLessThanOrEqual(8);
    for (const o of orders) expect(await sim.packages(o.orderId)).toHaveLength(1);
    await sim.control('POST', '/_sim/usage-plans', { operation: 'confirmShipment', rate: 2, burst: 10 });
  });

  it("400: the shipment fails with Amazon's message, is not retried blindly, and a retry after the fix confirms it", async () => {
    const { sim, system } = env;
    const carriers = (await sim.control<{ codes: string[] }>('GET', '/_sim/carriers')).body;
    // This marketplace does not take TNT (the merchant's mapping says TNT).
    await sim.control('PUT', '/_sim/carriers', { codes: carriers.codes.filter((c) => c !== 'TNT') });
    const before = await sim.stats('confirmShipment');
    const { order, shipmentId } = await shipOne('TNT');

    const failed = await waitForShipment(system, shipmentId, ['failed', 'confirmed']);
    expect(failed.status).toBe('failed');
    expect(failed.packages[0].notification).toMatchObject({
      state: 'failed',
      attempts: 1,
      channelCarrierCode: 'TNT',
    });
    expect(failed.packages[0].notification.lastError).toMatchObject({
      code: 'InvalidInput',
      message: 'carrierCode "TNT" is not a valid carrier code',
    });
    await waitFor('shipment.failed', () => env.events.of('shipment.failed', shipmentId).length === 1);
    expect(env.events.of('shipment.failed', shipmentId)[0].payload).toMatchObject({
      code: 'InvalidInput',
      held: false,
      message: 'carrierCode "TNT" is not a valid carrier code',
    });
    await sleep(800);
    expect((await sim.stats('confirmShipment')).invalid - before.invalid).toBe(1);
    expect(await sim.packages(order.orderId)).toEqual([]);
    const failedList = await notifier(system, 'GET', '/v1/shipments?channel=amazon&status=failed');
    expect(failedList.body.shipments.map((s: { id: string }) => s.id)).toContain(shipmentId);

    await sim.control('PUT', '/_sim/carriers', { codes: carriers.codes });
    const retried = await notifier(system, 'POST', `/v1/shipments/${shipmentId}/retry`);
    expect(retried.status).toBe(200);
    expect((await waitForShipment(system, shipmentId, ['confirmed', 'failed'])).status).toBe('confirmed');
    expect(await sim.packages(order.orderId)).toHaveLength(1);
    // Nothing left to retry.
    expect((await notifier(system, 'POST', `/v1/shipments/${shipmentId}/retry`)).status).toBe(409);
  });

  it('a confirmation Amazon answers 204 to but drops is flagged by verification and can be sent again', async () => {
    const { sim, system } = env;
    await sim.control('POST', '/_sim/faults', { operation: 'confirmShipment', kind: 'silentDrop', limit: 1 });
    const { order, shipmentId } = await shipOne('Amazon Shipping');

    const flagged = await waitFor('verification to flag it', async () => {
      const s = (await notifier(system, 'GET', `/v1/shipments/${shipmentId}`)).body;
      return s.packages[0].notification.verification === 'not_applied' ? s : undefined;
    });
    expect(flagged.status).toBe('confirmed');
    expect(flagged.packages[0].notification.lastError.code).toBe('ConfirmationNotApplied');
    const list = await notifier(system, 'GET', '/v1/shipments?verification=not_applied');
    expect(list.body.shipments.map((s: { id: string }) => s.id)).toEqual([shipmentId]);

    expect((await notifier(system, 'POST', `/v1/shipments/${shipmentId}/retry`)).status).toBe(200);
    await waitFor('the re-sent package to be verified', async () => {
      const s = (await notifier(system, 'GET', `/v1/shipments/${shipmentId}`)).body;
      return s.status === 'confirmed' && s.packages[0].notification.verification === 'applied';
    });
    const applied = (await sim.packages(order.orderId)).filter((p) => !p.dropped);
    expect(applied).toHaveLength(1);
    expect((await sim.order(order.orderId)).status).toBe('SHIPPED');
    // Inventory was told once; the re-send does not fulfil the lines a second time.
    await sleep(500);
    expect(env.events.of('shipment.confirmed', shipmentId)).toHaveLength(1);
  });
});
