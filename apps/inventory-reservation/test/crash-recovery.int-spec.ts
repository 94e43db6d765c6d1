import { createEnvelope, type Envelope } from '@holdfast/contracts';
import { AmqpConnection, EventPublisher, resolveMessagingOptions } from '@holdfast/messaging';
import { deleteNamespace, freePort, TEST_AMQP_URL, TEST_API_KEY, TestDatabase, uniqueNamespace, waitFor } from '@holdfast/testing';
import fc from 'fast-check';
import { expectExplainAddsUp, type SkuExplanationView } from './support/explain-check';
import { EventObserver } from './support/inventory-harness';
import { orderHistory, sequentialModel, type HistoryEvent } from './support/order-histories';
import { InventoryProcess, privateBuild } from './support/service-build';

const SKUS = ['KILL-A', 'KILL-B'];
const ON_HAND = 60;

function envelopeOf(event: HistoryEvent): Envelope {
  return event.type === 'shipment.confirmed'
    ? createEnvelope('shipment.confirmed', event.shipment)
    : createEnvelope(event.type, { order: event.order });
}

describe('kill -9 while messages are in flight', () => {
  it('after a restart the ledger matches the model, nothing lost and nothing applied twice', async () => {
    const build = await privateBuild();
    const db = await TestDatabase.create('inv_kill');
    const namespace = uniqueNamespace('inv-kill');
    const sink = await EventObserver.start(namespace, [], ['availability.changed', 'stock.oversold']);
    const connection = new AmqpConnection(resolveMessagingOptions({ url: TEST_AMQP_URL, namespace, serviceName: 'kill-test' }));
    const publisher = new EventPublisher(connection, 'kill-test');
    const service = new InventoryProcess(build.main, await freePort(), {
      DATABASE_URL: db.url,
      AMQP_URL: TEST_AMQP_URL,
      AMQP_NAMESPACE: namespace,
      DATABASE_POOL_SIZE: '4',
      OUTBOX_POLL_MS: '50',
    });
    try {
      await service.migrate();
      await service.start();
      for (const sku of SKUS) {
        const res = await fetch(`${service.baseUrl}/v1/stock/${sku}`, {
          method: 'PUT',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
          body: JSON.stringify({ onHand: ON_HAND, asOf: 1 }),
        });
        expect(res.status).toBe(200);
      }

      // 40 orders with whole lifecycles (a fixed seed: the same workload every run), each
      // event published twice, the second copy of every third one as a replay (new id).
      const histories = Array.from({ length: 40 }, (_, i) => fc.sample(orderHistory(`KILL-O${i}`, SKUS), { numRuns: 1, seed: 1000 + i })[0]);
      const envelopes: Envelope[] = [];
      histories.flat().forEach((event, i) => {
        const envelope = envelopeOf(event);
        envelopes.push(envelope, i % 3 === 0 ? envelopeOf(event) : envelope);
      });
      const distinct = new Set(envelopes.map((e) => e.messageId)).size;
      const consumed = async () =>
        (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM inventory.inbox'))[0].n;

      await Promise.all(envelopes.map((e) => publisher.publishEnvelope(e)));
      await waitFor('a quarter of the work done', async () => (await consumed()) >= distinct / 4, { timeoutMs: 60_000, intervalMs: 20 });
      // Kill while a batch's transaction has written and not committed: the service's
      // connection holds a transaction id (xid) only once it wrote something.
      await waitFor(
        'a batch transaction in flight',
        async () =>
          (
            await db.query(
              `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()
                  AND backend_xid IS NOT NULL AND query NOT LIKE '%outbox%'`,
            )
          ).length > 0,
        { timeoutMs: 60_000, intervalMs: 1 },
      );
      await service.kill9();
      const atKill = await consumed();
      expect(atKill).toBeLessThan(distinct);

      await service.start();
      await waitFor('every message consumed after the restart', async () => (await consumed()) === distinct, {
        timeoutMs: 60_000,
        intervalMs: 200,
      });

      const model = sequentialModel(histories, Object.fromEntries(SKUS.map((s) => [s, ON_HAND])));
      const rows = await db.query(
        `SELECT order_id AS "orderId", line_id AS "lineId", sku, state, quantity, fulfilled
           FROM inventory.reservations ORDER BY line_id COLLATE "C"`,
      );
      expect(rows).toEqual(model.reservations);
      const heads = await db.query<{ sku: string; on_hand: number; reserved: number }>(
        `SELECT sku, on_hand, reserved FROM inventory.stock ORDER BY sku`,
      );
      expect(heads).toEqual(SKUS.map((sku) => ({ sku, on_hand: model.onHand[sku], reserved: model.reserved[sku] })));
      const [levels] = await db.query<{ units: number }>(`SELECT sum(on_hand)::int AS units FROM inventory.stock_levels`);
      expect(levels.units).toBe(SKUS.reduce((sum, s) => sum + model.onHand[s], 0));
      for (const sku of SKUS) {
        const explain = await fetch(`${service.baseUrl}/v1/availability/${sku}`, {
          headers: { authorization: `Bearer ${TEST_API_KEY}` },
        });
        const body = (await explain.json()) as SkuExplanationView;
        expect(body).toMatchObject({ onHand: model.onHand[sku], reserved: model.reserved[sku] });
        expectExplainAddsUp(body);
      }
    } finally {
      await service.stop();
      await publisher.close().catch(() => undefined);
      await connection.close().catch(() => undefined);
      await sink.close();
      await deleteNamespace(namespace).catch(() => undefined);
      await db.drop();
      build.remove();
    }
  }, 150_000);
});
