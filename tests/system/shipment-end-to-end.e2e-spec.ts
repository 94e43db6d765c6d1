import { waitFor } from '@holdfast/testing';
import {
  ACCOUNT,
  notifier,
  shipmentFor,
  startShipmentSystem,
  waitForShipment,
  type ShipmentSystem,
} from './support/shipment-system';

/** Amazon-time runs this many times faster in the simulator and in order-ingest (2-minute rule: 2 s). */
const TIME_SCALE = '60';

interface SimOrder {
  orderId: string;
  items: { orderItemId: string; sellerSku: string; quantityOrdered: number }[];
}

/**
 * No event is published by the test: orders are made at the simulator, order-ingest finds them
 * by polling and publishes them, inventory-reservation reserves their units, the notifier learns
 * their state; the ERP's manifest is confirmed at the simulator; inventory-reservation fulfils the
 * reservations and lowers on-hand from shipment.confirmed, and once more from nothing when
 * order-ingest then sees the orders SHIPPED at Amazon.
 */
describe('the shipment loop end to end: simulator, order-ingest, inventory-reservation, shipment-notifier', () => {
  let env: ShipmentSystem;

  beforeAll(async () => {
    env = await startShipmentSystem('ship-e2e', {
      apps: ['order-ingest', 'inventory-reservation', 'shipment-notifier'],
      simEnv: { SIM_TIME_SCALE: TIME_SCALE },
      env: {
        SPAPI_TIME_SCALE: TIME_SCALE,
        PII_ENCRYPTION_KEY: Buffer.alloc(32, 7).toString('base64'),
        ORDER_INGEST_TICK_MS: '100',
        ORDER_INGEST_LEASE_TTL_MS: '3000',
        ORDER_INGEST_FIRST_POLL_LOOKBACK_MINUTES: '5',
      },
    });
    const options = await env.system.http('order-ingest', 'PATCH', `/v1/accounts/${ACCOUNT}/options`, {
      pollIntervalSeconds: 1,
      overlapSeconds: 30,
    });
    expect(options.status).toBe(200);
  });

  afterAll(async () => {
    await env?.stop();
  });

  const orderStatusAtNotifier = async (orderId: string) =>
    (
      await env.system.db.query<{ status: string }>(
        'SELECT status FROM shipment_notifier.order_states WHERE order_id = $1',
        [orderId],
      )
    )[0]?.status;
  const orderStatusAtInventory = async (orderId: string) =>
    (
      await env.system.db.query<{ status: string }>(
        'SELECT status FROM inventory.order_revisions WHERE order_id = $1',
        [orderId],
      )
    )[0]?.status;
  const reservations = (orderId: string) =>
    env.system.db.query<{ sku: string; quantity: number; state: string }>(
      'SELECT sku, quantity, state FROM inventory.reservations WHERE order_id = $1 ORDER BY sku',
      [orderId],
    );
  const stock = (skus: string[]) =>
    env.system.db.query<{ sku: string; on_hand: number; reserved: number }>(
      'SELECT sku, on_hand, reserved FROM inventory.stock WHERE sku = ANY($1) ORDER BY sku',
      [skus],
    );

  async function orderAtSimulator(
    items: { sku: string; quantity: number }[],
    status: string,
  ): Promise<SimOrder> {
    const res = await env.sim.control<{ orderId: string; order: { items: SimOrder['items'] } }>(
      'POST',
      '/_sim/orders',
      {
        marketplaceId: 'APJ6JRA9NG5V4',
        status,
        items: items.map((i) => ({ sellerSku: i.sku, quantity: i.quantity })),
      },
    );
    expect(res.status).toBe(201);
    return { orderId: res.body.orderId, items: res.body.order.items };
  }

  it('Pending is refused until Amazon confirms; a manifest of three is confirmed once each; on-hand falls once', async () => {
    const { system, sim } = env;
    const skus = ['E2E-LAMP', 'E2E-MUG', 'E2E-TEA'];
    for (const sku of skus) {
      expect(
        (await system.http('inventory-reservation', 'PUT', `/v1/stock/${sku}`, { onHand: 10, asOf: 1 }))
          .status,
      ).toBe(200);
    }

    // A Pending order: order-ingest publishes it, inventory holds its units, the notifier refuses to ship it.
    const pending = await orderAtSimulator([{ sku: 'E2E-LAMP', quantity: 1 }], 'PENDING');
    await waitFor(
      'the Pending order at the notifier',
      async () => (await orderStatusAtNotifier(pending.orderId)) === 'pending',
      {
        timeoutMs: 30_000,
      },
    );
    const pendingBody = shipmentFor(pending, {
      carrier: 'BRT',
      trackingNumber: 'E2E-BRT-1',
      shipDate: new Date(Date.now() - 60_000).toISOString(),
    });
    const refused = await notifier(system, 'POST', '/v1/shipments', pendingBody, {
      'idempotency-key': 'e2e-1',
    });
    expect(refused.status).toBe(409);
    expect(refused.body.code).toBe('shipment.order-awaiting-payment');

    // Amazon authorises the payment; order-ingest reports it; the same request now succeeds.
    const moved = await sim.control('POST', `/_sim/orders/${pending.orderId}/status`, {
      status: 'UNSHIPPED',
    });
    expect(moved.status).toBe(200);
    await waitFor(
      'the confirmed order at the notifier',
      async () => (await orderStatusAtNotifier(pending.orderId)) === 'confirmed',
      {
        timeoutMs: 30_000,
      },
    );
    const accepted = await notifier(system, 'POST', '/v1/shipments', pendingBody, {
      'idempotency-key': 'e2e-1',
    });
    expect(accepted.status).toBe(201);

    // Two more paid orders, found by order-ingest.
    const mugs = await orderAtSimulator([{ sku: 'E2E-MUG', quantity: 2 }], 'UNSHIPPED');
    const teas = await orderAtSimulator(
      [
        { sku: 'E2E-TEA', quantity: 3 },
        { sku: 'E2E-MUG', quantity: 1 },
      ],
      'UNSHIPPED',
    );
    const orders = [pending, mugs, teas];
    for (const o of [mugs, teas]) {
      await waitFor(
        `order ${o.orderId} at the notifier`,
        async () => (await orderStatusAtNotifier(o.orderId)) === 'confirmed',
        {
          timeoutMs: 30_000,
        },
      );
    }
    const ids = [accepted.body.id as string];
    for (const [i, [o, carrier]] of (
      [
        [mugs, 'GLS'],
        [teas, 'Poste Italiane'],
      ] as const
    ).entries()) {
      const res = await notifier(
        system,
        'POST',
        '/v1/shipments',
        shipmentFor(o, { carrier, trackingNumber: `E2E-${i + 2}` }),
        {
          'idempotency-key': `e2e-${i + 2}`,
        },
      );
      expect(res.status).toBe(201);
      ids.push(res.body.id);
    }

    // Before the manifest ships: every unit reserved, none gone from the shelf.
    await waitFor('every line reserved', async () => {
      const rows = (await Promise.all(orders.map((o) => reservations(o.orderId)))).flat();
      return rows.length === 4 && rows.every((r) => r.state === 'pending' || r.state === 'committed');
    });
    expect(await stock(skus)).toEqual([
      { sku: 'E2E-LAMP', on_hand: 10, reserved: 1 },
      { sku: 'E2E-MUG', on_hand: 10, reserved: 3 },
      { sku: 'E2E-TEA', on_hand: 10, reserved: 3 },
    ]);

    const manifest = await notifier(
      system,
      'POST',
      '/v1/manifests',
      { reference: 'E2E-DIST', shipmentIds: ids },
      { 'idempotency-key': 'e2e-manifest' },
    );
    expect(manifest.status).toBe(201);
    expect((await notifier(system, 'POST', `/v1/manifests/${manifest.body.id}/ship`)).status).toBe(200);
    for (const id of ids)
      expect((await waitForShipment(system, id, ['confirmed', 'failed', 'held'])).status).toBe('confirmed');

    // At Amazon: one package per order with the mapped code and the tracking number; orders SHIPPED.
    const expected = [
      ['BRT', 'E2E-BRT-1'],
      ['GLS', 'E2E-2'],
      ['Poste Italiane', 'E2E-3'],
    ];
    for (const [i, o] of orders.entries()) {
      const packages = await sim.packages(o.orderId);
      expect(packages.map((p) => [p.carrierCode, p.trackingNumber])).toEqual([expected[i]]);
      expect((await sim.order(o.orderId)).status).toBe('SHIPPED');
    }

    // inventory-reservation: reservations fulfilled, on-hand lowered by what shipped.
    for (const o of orders) {
      await waitFor(`reservations of ${o.orderId} fulfilled`, async () => {
        const rows = await reservations(o.orderId);
        return rows.length > 0 && rows.every((r) => r.state === 'fulfilled');
      });
    }
    const afterShipment = [
      { sku: 'E2E-LAMP', on_hand: 9, reserved: 0 },
      { sku: 'E2E-MUG', on_hand: 7, reserved: 0 },
      { sku: 'E2E-TEA', on_hand: 7, reserved: 0 },
    ];
    expect(await stock(skus)).toEqual(afterShipment);

    // order-ingest then sees the orders SHIPPED at Amazon and says so: the same units are not taken twice.
    for (const o of orders) {
      await waitFor(
        `order.shipped of ${o.orderId} applied by inventory`,
        async () => (await orderStatusAtInventory(o.orderId)) === 'shipped',
        {
          timeoutMs: 30_000,
        },
      );
    }
    expect(await stock(skus)).toEqual(afterShipment);
    expect((await sim.stats('confirmShipment')).succeeded).toBe(3);
  });
});
