import { waitFor } from '@holdfast/testing';
import { DE, IT, OrderIngestSystem } from './support/order-ingest.harness';

const ORDERS = 60;
const PAGE_SIZE = 10;

/**
 * kill -9 of order-ingest in the middle of a multi-page poll: every page commits its
 * orders, their events and the poll's position together, so the restarted process
 * resumes with the next page and every order is imported (and announced) exactly once.
 */
describe('order-ingest: kill -9 in the middle of a multi-page poll', () => {
  let system: OrderIngestSystem;

  afterAll(async () => {
    await system?.stop();
  });

  it('after the restart every order is imported exactly once', async () => {
    let orderIds: string[] = [];
    system = await OrderIngestSystem.start('ingest_crash', {
      env: { ORDER_INGEST_PAGE_SIZE: String(PAGE_SIZE) },
      prepare: async (sim) => {
        const generated = await sim.control('POST', '/_sim/orders/generate', { count: ORDERS, maxLines: 2, marketplaceIds: [IT, DE] });
        expect(generated.status).toBe(201);
        orderIds = generated.body.orderIds;
        // Every search call takes a second (60 s of Amazon time), so the poll is caught mid-way.
        await sim.control('POST', '/_sim/faults', { operation: 'searchOrders', kind: 'latency', latencyMs: 60_000 });
        await new Promise((r) => setTimeout(r, 2_500)); // past Amazon's two-minute lag (×60)
      },
    });
    const position = () =>
      system.db.query<{ window_token: string | null; window_pages: number; checkpoint: Date | null }>(
        `SELECT window_token, window_pages, checkpoint FROM order_ingest.poll_state`,
      );
    await waitFor('two pages committed, more to come', async () => {
      const [row] = await position();
      return row?.window_token !== null && (row?.window_pages ?? 0) >= 2;
    }, { timeoutMs: 30_000, intervalMs: 20 });
    await system.service.kill9();

    const [atKill] = await position();
    const importedAtKill = Number((await system.db.query<{ n: string }>(`SELECT count(*) AS n FROM order_ingest.order_snapshots`))[0].n);
    expect(importedAtKill).toBeGreaterThanOrEqual(2 * PAGE_SIZE);
    expect(importedAtKill).toBeLessThan(ORDERS);
    expect(atKill.window_token).not.toBeNull();
    const callsAtKill = (await system.sim.calls('searchOrders')).calls;

    await system.service.start();
    await waitFor(
      'every order imported',
      async () => Number((await system.db.query<{ n: string }>(`SELECT count(*) AS n FROM order_ingest.order_snapshots`))[0].n) === ORDERS,
      { timeoutMs: 40_000, intervalMs: 200 },
    );
    await waitFor('the window to be complete', async () => (await position())[0].window_token === null);

    // Resumed with the saved token: only the pages not yet committed were fetched again
    // (the one in flight at the kill included), not the window from its start.
    const resumedCalls = (await system.sim.calls('searchOrders')).calls - callsAtKill;
    expect(resumedCalls).toBe(Math.ceil(ORDERS / PAGE_SIZE) - atKill.window_pages);

    const snapshots = await system.db.query<{ order_id: string }>(`SELECT order_id FROM order_ingest.order_snapshots ORDER BY order_id`);
    expect(snapshots.map((s) => s.order_id)).toEqual([...orderIds].sort());
    const placed = await system.db.query<{ order_id: string; n: string }>(
      `SELECT envelope->'payload'->'order'->>'orderId' AS order_id, count(*) AS n FROM order_ingest.outbox
        WHERE routing_key = 'order.placed' GROUP BY 1`,
    );
    expect(placed).toHaveLength(ORDERS);
    expect(placed.every((p) => Number(p.n) === 1)).toBe(true);
    await waitFor('every order.placed on the wire', () => new Set(system.events.map((e) => e.orderId)).size === ORDERS, {
      timeoutMs: 20_000,
    });
    for (const orderId of orderIds) expect(system.distinctEvents(orderId)).toEqual({ 'order.placed': 1 });
  });
});
