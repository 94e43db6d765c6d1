import { Headers, Topology } from '@holdfast/messaging';
import { TEST_AMQP_URL, waitFor } from '@holdfast/testing';
import { connect } from 'amqplib';
import { Client } from 'pg';
import { expectExplainAddsUp } from './support/explain-check';
import { InventoryHarness, ledgerTotals, orderSnapshot } from './support/inventory-harness';

/** The dead letters of the orders queue: order id, failure kind and reason of each. */
async function deadLetters(
  namespace: string,
): Promise<{ orderId: string; kind: unknown; reason: unknown }[]> {
  const connection = await connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    const queue = Topology.deadLetterQueue(Topology.queue(namespace, 'inventory-reservation', 'orders'));
    const found = [];
    for (let m = await channel.get(queue); m; m = await channel.get(queue)) {
      const headers = m.properties.headers ?? {};
      found.push({
        orderId: JSON.parse(m.content.toString('utf8')).payload.order.orderId as string,
        kind: headers[Headers.failureKind],
        reason: headers[Headers.failureReason],
      });
    }
    await channel.recover(); // unacked: back into the queue
    return found;
  } finally {
    await connection.close();
  }
}

describe('order events consumed in batches', () => {
  it('applies the rest of a batch when one message in it cannot be applied, and dead-letters only that one', async () => {
    const h = await InventoryHarness.start('inv_batch_poison');
    try {
      expect((await h.http('PUT', '/v1/stock/BATCH-A', { onHand: 1_000, asOf: 1 })).status).toBe(200);
      // 3,000,000,000 units pass the contract but not the ledger: the batch holding this
      // order fails; its other orders must not fail with it.
      const orders = Array.from({ length: 200 }, (_, i) =>
        orderSnapshot(`BATCH-${i}`, 'pending', [
          { channelSku: 'BATCH-A', quantityOrdered: i === 100 ? 3_000_000_000 : 1 },
        ]),
      );
      await Promise.all(orders.map((o) => h.publish('order.placed', o)));
      let dead: Awaited<ReturnType<typeof deadLetters>> = [];
      await waitFor(
        'the bad order dead-lettered',
        async () => (dead = await deadLetters(h.namespace)).length > 0,
        {
          timeoutMs: 60_000,
          intervalMs: 200,
        },
      );
      expect(dead).toEqual([
        {
          orderId: 'BATCH-100',
          kind: 'permanent',
          reason: expect.stringMatching(/BATCH-100 line .* exceed the ledger's limit/),
        },
      ]);
      await waitFor(
        'the other orders applied',
        async () => (await h.query('SELECT 1 FROM inventory.inbox')).length >= 199,
        { timeoutMs: 60_000, intervalMs: 200 },
      );
      const [{ n, transactions }] = await h.query<{ n: number; transactions: number }>(
        `SELECT count(*)::int AS n, count(DISTINCT xmin::text)::int AS transactions FROM inventory.inbox`,
      );
      expect(n).toBe(199);
      // Batches did form (else this test proves nothing about them).
      expect(transactions).toBeLessThan(199);
      const rows = await h.query<{ order_id: string }>(
        `SELECT order_id FROM inventory.reservations WHERE sku = 'BATCH-A'`,
      );
      expect(rows).toHaveLength(199);
      expect(rows.map((r) => r.order_id)).not.toContain('BATCH-100');
      const [head] = await ledgerTotals(h);
      expect(head).toMatchObject({ sku: 'BATCH-A', reserved: 199, active: 199, on_hand: 1_000 });
      expectExplainAddsUp((await h.http('GET', '/v1/availability/BATCH-A')).body);
    } finally {
      await h.stop();
    }
  }, 120_000);

  it('retries a batch the database aborted as a deadlock victim, inside the consumer, applying it once', async () => {
    // Retries through the broker would wait ten minutes: only the transaction-level retry
    // can apply the order within this test's time.
    const h = await InventoryHarness.start('inv_batch_deadlock', { env: { AMQP_RETRY_DELAYS_MS: '600000' } });
    const other = new Client({ connectionString: h.db.url });
    await other.connect();
    try {
      for (const sku of ['DL-A', 'DL-B'])
        expect((await h.http('PUT', `/v1/stock/${sku}`, { onHand: 5, asOf: 1 })).status).toBe(200);
      // Another session takes B, waits until the consumer holds A and waits for B, then
      // asks for A: a cycle. Its long deadlock_timeout makes the consumer the victim.
      await other.query(`SET deadlock_timeout = '60s'`);
      await other.query('BEGIN');
      await other.query(`SELECT 1 FROM inventory.stock WHERE sku = 'DL-B' FOR UPDATE`);
      const placed = await h.publish(
        'order.placed',
        orderSnapshot('DL-1', 'pending', [
          { channelSku: 'DL-A', quantityOrdered: 1 },
          { channelSku: 'DL-B', quantityOrdered: 2 },
        ]),
      );
      await waitFor(
        'the consumer waiting for a SKU lock',
        async () =>
          (
            await h.query(
              `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1`,
              [(other as unknown as { processID: number }).processID],
            )
          ).length > 0,
        { timeoutMs: 30_000, intervalMs: 20 },
      );
      // Granted once the consumer's transaction was aborted: this session was not the victim.
      await other.query(`SELECT 1 FROM inventory.stock WHERE sku = 'DL-A' FOR UPDATE`);
      await other.query('COMMIT');

      await waitFor(
        'the order applied',
        async () =>
          (await h.query('SELECT 1 FROM inventory.inbox WHERE message_id = $1', [placed.messageId]))
            .length === 1,
        { timeoutMs: 30_000, intervalMs: 100 },
      );
      const totals = await ledgerTotals(h);
      expect(totals.map((t) => ({ sku: t.sku, reserved: t.reserved, active: t.active }))).toEqual([
        { sku: 'DL-A', reserved: 1, active: 1 },
        { sku: 'DL-B', reserved: 2, active: 2 },
      ]);
      const history = await h.query(
        `SELECT sku FROM inventory.reservation_history WHERE order_id = 'DL-1' ORDER BY sku`,
      );
      expect(history).toEqual([{ sku: 'DL-A' }, { sku: 'DL-B' }]);
      for (const sku of ['DL-A', 'DL-B'])
        expectExplainAddsUp((await h.http('GET', `/v1/availability/${sku}`)).body);
    } finally {
      await other.end().catch(() => undefined);
      await h.stop();
    }
  }, 120_000);
});
