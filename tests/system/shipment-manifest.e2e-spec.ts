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

describe('shipments and manifests from the ERP to Amazon (simulator)', () => {
  let env: ShipmentSystem;

  beforeAll(async () => {
    // inventory-reservation consumes shipment.confirmed: fulfilled reservations, lower on-hand.
    env = await startShipmentSystem('ship-manifest', { apps: ['shipment-notifier', 'inventory-reservation'] });
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('a manifest of three shipments, marked shipped, confirms each once with the mapped carrier code and tracking', async () => {
    const { system, sim, events } = env;
    const carriers = [
      { carrier: 'Brt', code: 'BRT', trackingNumber: 'BRT-0001' },
      { carrier: 'POSTE_ITALIANE', code: 'Poste Italiane', trackingNumber: 'PI-0002' },
      { carrier: 'gls', code: 'GLS', trackingNumber: 'GLS-0003' },
    ];
    for (const [i] of carriers.entries()) {
      for (const sku of [`MUG-${i}`, `TEA-${i}`]) {
        const res = await system.http('inventory-reservation', 'PUT', `/v1/stock/${sku}`, { onHand: 10, asOf: 1 });
        expect(res.status).toBe(200);
      }
    }
    const orders: Awaited<ReturnType<typeof sim.createOrder>>[] = [];
    for (const [i] of carriers.entries()) {
      const order = await sim.createOrder([
        { sku: `MUG-${i}`, quantity: 2 },
        { sku: `TEA-${i}`, quantity: 1 },
      ]);
      await announceOrder(system, order, 'confirmed');
      orders.push(order);
    }

    const shipDate = new Date(Date.now() - 60_000).toISOString();
    const bodies = carriers.map((c, i) => shipmentFor(orders[i], { ...c, shipDate }));
    const shipmentIds: string[] = [];
    for (const [i] of carriers.entries()) {
      const res = await notifier(system, 'POST', '/v1/shipments', bodies[i], {
        'idempotency-key': `erp-doc-${i}`,
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ status: 'pending', releasedAt: null, orderId: orders[i].orderId });
      expect(res.body.packages[0].packageReferenceId).toBe('1');
      shipmentIds.push(res.body.id);
    }

    // The ERP retries the first request: same key, same body → the same shipment, nothing new.
    const retried = await notifier(system, 'POST', '/v1/shipments', bodies[0], {
      'idempotency-key': 'erp-doc-0',
    });
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(retried.body.id).toBe(shipmentIds[0]);
    // Same key, another body: refused, and still one shipment for the order.
    const reused = await notifier(
      system,
      'POST',
      '/v1/shipments',
      shipmentFor(orders[0], { ...carriers[0], shipDate, trackingNumber: 'OTHER' }),
      { 'idempotency-key': 'erp-doc-0' },
    );
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('idempotency.key-reused');
    const [{ n }] = await system.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM shipment_notifier.shipments WHERE order_id = $1',
      [orders[0].orderId],
    );
    expect(n).toBe(1);

    const manifest = await notifier(
      system,
      'POST',
      '/v1/manifests',
      { reference: 'DIST-0042', carrier: 'mixed', shipmentIds: shipmentIds.slice(0, 2) },
      { 'idempotency-key': 'manifest-0042' },
    );
    expect(manifest.status).toBe(201);
    expect(manifest.body.status).toBe('in_preparation');
    const added = await notifier(system, 'POST', `/v1/manifests/${manifest.body.id}/shipments`, {
      shipmentIds: [shipmentIds[2], shipmentIds[0]],
    });
    expect(added.status).toBe(200);
    expect(added.body.shipments.map((s: { id: string }) => s.id).sort()).toEqual([...shipmentIds].sort());

    // In preparation: nothing goes to Amazon, and a shipment on it cannot be sent alone.
    const alone = await notifier(system, 'POST', `/v1/shipments/${shipmentIds[1]}/send`);
    expect(alone.status).toBe(409);
    expect(alone.body.code).toBe('shipment.in-manifest');
    await sleep(600);
    for (const o of orders) expect(await sim.packages(o.orderId)).toEqual([]);
    // Meanwhile inventory holds the units (reserved, still on hand): what falls later is the shipment's doing.
    for (const [i, o] of orders.entries()) {
      await waitFor(`reservations of ${o.orderId}`, async () => {
        const rows = await system.db.query<{ state: string }>('SELECT state FROM inventory.reservations WHERE order_id = $1', [o.orderId]);
        return rows.length === 2 && rows.every((r) => r.state === 'committed');
      });
      const held = await system.db.query('SELECT sku, on_hand, reserved FROM inventory.stock WHERE sku = ANY($1) ORDER BY sku', [
        [`MUG-${i}`, `TEA-${i}`],
      ]);
      expect(held).toEqual([
        { sku: `MUG-${i}`, on_hand: 10, reserved: 2 },
        { sku: `TEA-${i}`, on_hand: 10, reserved: 1 },
      ]);
    }

    const shipped = await notifier(system, 'POST', `/v1/manifests/${manifest.body.id}/ship`);
    expect(shipped.status).toBe(200);
    expect(shipped.body.status).toBe('shipped');

    for (const id of shipmentIds) {
      const s = await waitForShipment(system, id, ['confirmed']);
      expect(s.packages[0].notification).toMatchObject({ state: 'confirmed', attempts: 1, confirmedBy: 'response' });
    }
    // Marking it shipped again changes nothing.
    const again = await notifier(system, 'POST', `/v1/manifests/${manifest.body.id}/ship`);
    expect(again.status).toBe(200);
    await sleep(800);

    for (const [i, c] of carriers.entries()) {
      const packages = await sim.packages(orders[i].orderId);
      expect(packages).toHaveLength(1);
      expect(packages[0]).toMatchObject({
        packageReferenceId: '1',
        carrierCode: c.code,
        trackingNumber: c.trackingNumber,
        items: expect.arrayContaining(orders[i].items.map((it) => ({ orderItemId: it.orderItemId, quantity: it.quantityOrdered }))),
      });
      expect(packages[0].carrierName).toBeUndefined();
      expect((await sim.order(orders[i].orderId)).status).toBe('SHIPPED');
    }
    expect((await sim.stats('confirmShipment')).succeeded).toBe(3);

    // One shipment.confirmed per shipment reaches the broker, with the code Amazon got.
    await waitFor('three shipment.confirmed events', () => events.of('shipment.confirmed').length >= 3);
    for (const [i, id] of shipmentIds.entries()) {
      const confirmed = events.of('shipment.confirmed', id);
      expect(confirmed).toHaveLength(1);
      expect(confirmed[0].channelAccount).toEqual({ channel: 'amazon', accountId: 'seller-1' });
      expect(confirmed[0].payload).toMatchObject({
        shipmentId: id,
        orderId: orders[i].orderId,
        packages: [{ packageReferenceId: '1', carrierCode: carriers[i].code, trackingNumber: carriers[i].trackingNumber }],
        lines: expect.arrayContaining(
          orders[i].items.map((it) => ({ lineId: it.orderItemId, channelSku: it.sellerSku, quantity: it.quantityOrdered })),
        ),
      });
    }
    expect(events.of('shipment.failed')).toEqual([]);

    // Later verification re-read the orders and found the packages.
    for (const id of shipmentIds) {
      await waitFor('verification', async () => {
        const s = (await notifier(system, 'GET', `/v1/shipments/${id}`)).body;
        return s.packages[0].notification.verification === 'applied';
      });
    }
    const summary = await notifier(system, 'GET', '/v1/shipments/summary');
    expect(summary.body.counts).toContainEqual({ channel: 'amazon', status: 'confirmed', shipments: 3 });

    // inventory-reservation applied the events: reservations fulfilled, on-hand lowered.
    for (const [i, o] of orders.entries()) {
      await waitFor(`reservations of ${o.orderId} fulfilled`, async () => {
        const rows = await system.db.query<{ state: string }>('SELECT state FROM inventory.reservations WHERE order_id = $1', [o.orderId]);
        return rows.length === 2 && rows.every((r) => r.state === 'fulfilled');
      });
      const stock = await system.db.query<{ sku: string; on_hand: number; reserved: number }>(
        'SELECT sku, on_hand, reserved FROM inventory.stock WHERE sku = ANY($1) ORDER BY sku',
        [[`MUG-${i}`, `TEA-${i}`]],
      );
      expect(stock).toEqual([
        { sku: `MUG-${i}`, on_hand: 8, reserved: 0 },
        { sku: `TEA-${i}`, on_hand: 9, reserved: 0 },
      ]);
    }
  });

  it('duplicate requests arriving together make one shipment and one confirmation at Amazon', async () => {
    const { system, sim, events } = env;
    const order = await sim.createOrder([{ sku: 'DUP-CUP', quantity: 2 }]);
    await announceOrder(system, order, 'confirmed');
    const body = shipmentFor(order, { carrier: 'BRT', trackingNumber: 'BRT-DUP-1' });

    // The ERP's request sent five times at once with one key, and three times with keys of its own.
    const sameKey = await Promise.all(
      Array.from({ length: 5 }, () => notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': 'dup-1' })),
    );
    expect(sameKey.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const id = sameKey[0].body.id as string;
    expect(new Set(sameKey.map((r) => r.body.id))).toEqual(new Set([id]));
    const otherKeys = await Promise.all(
      [2, 3, 4].map((n) => notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': `dup-${n}` })),
    );
    expect(otherKeys.map((r) => [r.status, r.body.code])).toEqual([
      [409, 'shipment.quantity-already-shipped'],
      [409, 'shipment.quantity-already-shipped'],
      [409, 'shipment.quantity-already-shipped'],
    ]);

    // Sent by several hands at once.
    const sends = await Promise.all(Array.from({ length: 4 }, () => notifier(system, 'POST', `/v1/shipments/${id}/send`)));
    expect(sends.map((r) => r.status)).toEqual([200, 200, 200, 200]);
    await waitForShipment(system, id, ['confirmed']);
    await sleep(800);

    const stored = await system.db.query('SELECT 1 FROM shipment_notifier.shipments WHERE order_id = $1', [order.orderId]);
    expect(stored).toHaveLength(1);
    expect(await sim.packages(order.orderId)).toHaveLength(1);
    await waitFor('its shipment.confirmed', () => events.of('shipment.confirmed', id).length === 1);
    await sleep(300);
    expect(events.of('shipment.confirmed', id)).toHaveLength(1);
  });

  it('refuses a shipment for a Pending order with 409 and accepts the same request once the order is confirmed', async () => {
    const { system, sim, events } = env;
    const order = await sim.createOrder([{ sku: 'LAMP', quantity: 1 }], 'PENDING');
    await announceOrder(system, order, 'pending');
    const body = { ...shipmentFor(order, { carrier: 'DHL', trackingNumber: 'DHL-PENDING-1' }), sendImmediately: true };

    const refused = await notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': 'pending-1' });
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(refused.body.code).toBe('shipment.order-awaiting-payment');
    expect(refused.body.detail).toMatch(/Pending on Amazon: it is awaiting payment and must not ship/);
    const stored = await system.db.query('SELECT 1 FROM shipment_notifier.shipments WHERE order_id = $1', [order.orderId]);
    expect(stored).toEqual([]);
    const keys = await system.db.query("SELECT 1 FROM shipment_notifier.idempotency_keys WHERE key = 'pending-1'");
    expect(keys).toEqual([]);

    // Amazon authorizes the payment; order-ingest publishes order.confirmed (delivered twice).
    await sim.control('POST', `/_sim/orders/${order.orderId}/status`, { status: 'UNSHIPPED' });
    const confirmed = await announceOrder(system, order, 'confirmed');
    await system.publisher.publishEnvelope(confirmed);

    const accepted = await notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': 'pending-1' });
    expect(accepted.status).toBe(201);
    const done = await waitForShipment(system, accepted.body.id, ['confirmed']);
    expect(done.packages[0].notification.channelCarrierCode).toBe('DHL');
    expect(await sim.packages(order.orderId)).toHaveLength(1);
    await waitFor('its shipment.confirmed event', () => events.of('shipment.confirmed', accepted.body.id).length === 1);
  });

  it('refuses cancelled and unknown orders, and units above what was ordered or already shipped; ships partial shipments', async () => {
    const { system, sim } = env;
    const post = (body: unknown, key: string) => notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': key });

    const canceled = await sim.createOrder([{ sku: 'VASE', quantity: 1 }]);
    await announceOrder(system, canceled, 'canceled');
    const c = await post(shipmentFor(canceled, { carrier: 'BRT', trackingNumber: 'X1' }), 'rules-1');
    expect(c.status).toBe(409);
    expect(c.body.code).toBe('shipment.order-canceled');

    const unknown = await post(
      shipmentFor({ orderId: '999-0000000-0000000', items: [{ orderItemId: '1', quantityOrdered: 1 }] }, { carrier: 'BRT', trackingNumber: 'X2' }),
      'rules-2',
    );
    expect(unknown.status).toBe(422);
    expect(unknown.body.code).toBe('shipment.order-unknown');

    const order = await sim.createOrder([
      { sku: 'CUP', quantity: 3 },
      { sku: 'SAUCER', quantity: 2 },
    ]);
    await announceOrder(system, order, 'confirmed');
    const [cup, saucer] = order.items;
    const base = { order: { channel: 'amazon', accountId: 'seller-1', orderId: order.orderId }, sendImmediately: true };

    const tooMany = await post({ ...base, packages: [{ carrier: 'SDA', trackingNumber: 'S0', shipDate: new Date().toISOString() }], lines: [{ sku: 'CUP', quantity: 4 }] }, 'rules-3');
    expect(tooMany.status).toBe(422);
    expect(tooMany.body).toMatchObject({ code: 'shipment.quantity-exceeds-ordered', requested: 4, shippable: 3 });

    // First a partial shipment in two packages, each with its own lines.
    const first = await post(
      {
        ...base,
        packages: [
          { carrier: 'SDA', trackingNumber: 'SDA-A', shipDate: new Date().toISOString(), lines: [{ lineId: cup.orderItemId, quantity: 1 }] },
          { carrier: 'SDA', trackingNumber: 'SDA-B', shipDate: new Date().toISOString(), lines: [{ sku: 'CUP', quantity: 1 }, { sku: 'SAUCER', quantity: 1 }] },
        ],
      },
      'rules-4',
    );
    expect(first.status).toBe(201);
    expect(first.body.packages.map((p: { packageReferenceId: string }) => p.packageReferenceId)).toEqual(['1', '2']);

    // While it is on its way, the units it holds are not shippable again.
    const over = await post({ ...base, packages: [{ carrier: 'SDA', trackingNumber: 'S9', shipDate: new Date().toISOString() }], lines: [{ sku: 'CUP', quantity: 2 }] }, 'rules-5');
    expect(over.status).toBe(409);
    expect(over.body).toMatchObject({ code: 'shipment.quantity-already-shipped', remaining: 1 });

    await waitForShipment(system, first.body.id, ['confirmed']);
    expect((await sim.order(order.orderId)).status).toBe('PARTIALLY_SHIPPED');

    const rest = await post(
      { ...base, packages: [{ carrier: 'SDA', trackingNumber: 'SDA-C', shipDate: new Date().toISOString() }], lines: [{ sku: 'CUP', quantity: 1 }, { lineId: saucer.orderItemId, quantity: 1 }] },
      'rules-6',
    );
    expect(rest.status).toBe(201);
    expect(rest.body.packages[0].packageReferenceId).toBe('3');
    await waitForShipment(system, rest.body.id, ['confirmed']);

    const atAmazon = await sim.packages(order.orderId);
    expect(atAmazon.map((p) => [p.packageReferenceId, p.trackingNumber])).toEqual([
      ['1', 'SDA-A'],
      ['2', 'SDA-B'],
      ['3', 'SDA-C'],
    ]);
    expect((await sim.order(order.orderId)).status).toBe('SHIPPED');

    const nothingLeft = await post({ ...base, packages: [{ carrier: 'SDA', trackingNumber: 'S10', shipDate: new Date().toISOString() }], lines: [{ sku: 'SAUCER', quantity: 1 }] }, 'rules-7');
    expect(nothingLeft.status).toBe(409);
    expect(nothingLeft.body.code).toBe('shipment.quantity-already-shipped');
  });
});
