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

describe('kill -9 between the Amazon call and the commit', () => {
  let env: ShipmentSystem;

  beforeAll(async () => {
    env = await startShipmentSystem('ship-crash');
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('the restarted notifier finds the package at Amazon and never confirms it a second time', async () => {
    const { system, sim, events } = env;
    const notifierProcess = system.service('shipment-notifier');
    const order = await sim.createOrder([
      { sku: 'KETTLE', quantity: 1 },
      { sku: 'FILTER', quantity: 3 },
    ]);
    await announceOrder(system, order, 'confirmed');
    const body = shipmentFor(order, { carrier: 'Hermes', trackingNumber: 'H-CRASH-1', shipDate: new Date(Date.now() - 3_600_000).toISOString() });
    const created = await notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': 'crash-1' });
    expect(created.status).toBe(201);
    const id = created.body.id as string;

    await notifierProcess.stop();
    await notifierProcess.start({ FAULT_KILL_AFTER_CHANNEL_CONFIRM: 'true' });
    // Releasing it makes the sender call Amazon at once; the process may die before it answers.
    await notifier(system, 'POST', `/v1/shipments/${id}/send`).catch(() => undefined);
    await notifierProcess.exited();

    // Amazon has the package; our record still says an attempt is open with an unknown outcome.
    expect(await sim.packages(order.orderId)).toHaveLength(1);
    const [open] = await system.db.query<{ state: string; outcome_unknown: boolean; attempts: number }>(
      'SELECT state, outcome_unknown, attempts FROM shipment_notifier.shipment_packages WHERE shipment_id = $1',
      [id],
    );
    expect(open).toEqual({ state: 'sent', outcome_unknown: true, attempts: 1 });
    const outbox = await system.db.query("SELECT 1 FROM shipment_notifier.outbox WHERE routing_key = 'shipment.confirmed'");
    expect(outbox).toEqual([]);
    const callsBefore = await sim.stats('confirmShipment');

    await notifierProcess.start();
    const shipment = await waitForShipment(system, id, ['confirmed', 'failed'], 30_000);
    expect(shipment.status).toBe('confirmed');
    expect(shipment.packages[0].notification).toMatchObject({
      confirmedBy: 'reconciliation',
      attempts: 2,
      channelCarrierCode: 'Hermes',
      verification: 'applied',
    });
    await waitFor('shipment.confirmed at the broker', () => events.of('shipment.confirmed', id).length === 1);

    // The ERP, unsure after the outage, sends everything again.
    const replay = await notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': 'crash-1' });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(id);
    expect((await notifier(system, 'POST', `/v1/shipments/${id}/send`)).status).toBe(200);
    const fresh = await notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': 'crash-1-again' });
    expect(fresh.status).toBe(409);
    expect(fresh.body.code).toBe('shipment.quantity-already-shipped');
    await sleep(1000);

    const packages = await sim.packages(order.orderId);
    expect(packages).toHaveLength(1);
    expect(packages[0]).toMatchObject({ packageReferenceId: '1', carrierCode: 'Hermes', trackingNumber: 'H-CRASH-1' });
    expect((await sim.stats('confirmShipment')).calls).toBe(callsBefore.calls);
    expect(events.of('shipment.confirmed', id)).toHaveLength(1);
    const rows = await system.db.query("SELECT 1 FROM shipment_notifier.outbox WHERE routing_key = 'shipment.confirmed'");
    expect(rows).toHaveLength(1);
  });

  it('redelivered order events and a restart while packages wait change nothing at Amazon', async () => {
    const { system, sim, events } = env;
    const notifierProcess = system.service('shipment-notifier');
    const order = await sim.createOrder([{ sku: 'PLATE', quantity: 2 }]);
    const confirmed = await announceOrder(system, order, 'confirmed');
    // The same envelope again (a redelivery) and an older revision (a reordering): absorbed.
    await system.publisher.publishEnvelope(confirmed);
    const created = await notifier(
      system,
      'POST',
      '/v1/shipments',
      { ...shipmentFor(order, { carrier: 'DPD', trackingNumber: 'DPD-R1' }), sendImmediately: true },
      { 'idempotency-key': 'redelivery-1' },
    );
    expect(created.status).toBe(201);
    await waitForShipment(system, created.body.id, ['confirmed']);
    await system.publisher.publishEnvelope(confirmed);

    // A graceful restart (SIGTERM) and a second kill -9 with nothing in flight.
    await notifierProcess.stop();
    await notifierProcess.start();
    await notifierProcess.kill9();
    await notifierProcess.start();
    await sleep(1500);

    expect(await sim.packages(order.orderId)).toHaveLength(1);
    expect(events.of('shipment.confirmed', created.body.id)).toHaveLength(1);
    const inbox = await system.db.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM shipment_notifier.inbox WHERE message_id = $1',
      [confirmed.messageId],
    );
    expect(inbox[0].n).toBe(1);
  });
});
