import { createEnvelope } from '@holdfast/contracts';
import { waitFor } from '@holdfast/testing';
import { amazonOrder, HoldfastSystem } from './support/holdfast-system';

type StockRow = {
  sku: string;
  on_hand: number;
  reserved: number;
  version: number;
};

describe('order → reservation → availability, three services as processes', () => {
  let system: HoldfastSystem;

  const stock = (sku: string) =>
    system.db
      .query<StockRow>('SELECT sku, on_hand, reserved, version FROM inventory.stock WHERE sku = $1', [sku])
      .then((r) => r[0]);
  const desired = (sku: string) =>
    system.db
      .query<{ available: number; version: number }>(
        'SELECT available, version FROM availability.desired_quantities WHERE sku = $1',
        [sku],
      )
      .then((r) => r[0]);
  const reservations = (orderId: string) =>
    system.db.query<{ line_id: string; sku: string; quantity: number; state: string }>(
      'SELECT line_id, sku, quantity, state FROM inventory.reservations WHERE order_id = $1 ORDER BY line_id',
      [orderId],
    );

  beforeAll(async () => {
    system = await HoldfastSystem.start('slice', [
      'inventory-reservation',
      'availability-publisher',
      'shipment-notifier',
    ]);
    for (const [sku, onHand] of [
      ['SKU-A', 10],
      ['SKU-B', 5],
    ] as const) {
      const res = await system.http('inventory-reservation', 'PUT', `/v1/stock/${sku}`, { onHand, asOf: 1 });
      expect(res.status).toBe(200);
    }
    await waitFor(
      'initial availability published',
      async () => (await desired('SKU-A'))?.available === 10 && (await desired('SKU-B'))?.available === 5,
    );
  });

  afterAll(async () => {
    await system?.stop();
  });

  it("holds a Pending order's units, lowers availability, and restores it on cancel", async () => {
    const placed = amazonOrder('111-0000001-0000001', 'pending', [
      { channelSku: 'SKU-A', quantityOrdered: 2 },
      { channelSku: 'SKU-B', quantityOrdered: 1 },
    ]);
    await system.publisher.publish('order.placed', placed);

    await waitFor(
      'availability lowered at the publisher',
      async () => (await desired('SKU-A'))?.available === 8 && (await desired('SKU-B'))?.available === 4,
    );
    expect(await reservations('111-0000001-0000001')).toEqual([
      { line_id: '111-0000001-0000001-L1', sku: 'SKU-A', quantity: 2, state: 'pending' },
      { line_id: '111-0000001-0000001-L2', sku: 'SKU-B', quantity: 1, state: 'pending' },
    ]);
    expect(await stock('SKU-A')).toMatchObject({ on_hand: 10, reserved: 2 });
    // The notifier learned the order is Pending (it must refuse to ship it).
    await waitFor(
      'order state at the notifier',
      async () =>
        (
          await system.db.query<{ status: string }>(
            `SELECT status FROM shipment_notifier.order_states WHERE order_id = '111-0000001-0000001'`,
          )
        )[0]?.status === 'pending',
    );

    const canceled = amazonOrder('111-0000001-0000001', 'canceled', [
      { channelSku: 'SKU-A', quantityOrdered: 2, quantityCanceled: 2 },
      { channelSku: 'SKU-B', quantityOrdered: 1, quantityCanceled: 1 },
    ]);
    await system.publisher.publish('order.canceled', canceled);
    await waitFor(
      'availability restored',
      async () => (await desired('SKU-A'))?.available === 10 && (await desired('SKU-B'))?.available === 5,
    );
    expect((await reservations('111-0000001-0000001')).map((r) => r.state)).toEqual(['released', 'released']);
    expect(await stock('SKU-A')).toMatchObject({ on_hand: 10, reserved: 0 });

    // What Prometheus scrapes shows the flow.
    const metrics = await (await fetch(`${system.service('inventory-reservation').baseUrl}/metrics`)).text();
    expect(metrics).toMatch(/holdfast_messages_consumed_total\{[^}]*outcome="applied"[^}]*\} [1-9]/);
    expect(metrics).toMatch(/holdfast_outbox_backlog\{[^}]*\} 0/);
    expect(metrics).toMatch(/holdfast_outbox_relayed_total\{[^}]*outcome="published"[^}]*\} [1-9]/);
  });

  it('converges when the cancel arrives before the placement and messages are duplicated', async () => {
    const placed = amazonOrder('111-0000002-0000002', 'pending', [
      { channelSku: 'SKU-A', quantityOrdered: 3 },
    ]);
    const canceled = amazonOrder('111-0000002-0000002', 'canceled', [
      { channelSku: 'SKU-A', quantityOrdered: 3, quantityCanceled: 3 },
    ]);
    const cancelEnvelope = createEnvelope('order.canceled', canceled);
    const placedEnvelope = createEnvelope('order.placed', placed);
    const versionBefore = (await stock('SKU-A')).version;

    await system.publisher.publishEnvelope(cancelEnvelope);
    await system.publisher.publishEnvelope(cancelEnvelope);
    await system.publisher.publishEnvelope(placedEnvelope);
    await system.publisher.publishEnvelope(placedEnvelope);

    await waitFor('all four deliveries consumed', async () => {
      const [{ n }] = await system.db.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM inventory.inbox WHERE message_id = ANY($1::uuid[])',
        [[cancelEnvelope.messageId, placedEnvelope.messageId]],
      );
      return n === 2;
    });
    // Give a wrongly applied late placement the time to show.
    await new Promise((r) => setTimeout(r, 500));
    const rows = await reservations('111-0000002-0000002');
    expect(rows.every((r) => r.state === 'released' && r.quantity === 0)).toBe(true);
    expect(await stock('SKU-A')).toMatchObject({ reserved: 0 });
    const tombstone = await system.db.query<{ status: string }>(
      `SELECT status FROM inventory.order_revisions WHERE order_id = '111-0000002-0000002'`,
    );
    expect(tombstone).toEqual([{ status: 'canceled' }]);
    // Nothing about the SKU's availability changed, so nothing was published.
    expect((await stock('SKU-A')).version).toBe(versionBefore);
    expect((await desired('SKU-A'))?.available).toBe(10);
  });
});
