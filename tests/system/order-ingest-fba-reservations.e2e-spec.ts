import { freePort, ServiceProcess, TEST_AMQP_URL, TEST_API_KEY, waitFor } from '@holdfast/testing';
import { ACCOUNT_ID, OrderIngestSystem } from './support/order-ingest.harness';

/**
 * From Amazon to the ledger: orders made at the SP-API simulator, imported by
 * order-ingest and consumed by inventory-reservation (both as processes, one database,
 * one broker namespace). An Amazon-fulfilled order holds no merchant stock unless the
 * account's reservation settings say so; a merchant order beside it does.
 */
describe('order-ingest → inventory-reservation: Amazon-fulfilled orders and merchant stock', () => {
  let system: OrderIngestSystem;
  let inventory: ServiceProcess;

  const inventoryHttp = async <T = any>(
    method: string,
    pathname: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> => {
    const res = await fetch(`${inventory.baseUrl}${pathname}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  };
  const reservationsOf = (orderId: string) =>
    system.db.query<{ sku: string; quantity: number; state: string }>(
      'SELECT sku, quantity, state FROM inventory.reservations WHERE order_id = $1 ORDER BY sku',
      [orderId],
    );
  /** order-ingest announced the order and inventory-reservation consumed that very message. */
  async function consumedPlacement(orderId: string): Promise<void> {
    const placed = await system.eventFor(orderId, 'order.placed', 30_000);
    await waitFor(
      `inventory-reservation consumed order.placed of ${orderId}`,
      async () =>
        (await system.db.query('SELECT 1 FROM inventory.inbox WHERE message_id = $1', [placed.messageId]))
          .length === 1,
      { timeoutMs: 30_000 },
    );
  }
  const reserved = async (sku: string) =>
    (await inventoryHttp<{ reserved: number }>('GET', `/v1/availability/${sku}`)).body.reserved;

  beforeAll(async () => {
    system = await OrderIngestSystem.start('ingest_fba');
    await system.setOptions({ pollIntervalSeconds: 1, overlapSeconds: 5 });
    inventory = new ServiceProcess({
      app: 'inventory-reservation',
      httpPort: await freePort(),
      env: {
        DATABASE_URL: system.db.url,
        AMQP_URL: TEST_AMQP_URL,
        AMQP_NAMESPACE: system.namespace,
        OUTBOX_POLL_MS: '50',
      },
    });
    await inventory.migrate();
    await inventory.start();
    for (const sku of ['FBA-MUG', 'MFN-MUG']) {
      expect((await inventoryHttp('PUT', `/v1/stock/${sku}`, { onHand: 10, asOf: 1 })).status).toBe(200);
    }
  });

  afterAll(async () => {
    await inventory?.stop();
    await system?.stop();
  });

  it('an Amazon-fulfilled order from Amazon holds no merchant stock; a merchant order beside it does', async () => {
    const fba = await system.sim.createOrder({
      fulfilledBy: 'AMAZON',
      items: [{ sellerSku: 'FBA-MUG', quantity: 2 }],
    });
    const merchant = await system.sim.createOrder({ items: [{ sellerSku: 'MFN-MUG', quantity: 3 }] });
    await consumedPlacement(fba.orderId);
    await consumedPlacement(merchant.orderId);
    expect(system.eventsOf(fba.orderId)[0].fulfilledBy).toBe('AMAZON');

    expect(await reservationsOf(fba.orderId)).toEqual([]);
    expect(await reserved('FBA-MUG')).toBe(0);
    expect(await reservationsOf(merchant.orderId)).toEqual([
      expect.objectContaining({ sku: 'MFN-MUG', quantity: 3, state: 'pending' }),
    ]);
    expect(await reserved('MFN-MUG')).toBe(3);
  });

  it('once the account says so, an Amazon-fulfilled order holds merchant stock', async () => {
    const settings = await inventoryHttp('PUT', `/v1/accounts/amazon/${ACCOUNT_ID}/settings`, {
      reserveAmazonFulfilled: true,
    });
    expect(settings).toEqual({
      status: 200,
      body: { channel: 'amazon', accountId: ACCOUNT_ID, reserveAmazonFulfilled: true },
    });
    const fba = await system.sim.createOrder({
      fulfilledBy: 'AMAZON',
      items: [{ sellerSku: 'FBA-MUG', quantity: 1 }],
    });
    await consumedPlacement(fba.orderId);
    expect(await reservationsOf(fba.orderId)).toEqual([
      expect.objectContaining({ sku: 'FBA-MUG', quantity: 1, state: 'pending' }),
    ]);
    expect(await reserved('FBA-MUG')).toBe(1);
  });
});
