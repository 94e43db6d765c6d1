import { Topology } from '@holdfast/messaging';
import { TEST_AMQP_URL, TEST_API_KEY, waitFor } from '@holdfast/testing';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { amazonOrder, HoldfastSystem } from './support/holdfast-system';

describe('crashes lose nothing and apply nothing twice', () => {
  let system: HoldfastSystem;

  beforeAll(async () => {
    system = await HoldfastSystem.start('crash', ['inventory-reservation', 'availability-publisher']);
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('kill -9 after the consumer committed, before the ack: redelivered and applied exactly once', async () => {
    const inventory = system.service('inventory-reservation');
    await inventory.stop();
    await inventory.start({ FAULT_KILL_AFTER_COMMIT: 'order.placed' });

    const envelope = await system.publisher.publish(
      'order.placed',
      amazonOrder('222-0000001-0000001', 'pending', [{ channelSku: 'SKU-K', quantityOrdered: 4 }]),
    );
    await inventory.exited();
    // The transaction committed before the process died…
    const committed = await system.db.query('SELECT 1 FROM inventory.inbox WHERE message_id = $1', [
      envelope.messageId,
    ]);
    expect(committed).toHaveLength(1);

    // …and the broker still holds the unacknowledged message: restart without the fault.
    await inventory.start();
    await waitFor('the redelivery to be acknowledged', async () => {
      const c = await connect(TEST_AMQP_URL);
      try {
        const ch = await c.createChannel();
        const q = await ch.checkQueue(Topology.queue(system.namespace, 'inventory-reservation', 'orders'));
        return q.messageCount === 0 && inventory.logs.length >= 0;
      } finally {
        await c.close();
      }
    });
    await waitFor(
      'availability at the publisher',
      async () =>
        (
          await system.db.query<{ reserved: number }>(
            `SELECT reserved FROM availability.desired_quantities WHERE sku = 'SKU-K'`,
          )
        )[0]?.reserved === 4,
    );
    const reservations = await system.db.query<{ quantity: number; state: string }>(
      `SELECT quantity, state FROM inventory.reservations WHERE order_id = '222-0000001-0000001'`,
    );
    expect(reservations).toEqual([{ quantity: 4, state: 'pending' }]);
    const [stock] = await system.db.query<{ reserved: number; version: number }>(
      `SELECT reserved, version FROM inventory.stock WHERE sku = 'SKU-K'`,
    );
    expect(stock).toEqual({ reserved: 4, version: 1 });
    const events = await system.db.query(
      `SELECT 1 FROM inventory.outbox WHERE routing_key = 'availability.changed' AND envelope->'payload'->>'sku' = 'SKU-K'`,
    );
    expect(events).toHaveLength(1);
  });

  it('relay killed after publishing, before marking sent: the duplicate is delivered and deduplicated', async () => {
    // An extra observer queue sees every copy the broker routes.
    const conn: ChannelModel = await connect(TEST_AMQP_URL);
    const observer: Channel = await conn.createChannel();
    const observed = `${system.namespace}.observer`;
    await observer.assertQueue(observed, { durable: false });
    await observer.bindQueue(observed, Topology.eventsExchange(system.namespace), 'availability.changed');

    const inventory = system.service('inventory-reservation');
    await inventory.stop();
    await inventory.start({ FAULT_KILL_AFTER_PUBLISH: 'availability.changed' });
    const res = await fetch(`${inventory.baseUrl}/v1/stock/SKU-R`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
      body: JSON.stringify({ onHand: 7, asOf: 100 }),
    });
    expect(res.status).toBe(200);
    await inventory.exited();
    const [row] = await system.db.query<{ message_id: string; sent_at: Date | null }>(
      `SELECT message_id, sent_at FROM inventory.outbox WHERE envelope->'payload'->>'sku' = 'SKU-R'`,
    );
    expect(row.sent_at).toBeNull();

    await inventory.start();
    await waitFor(
      'the row marked sent after restart',
      async () =>
        (
          await system.db.query<{ sent_at: Date | null }>(
            `SELECT sent_at FROM inventory.outbox WHERE message_id = $1`,
            [row.message_id],
          )
        )[0]?.sent_at !== null,
    );
    const copies = await waitFor('two copies on the wire', async () => {
      const ids: string[] = [];
      for (;;) {
        const m = await observer.get(observed, { noAck: true });
        if (!m) break;
        ids.push(m.properties.messageId as string);
      }
      return ids.length >= 2 ? ids : undefined;
    });
    expect(copies).toEqual([row.message_id, row.message_id]);
    await waitFor(
      'the publisher applied it',
      async () =>
        (
          await system.db.query<{ available: number }>(
            `SELECT available FROM availability.desired_quantities WHERE sku = 'SKU-R'`,
          )
        )[0]?.available === 7,
    );
    // Delivered twice, applied once.
    const inbox = await system.db.query('SELECT 1 FROM availability.inbox WHERE message_id = $1', [
      row.message_id,
    ]);
    expect(inbox).toHaveLength(1);
    await conn.close();
  });
});
