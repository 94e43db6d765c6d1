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
    return (
      (stats.operations['searchOrders']?.throttled ?? 0) + (stats.operations['getOrder']?.throttled ?? 0)
    );
  };

  /**
   * Orders placed `spacingMs` apart; every other one is paid two orders later, often before
   * any search could show it Pending (Amazon shows an order only about two minutes after it
   * changed, and then in its current state). The rest are paid once order-ingest has
   * announced them, so they go Pending → Unshipped in its eyes and need a getOrder re-read.
   */
  async function ordersLivingTheirLife(
    count: number,
    prefix: string,
    spacingMs: number,
  ): Promise<{ ids: string[]; paidLate: string[] }> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const order = await system.sim.createOrder({
        marketplaceId: i % 2 ? IT : DE,
        items: [{ sellerSku: `${prefix}-${i}`, quantity: 1 + (i % 3) }],
      });
      ids.push(order.orderId);
      // A quick payment of an earlier order: a status change, maybe before first sight.
      if (i % 2 === 0 && i > 0) await system.sim.setStatus(ids[i - 2], 'UNSHIPPED');
      await new Promise((r) => setTimeout(r, spacingMs));
    }
    const paidLate = ids.filter((_, i) => i % 4 === 1);
    await waitFor(
      'the late payers announced while Pending',
      () => paidLate.every((id) => system.distinctEvents(id)['order.placed'] === 1),
      {
        timeoutMs: 45_000,
        intervalMs: 250,
      },
    );
    for (const id of paidLate) await system.sim.setStatus(id, 'UNSHIPPED');
    return { ids, paidLate };
  }

  /** The status the order's latest event announced. */
  const announcedStatus = (id: string) => system.eventsOf(id).at(-1)?.status;

  /**
   * Every order announced once as placed; a paid order's latest word is `confirmed`: either
   * it was first seen paid (order.placed carries it) or it was seen Pending and then got
   * exactly one order.confirmed. Orders seen Pending and paid later must be confirmed.
   */
  async function everyOrderAnnounced({
    ids,
    paidLate,
  }: {
    ids: string[];
    paidLate: string[];
  }): Promise<void> {
    const simStatus = new Map<string, string>();
    for (const id of ids)
      simStatus.set(id, (await system.sim.control('GET', `/_sim/orders/${id}`)).body.status);
    const expected = (id: string) => (simStatus.get(id) === 'UNSHIPPED' ? 'confirmed' : 'pending');
    await waitFor(
      'every order placed (and the paid ones confirmed)',
      () =>
        ids.every(
          (id) => system.distinctEvents(id)['order.placed'] === 1 && announcedStatus(id) === expected(id),
        ),
      { timeoutMs: 45_000, intervalMs: 250 },
    );
    for (const id of ids) {
      const events = system.distinctEvents(id);
      expect(Object.values(events).every((n) => n === 1)).toBe(true);
      // Nothing but placed and at most one confirmed: no order.updated from overlapping polls.
      const types = Object.keys(events).sort();
      if (paidLate.includes(id)) expect(types).toEqual(['order.confirmed', 'order.placed']);
      else expect([['order.placed'], ['order.confirmed', 'order.placed']]).toContainEqual(types);
    }
    // A confirmation completes the order with getOrder: the event carries its lines.
    for (const id of paidLate) {
      expect(system.eventsOf(id).find((e) => e.type === 'order.placed')?.status).toBe('pending');
      const confirmed = system.eventsOf(id).find((e) => e.type === 'order.confirmed');
      expect(confirmed?.payload.order.lines.length).toBeGreaterThan(0);
    }
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
    await everyOrderAnnounced(await ordersLivingTheirLife(10, 'STORM', 400));
    expect(await throttled()).toBeGreaterThan(0);
    const health = (await system.http('GET', '/v1/poll-health')).body.accounts.find(
      (a: { accountId: string }) => a.accountId === ACCOUNT_ID,
    );
    expect(health.throttledCalls).toBeGreaterThan(0);
  });

  it("back on Amazon's default usage plans: no throttled call in steady state, everything imported", async () => {
    for (const plan of defaultPlans) await system.sim.control('POST', '/_sim/usage-plans', plan);
    const before = await throttled();
    const callsBefore = (await system.sim.calls('searchOrders')).calls;
    const started = Date.now();
    await everyOrderAnnounced(await ordersLivingTheirLife(16, 'STEADY', 1_000));
    expect(await throttled()).toBe(before);
    // Paced by the plan: at most the burst plus what refilled (one call per 3 s at ×60).
    const calls = (await system.sim.calls('searchOrders')).calls - callsBefore;
    expect(calls).toBeLessThanOrEqual(20 + Math.ceil((Date.now() - started) / 3_000));
  });
});
