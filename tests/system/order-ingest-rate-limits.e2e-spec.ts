import { waitFor } from '@holdfast/testing';
import { ACCOUNT_ID, DE, IT, OrderIngestSystem } from './support/order-ingest.harness';

/**
 * Amazon's quotas. During a 429 storm (the simulator's searchOrders plan cut to a burst
 * of 2) order-ingest backs off and still imports everything; back on Amazon's default
 * usage plans it stays within them: no throttled call at all in steady state, because
 * its own token bucket (seeded from the documented plans, corrected by
 * x-amzn-RateLimit-Limit) never spends more than Amazon's.
 */
describe('order-ingest: within Amazon usage plans', () => {
  let system: OrderIngestSystem;

  const stormPlans = [
    { operation: 'searchOrders', rate: 0.0056, burst: 2 },
    { operation: 'getOrder', rate: 0.5, burst: 2 },
  ];
  const defaultPlans = [
    { operation: 'searchOrders', rate: 0.0056, burst: 20 },
    { operation: 'getOrder', rate: 0.5, burst: 30 },
  ];
  const throttled = async () => {
    const stats = await system.sim.stats();
    return (stats.operations['searchOrders']?.throttled ?? 0) + (stats.operations['getOrder']?.throttled ?? 0);
  };

  async function ordersLivingTheirLife(count: number, prefix: string, spacingMs: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const order = await system.sim.createOrder({ marketplaceId: i % 2 ? IT : DE, items: [{ sellerSku: `${prefix}-${i}`, quantity: 1 + (i % 3) }] });
      ids.push(order.orderId);
      if (i % 2 === 0) {
        const previous = ids[Math.max(0, i - 2)];
        // Payment of an earlier order: a status change and a getOrder re-read.
        if (i > 0) await system.sim.setStatus(previous, 'UNSHIPPED');
      }
      await new Promise((r) => setTimeout(r, spacingMs));
    }
    return ids;
  }

  async function everyOrderAnnounced(ids: string[]): Promise<void> {
    await waitFor('every order placed (and the paid ones confirmed)', async () => {
      for (const id of ids) {
        const simOrder = (await system.sim.control('GET', `/_sim/orders/${id}`)).body;
        const expected = simOrder.status === 'UNSHIPPED' ? ['order.confirmed', 'order.placed'] : ['order.placed'];
        const seen = Object.keys(system.distinctEvents(id)).sort();
        if (JSON.stringify(seen) !== JSON.stringify(expected)) return false;
      }
      return true;
    }, { timeoutMs: 45_000, intervalMs: 250 });
    for (const id of ids) expect(Object.values(system.distinctEvents(id)).every((n) => n === 1)).toBe(true);
  }

  beforeAll(async () => {
    system = await OrderIngestSystem.start('ingest_rates', {
      prepare: async (sim) => {
        for (const plan of stormPlans) await sim.control('POST', '/_sim/usage-plans', plan);
      },
    });
    await system.setOptions({ pollIntervalSeconds: 1, overlapSeconds: 5 });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('a 429 storm: throttled calls are retried with backoff and every order is still imported once', async () => {
    const ids = await ordersLivingTheirLife(10, 'STORM', 400);
    await everyOrderAnnounced(ids);
    expect(await throttled()).toBeGreaterThan(0);
    const health = (await system.http('GET', '/v1/poll-health')).body.accounts.find((a: { accountId: string }) => a.accountId === ACCOUNT_ID);
    expect(health.throttledCalls).toBeGreaterThan(0);
  });

  it("back on Amazon's default usage plans: no throttled call in steady state, everything imported", async () => {
    for (const plan of defaultPlans) await system.sim.control('POST', '/_sim/usage-plans', plan);
    const before = await throttled();
    const callsBefore = (await system.sim.calls('searchOrders')).calls;
    const started = Date.now();
    const ids = await ordersLivingTheirLife(16, 'STEADY', 1_000);
    await everyOrderAnnounced(ids);
    expect(await throttled()).toBe(before);
    // Paced by the plan: at most the burst plus what refilled (one call per 3 s at ×60).
    const calls = (await system.sim.calls('searchOrders')).calls - callsBefore;
    expect(calls).toBeLessThanOrEqual(20 + Math.ceil((Date.now() - started) / 3_000));
  });
});
