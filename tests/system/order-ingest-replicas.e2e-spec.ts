import { waitFor } from '@holdfast/testing';
import { ACCOUNT_ID, OrderIngestSystem } from './support/order-ingest.harness';

/**
 * Scaling out never multiplies calls: with two replicas one holds the account's lease
 * and polls, the other serves the API and waits; killing the holder hands the account
 * over after the lease expires, and nothing is lost or announced twice.
 */
describe('order-ingest: two replicas, one caller per account', () => {
  let system: OrderIngestSystem;
  const created: string[] = [];

  const searchCalls = async () => (await system.sim.calls('searchOrders')).calls;
  const holders = () => system.db.query<{ holder: string }>(`SELECT holder FROM order_ingest.leases WHERE expires_at > now()`);

  /** searchOrders calls made while orders keep coming for `ms`. */
  async function callsDuring(ms: number): Promise<number> {
    const before = await searchCalls();
    const end = Date.now() + ms;
    while (Date.now() < end) {
      created.push((await system.sim.createOrder({ items: [{ sellerSku: `REP-${created.length}`, quantity: 1 }] })).orderId);
      await new Promise((r) => setTimeout(r, 1_500));
    }
    return (await searchCalls()) - before;
  }

  beforeAll(async () => {
    system = await OrderIngestSystem.start('ingest_replicas');
    // Slower than the plan refills (one call per 3 s at ×60): calls follow the interval.
    await system.setOptions({ pollIntervalSeconds: 4, overlapSeconds: 5 });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('two replicas make no more searchOrders calls than one, and import everything once', async () => {
    await new Promise((r) => setTimeout(r, 4_500)); // the new interval in force
    const one = await callsDuring(12_000);

    const second = await system.addReplica();
    const two = await callsDuring(12_000);
    expect(two).toBeLessThanOrEqual(one + 1);
    expect(await holders()).toHaveLength(1);

    // Both serve the API; both report the same poller.
    const [a, b] = await Promise.all(
      system.replicas.map(async (replica) => (await system.http('GET', '/v1/poll-health', undefined, { replica })).body.accounts[0]),
    );
    expect(a.polledBy.holder).toBe(b.polledBy.holder);
    const listed = await system.http('GET', `/v1/orders?accountId=${ACCOUNT_ID}&limit=500`, undefined, { replica: second });
    await waitFor('every order placed', () => created.every((id) => system.distinctEvents(id)['order.placed'] === 1), { timeoutMs: 20_000 });
    expect(listed.status).toBe(200);
  });

  it('killing the lease holder hands the account to the other replica; nothing lost, nothing twice', async () => {
    const [{ holder: before }] = await holders();
    const [first, second] = system.replicas;
    const holderReplica = (await system.http('GET', '/v1/poll-health', undefined, { replica: first })).body.accounts[0].polledBy.holder === before ? first : second;
    const survivor = holderReplica === first ? second : first;
    await holderReplica.kill9();

    const order = await system.sim.createOrder({ items: [{ sellerSku: 'AFTER-KILL', quantity: 2 }] });
    created.push(order.orderId);
    await system.eventFor(order.orderId, 'order.placed', 30_000);
    const [{ holder: after }] = await holders();
    expect(after).not.toBe(before);
    const health = (await system.http('GET', '/v1/poll-health', undefined, { replica: survivor })).body.accounts[0];
    expect(health.polledBy.holder).toBe(after);
    for (const id of created) expect(system.distinctEvents(id)).toEqual({ 'order.placed': 1 });
  });
});
