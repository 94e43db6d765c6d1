import { waitFor } from '@holdfast/testing';
import { ACCOUNT_ID, OrderIngestSystem, TIME_SCALE } from './support/order-ingest.harness';

const DAY_MS = 86_400_000;
/** Amazon-time milliseconds for a real delay in the time-scaled simulator. */
const amazonMs = (realMs: number) => realMs * TIME_SCALE;

/**
 * What polls miss and catch-up runs find: an order Amazon shows late (with its old
 * lastUpdatedTime) slips behind the checkpoint; the next catch-up run imports it and its
 * record says so. Recovery of one order by id. The run's two scans by creation time.
 */
describe('order-ingest: catch-up runs and single-order recovery', () => {
  let system: OrderIngestSystem;

  const runs = async () => (await system.http('GET', `/v1/catch-up-runs?accountId=${ACCOUNT_ID}`)).body.runs;
  const imported = async (orderId: string) =>
    (await system.http('GET', `/v1/accounts/${ACCOUNT_ID}/orders/${orderId}`)).status === 200;

  async function runCatchUp(): Promise<any> {
    const trigger = await system.http('POST', `/v1/accounts/${ACCOUNT_ID}/catch-up-runs`);
    expect(trigger.status).toBe(202);
    expect(trigger.body).toMatchObject({ accountId: ACCOUNT_ID, trigger: 'request', status: expect.stringMatching(/queued|running/) });
    return waitFor(
      'the catch-up run to finish',
      async () => {
        const run = (await system.http('GET', `/v1/catch-up-runs/${trigger.body.runId}`)).body;
        return run.status === 'succeeded' || run.status === 'failed' ? run : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 200 },
    );
  }

  /**
   * An order Amazon shows late: created a minute ago (so its lastUpdatedTime is a minute
   * old), visible only from now on, after an ordinary order has moved the checkpoint past it.
   */
  async function lateOrder(sku: string): Promise<any> {
    const anchor = await system.sim.createOrder({ items: [{ sellerSku: `${sku}-ANCHOR`, quantity: 1 }] });
    await system.eventFor(anchor.orderId, 'order.placed');
    const late = await system.sim.createOrder({
      createdAt: new Date(Date.now() - 60_000).toISOString(),
      visibilityDelayMs: amazonMs(1_000),
      items: [{ sellerSku: sku, quantity: 1 }],
    });
    const polls = (await system.http('GET', '/v1/poll-health')).body.accounts[0].pollsSucceeded;
    // Visible, and polled over several times since.
    await waitFor('three polls after it became visible', async () => {
      const health = (await system.http('GET', '/v1/poll-health')).body.accounts[0];
      return health.pollsSucceeded >= polls + 3 && Date.parse(health.lastPollStartedAt) > Date.parse(late.visibleAt) + 2_500;
    });
    return late;
  }

  beforeAll(async () => {
    system = await OrderIngestSystem.start('ingest_catchup');
    await system.setOptions({ pollIntervalSeconds: 1, overlapSeconds: 1 });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('an order made visible late is missed by the poll and found by the next catch-up run; the run record says so', async () => {
    const late = await lateOrder('LATE-01');
    expect(await imported(late.orderId)).toBe(false);

    const run = await runCatchUp();
    expect(run.status).toBe('succeeded');
    expect(run.totals.new).toBe(1);
    expect(run.newOrderIds).toEqual([late.orderId]);
    expect(run.totals.unchanged).toBeGreaterThanOrEqual(1); // the orders the poll already had
    expect(run.scans.map((s: { name: string }) => s.name)).toEqual(['merchant-not-shipped', 'amazon-fulfilled']);
    const detail = (await system.http('GET', `/v1/accounts/${ACCOUNT_ID}/orders/${late.orderId}`)).body;
    expect(detail).toMatchObject({ status: 'pending', firstSeenBy: 'catch-up' });
    const placed = await system.eventFor(late.orderId, 'order.placed');
    expect(placed.payload.order.lines).toHaveLength(1);

    // A second run finds nothing new and emits nothing.
    const again = await runCatchUp();
    expect(again.totals.new).toBe(0);
    expect(system.distinctEvents(late.orderId)).toEqual({ 'order.placed': 1 });
  });

  it('recovers one order by id with getOrder', async () => {
    const late = await lateOrder('RECOVER-01');
    expect(await imported(late.orderId)).toBe(false);
    const recovery = await system.http('POST', `/v1/accounts/${ACCOUNT_ID}/orders/${late.orderId}/recover`);
    expect(recovery.status).toBe(200);
    expect(recovery.body).toMatchObject({ status: 'recovered', outcome: 'new', orderId: late.orderId });
    expect((await system.http('GET', `/v1/accounts/${ACCOUNT_ID}/orders/${late.orderId}`)).body.firstSeenBy).toBe('recovery');
    await system.eventFor(late.orderId, 'order.placed');

    const again = await system.http('POST', `/v1/accounts/${ACCOUNT_ID}/orders/${late.orderId}/recover`);
    expect(again.body).toMatchObject({ status: 'recovered', outcome: 'unchanged' });
    const unknown = await system.http('POST', `/v1/accounts/${ACCOUNT_ID}/orders/999-0000000-0000000/recover`);
    expect(unknown.body).toMatchObject({ status: 'not-found' });
    expect(system.distinctEvents(late.orderId)).toEqual({ 'order.placed': 1 });
  });

  it('scans merchant orders not yet shipped over the look-back and Amazon-fulfilled ones two days further', async () => {
    const ago = (days: number) => new Date(Date.now() - days * DAY_MS).toISOString();
    const fba8Days = await system.sim.createOrder({ fulfilledBy: 'AMAZON', status: 'SHIPPED', createdAt: ago(8), items: [{ sellerSku: 'FBA-8D', quantity: 1 }] });
    const mfn8Days = await system.sim.createOrder({ status: 'UNSHIPPED', createdAt: ago(8), items: [{ sellerSku: 'MFN-8D', quantity: 1 }] });
    const mfn3Days = await system.sim.createOrder({ status: 'UNSHIPPED', createdAt: ago(3), items: [{ sellerSku: 'MFN-3D', quantity: 1 }] });
    const mfnShipped = await system.sim.createOrder({ status: 'SHIPPED', createdAt: ago(3), items: [{ sellerSku: 'MFN-SHIPPED', quantity: 1 }] });

    const run = await runCatchUp();
    expect(run.status).toBe('succeeded');
    expect(run.newOrderIds.sort()).toEqual([fba8Days.orderId, mfn3Days.orderId].sort());
    const [merchant, amazon] = run.scans;
    expect(Date.parse(merchant.createdAfter)).toBeLessThan(Date.now() - 7 * DAY_MS + 60_000);
    expect(Date.parse(amazon.createdAfter)).toBeLessThan(Date.now() - 9 * DAY_MS + 60_000);
    expect(merchant).toMatchObject({ fulfilledBy: ['MERCHANT'], new: 1 });
    expect(amazon).toMatchObject({ fulfilledBy: ['AMAZON'], new: 1 });
    expect(await imported(mfn8Days.orderId)).toBe(false);
    expect(await imported(mfnShipped.orderId)).toBe(false);
    // The merchant order found paid was re-read for its buyer data.
    const detail = (await system.http('GET', `/v1/accounts/${ACCOUNT_ID}/orders/${mfn3Days.orderId}`)).body;
    expect(detail.buyerData.state).toBe('stored');
  });

  it('runs are scheduled (daily by default) and a due schedule starts one', async () => {
    const health = (await system.http('GET', '/v1/poll-health')).body.accounts[0];
    const next = Date.parse(health.nextCatchUpAt);
    expect(next - Date.now()).toBeGreaterThan(DAY_MS - 5 * 60_000);
    expect(next - Date.now()).toBeLessThanOrEqual(DAY_MS);

    // Bring the schedule due (as a day passing would) and watch the lease holder start the run.
    await system.db.query(`UPDATE order_ingest.poll_state SET next_catch_up_at = now() - interval '1 second'`);
    const scheduled = await waitFor(
      'a scheduled run',
      async () => (await runs()).find((r: { trigger: string; status: string }) => r.trigger === 'schedule' && r.status === 'succeeded'),
      { timeoutMs: 30_000, intervalMs: 200 },
    );
    expect(scheduled.requestedBy).toBeNull();
    const rescheduled = Date.parse((await system.http('GET', '/v1/poll-health')).body.accounts[0].nextCatchUpAt);
    expect(rescheduled).toBeGreaterThan(Date.now() + DAY_MS - 5 * 60_000);
  });
});
