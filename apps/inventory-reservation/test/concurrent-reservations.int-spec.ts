import { revisionOf, type OrderEventPayload } from '@holdfast/contracts';
import { waitFor } from '@holdfast/testing';
import { expectExplainAddsUp } from './support/explain-check';
import { InventoryHarness } from './support/inventory-harness';
import { naiveInventoryService } from './support/naive-ledger';
import { oversellProblems, type SkuWorkload } from './support/oversell-check';

const ORDERS = 1_000;
const CONSUMERS = 3;
const SKUS = ['CONC-1', 'CONC-2', 'CONC-3'];
const ON_HAND = 300;

/** 1,000 one-unit Pending orders spread over three SKUs of 300 units each: 100 units oversold. */
function workload(): { orders: OrderEventPayload[]; expected: SkuWorkload[] } {
  const orders = Array.from({ length: ORDERS }, (_, i): OrderEventPayload => {
    const updatedAt = new Date(Date.parse('2026-11-20T10:00:00Z') + i).toISOString();
    return {
      order: {
        channel: i % 2 ? 'amazon' : 'shopify',
        accountId: 'acc-1',
        orderId: `CONC-${String(i).padStart(4, '0')}`,
        marketplaceId: null,
        status: 'pending',
        channelStatus: 'Pending',
        fulfilledBy: 'MERCHANT',
        purchasedAt: updatedAt,
        updatedAt,
        revision: revisionOf(updatedAt),
        lines: [{ lineId: 'L1', channelSku: SKUS[i % 3], quantityOrdered: 1, quantityShipped: 0, quantityCanceled: 0 }],
      },
    };
  });
  const expected = SKUS.map((sku, s) => ({
    sku,
    onHand: ON_HAND,
    reservations: orders.filter((_, i) => i % 3 === s).length,
  }));
  return { orders, expected };
}

/** Publishes the whole workload at once and waits until every message is in the inbox. */
async function run(ledger: InventoryHarness, orders: OrderEventPayload[]): Promise<void> {
  await Promise.all(orders.map((o) => ledger.publish('order.placed', o)));
  await waitFor(
    'every order consumed',
    async () => (await ledger.query<{ n: number }>('SELECT count(*)::int AS n FROM inventory.inbox'))[0].n === orders.length,
    { timeoutMs: 50_000, intervalMs: 200 },
  );
}

// Several consumer instances (in-process apps, each with its own broker channel and
// database pool) compete for the same queue, so transactions on the three SKU heads
// really overlap. The kill -9 suite runs the service as processes.
describe(`${ORDERS} concurrent reservations over ${SKUS.length} SKUs through ${CONSUMERS} consumers`, () => {
  it('the ledger keeps reserved = Σ active reservations and raises exactly the expected oversold events', async () => {
    const ledger = await InventoryHarness.start('inv_conc', { instances: CONSUMERS });
    try {
      for (const sku of SKUS) {
        expect((await ledger.http('PUT', `/v1/stock/${sku}`, { onHand: ON_HAND, asOf: 1 })).status).toBe(200);
      }
      const { orders, expected } = workload();
      await run(ledger, orders);
      expect(await oversellProblems((sql, params) => ledger.query(sql, params), expected)).toEqual([]);
      // Batches: inbox rows written by one transaction share its xmin. A consumer that
      // committed per message would show one transaction per order.
      const [{ transactions }] = await ledger.query<{ transactions: number }>(
        `SELECT count(DISTINCT xmin::text)::int AS transactions FROM inventory.inbox`,
      );
      expect(transactions).toBeLessThan(ORDERS / 4);
      // The published availability tells the channels the same.
      for (const w of expected) {
        const explain = await ledger.http('GET', `/v1/availability/${w.sku}`);
        expect(explain.body).toMatchObject({ onHand: ON_HAND, reserved: w.reservations, available: ON_HAND - w.reservations });
        expectExplainAddsUp(explain.body);
      }
    } finally {
      await ledger.stop();
    }
  }, 120_000);

  it('the same workload against a naive read-modify-write ledger detects the oversell', async () => {
    const naive = await InventoryHarness.start('inv_conc_naive', { instances: CONSUMERS, definition: naiveInventoryService });
    try {
      await naive.query(
        `INSERT INTO inventory.stock (sku, on_hand, shared_on_hand) SELECT s, $2, $2 FROM unnest($1::text[]) s`,
        [SKUS, ON_HAND],
      );
      const { orders, expected } = workload();
      await run(naive, orders);
      const problems = await oversellProblems((sql, params) => naive.query(sql, params), expected);
      // Lost updates: the counter holds fewer units than the reservations, availability was
      // published too high and oversold units went unreported.
      expect(problems).toEqual(expect.arrayContaining([expect.stringMatching(/reserved \d+ but active reservations hold/)]));
    } finally {
      await naive.stop();
    }
  }, 120_000);
});
