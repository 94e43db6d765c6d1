import type { ShipmentConfirmedPayload } from '@holdfast/contracts';
import { waitFor } from '@holdfast/testing';
import { expectExplainAddsUp } from './support/explain-check';
import { InventoryHarness, ledgerTotals, orderSnapshot } from './support/inventory-harness';

function shipment(orderId: string, shipmentId: string, lines: ShipmentConfirmedPayload['lines']): ShipmentConfirmedPayload {
  return {
    shipmentId,
    channel: 'amazon',
    accountId: 'seller-1',
    orderId,
    packages: [{ packageReferenceId: '1', carrierCode: 'DHL', trackingNumber: `TRK-${shipmentId}` }],
    lines,
    confirmedAt: '2026-11-20T12:00:00Z',
  };
}

describe('reservations through the consumer: catalogue, lifecycle, explanation', () => {
  let h: InventoryHarness;

  const reservationsOf = (orderId: string) =>
    h.query<{ line_id: string; sku: string; state: string; quantity: number; fulfilled: number }>(
      `SELECT line_id, sku, state, quantity, fulfilled FROM inventory.reservations WHERE order_id = $1 ORDER BY line_id, sku`,
      [orderId],
    );
  const consumed = (messageId: string) =>
    waitFor(`message ${messageId} consumed`, async () => (await h.query('SELECT 1 FROM inventory.inbox WHERE message_id = $1', [messageId])).length === 1);
  const explain = async (sku: string) => {
    const res = await h.http('GET', `/v1/availability/${sku}`);
    expect(res.status).toBe(200);
    return res.body;
  };

  beforeAll(async () => {
    h = await InventoryHarness.start('inv_lifecycle');
    // A warehouse for every channel and a shop's back room that serves only Shopify.
    expect((await h.http('PUT', '/v1/locations/backroom', { name: 'Shop back room', channels: ['shopify'], priority: 50 })).status).toBe(200);
    for (const [sku, onHand, locationId] of [
      ['MUG', 6, 'default'],
      ['MUG', 4, 'backroom'],
      ['TEA', 3, 'default'],
    ] as const) {
      expect((await h.http('PUT', `/v1/stock/${sku}`, { onHand, asOf: 1, locationId })).status).toBe(200);
    }
    expect((await h.http('PUT', '/v1/accounts/amazon/seller-1/sku-mappings/AMZ-MUG', { sku: 'MUG' })).status).toBe(200);
    expect((await h.http('PUT', '/v1/bundles/GIFT-BOX', { components: [{ sku: 'MUG', quantity: 2 }, { sku: 'TEA', quantity: 1 }] })).status).toBe(200);
    expect((await h.http('PUT', '/v1/accounts/amazon/seller-1/sku-mappings/AMZ-GIFT', { sku: 'GIFT-BOX' })).status).toBe(200);
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('publishes per-channel figures when a location serves only some channels', async () => {
    const mug = await explain('MUG');
    expect(mug).toMatchObject({ onHand: 10, reserved: 0, available: 10 });
    expect(mug.channels).toEqual([
      { channel: 'amazon', onHand: 6, reserved: 0, available: 6 },
      { channel: 'shopify', onHand: 10, reserved: 0, available: 10 },
      { channel: 'woocommerce', onHand: 6, reserved: 0, available: 6 },
    ]);
    expectExplainAddsUp(mug);
    const published = h.observer.of('availability.changed').filter((e) => e.payload.sku === 'MUG');
    expect(published[published.length - 1].payload.channels).toEqual(mug.channels);
    // The bundle is published under its own SKU: min(6 / 2, 3 / 1) = 3 for Amazon.
    await waitFor('bundle availability', () =>
      h.observer.of('availability.changed').some((e) => e.payload.sku === 'GIFT-BOX' && e.payload.available === 3),
    );
    expect(await explain('GIFT-BOX')).toMatchObject({ kind: 'bundle', onHand: 3, available: 3 });
  });

  it('holds a Pending order through mappings and bundles, commits it, ships it', async () => {
    const order = 'AMZ-1001';
    const placed = await h.publish(
      'order.placed',
      orderSnapshot(order, 'pending', [
        { channelSku: 'AMZ-MUG', quantityOrdered: 2 },
        { channelSku: 'AMZ-GIFT', quantityOrdered: 1 },
      ]),
    );
    await consumed(placed.messageId);
    expect(await reservationsOf(order)).toEqual([
      { line_id: `${order}-L1`, sku: 'MUG', state: 'pending', quantity: 2, fulfilled: 0 },
      { line_id: `${order}-L2`, sku: 'MUG', state: 'pending', quantity: 2, fulfilled: 0 },
      { line_id: `${order}-L2`, sku: 'TEA', state: 'pending', quantity: 1, fulfilled: 0 },
    ]);
    const mug = await explain('MUG');
    expect(mug).toMatchObject({ onHand: 10, reserved: 4, available: 6 });
    expect(mug.reservations.map((r: any) => [r.orderId, r.channelSku, r.bundleSku, r.state, r.quantity])).toEqual([
      [order, 'AMZ-MUG', null, 'pending', 2],
      [order, 'AMZ-GIFT', 'GIFT-BOX', 'pending', 2],
    ]);
    expectExplainAddsUp(mug);
    // A bundle is as available as its scarcest component: min((10 - 4) / 2, (3 - 1) / 1) = 2 over
    // all locations, but Amazon does not see the back room: min((6 - 4) / 2, 2) = 1.
    const gift = await explain('GIFT-BOX');
    expect(gift).toMatchObject({ available: 2 });
    expect(gift.channels.find((c: any) => c.channel === 'amazon')).toMatchObject({ available: 1 });

    const paid = await h.publish(
      'order.confirmed',
      orderSnapshot(order, 'confirmed', [
        { channelSku: 'AMZ-MUG', quantityOrdered: 2 },
        { channelSku: 'AMZ-GIFT', quantityOrdered: 1 },
      ]),
    );
    await consumed(paid.messageId);
    expect((await reservationsOf(order)).map((r) => r.state)).toEqual(['committed', 'committed', 'committed']);

    // The notifier confirms one mug of line 1 before the channel reports anything shipped.
    const shipped1 = await h.publish('shipment.confirmed', shipment(order, 'SHP-1', [{ lineId: `${order}-L1`, channelSku: 'AMZ-MUG', quantity: 1 }]));
    await consumed(shipped1.messageId);
    expect((await reservationsOf(order))[0]).toMatchObject({ state: 'committed', quantity: 1, fulfilled: 1 });
    // On-hand fell at the location serving Amazon, not the Shopify-only back room.
    expect(await explain('MUG')).toMatchObject({ onHand: 9, reserved: 3 });
    expect((await explain('MUG')).locations.map((l: any) => [l.locationId, l.onHand])).toEqual([
      ['backroom', 4],
      ['default', 5],
    ]);

    // Then the channel reports everything shipped; the confirmed mug is not taken twice.
    const done = await h.publish(
      'order.shipped',
      orderSnapshot(order, 'shipped', [
        { channelSku: 'AMZ-MUG', quantityOrdered: 2, quantityShipped: 2 },
        { channelSku: 'AMZ-GIFT', quantityOrdered: 1, quantityShipped: 1 },
      ]),
    );
    await consumed(done.messageId);
    expect((await reservationsOf(order)).map((r) => [r.state, r.quantity, r.fulfilled])).toEqual([
      ['fulfilled', 0, 2],
      ['fulfilled', 0, 2],
      ['fulfilled', 0, 1],
    ]);
    expect(await explain('MUG')).toMatchObject({ onHand: 6, reserved: 0, available: 6 });
    expect(await explain('TEA')).toMatchObject({ onHand: 2, reserved: 0, available: 2 });

    // A replayed shipment (new message, same shipment) changes nothing.
    const replay = await h.publish('shipment.confirmed', shipment(order, 'SHP-1', [{ lineId: `${order}-L1`, channelSku: 'AMZ-MUG', quantity: 1 }]));
    await consumed(replay.messageId);
    expect(await explain('MUG')).toMatchObject({ onHand: 6 });

    const history = await h.http('GET', `/v1/orders/amazon/seller-1/${order}/reservations`);
    expect(history.status).toBe(200);
    expect(history.body.order).toMatchObject({ status: 'shipped', fulfilledBy: 'MERCHANT' });
    expect(
      history.body.history.filter((t: any) => t.lineId === `${order}-L1`).map((t: any) => [t.from, t.to, t.toQuantity, t.fulfilled, t.cause.type]),
    ).toEqual([
      [null, 'pending', 2, 0, 'order.placed'],
      ['pending', 'committed', 2, 0, 'order.confirmed'],
      ['committed', 'committed', 1, 1, 'shipment.confirmed'],
      ['committed', 'fulfilled', 0, 2, 'order.shipped'],
    ]);
  });

  it('rejects and records an illegal transition, changing nothing', async () => {
    const order = 'AMZ-1002';
    const paid = await h.publish('order.confirmed', orderSnapshot(order, 'confirmed', [{ channelSku: 'TEA', quantityOrdered: 1 }]));
    await consumed(paid.messageId);
    // A newer snapshot claiming the paid order is Pending again.
    const back = await h.publish('order.updated', orderSnapshot(order, 'pending', [{ channelSku: 'TEA', quantityOrdered: 1 }]));
    await consumed(back.messageId);
    expect(await reservationsOf(order)).toEqual([{ line_id: `${order}-L1`, sku: 'TEA', state: 'committed', quantity: 1, fulfilled: 0 }]);
    const rejected = await h.http('GET', '/v1/rejected-transitions?accountId=seller-1');
    expect(rejected.body.rejectedTransitions).toEqual([
      expect.objectContaining({ orderId: order, sku: 'TEA', from: 'committed', to: 'pending', cause: { type: 'order.updated', messageId: back.messageId } }),
    ]);
    const history = await h.http('GET', `/v1/orders/amazon/seller-1/${order}/reservations`);
    expect(history.body.rejectedTransitions).toHaveLength(1);
  });

  it('holds nothing for an Amazon-fulfilled order unless the account says so', async () => {
    const before = (await explain('TEA')).reserved;
    const fba = await h.publish('order.placed', orderSnapshot('AMZ-FBA-1', 'pending', [{ channelSku: 'TEA', quantityOrdered: 1 }], { fulfilledBy: 'AMAZON' }));
    await consumed(fba.messageId);
    expect(await reservationsOf('AMZ-FBA-1')).toEqual([]);
    expect((await explain('TEA')).reserved).toBe(before);

    expect((await h.http('PUT', '/v1/accounts/amazon/seller-1/settings', { reserveAmazonFulfilled: true })).body).toEqual({
      channel: 'amazon',
      accountId: 'seller-1',
      reserveAmazonFulfilled: true,
    });
    const fba2 = await h.publish('order.placed', orderSnapshot('AMZ-FBA-2', 'pending', [{ channelSku: 'TEA', quantityOrdered: 1 }], { fulfilledBy: 'AMAZON' }));
    await consumed(fba2.messageId);
    expect(await reservationsOf('AMZ-FBA-2')).toEqual([expect.objectContaining({ state: 'pending', quantity: 1 })]);
    await h.http('PUT', '/v1/accounts/amazon/seller-1/settings', { reserveAmazonFulfilled: false });
  });

  it('reserves beyond on-hand, raises stock.oversold and lists the SKU as oversold', async () => {
    const tea = await explain('TEA');
    const order = 'AMZ-1003';
    const placed = await h.publish('order.placed', orderSnapshot(order, 'pending', [{ channelSku: 'TEA', quantityOrdered: tea.available + 2 }]));
    await consumed(placed.messageId);
    const after = await explain('TEA');
    expect(after).toMatchObject({ available: -2, shortfall: 2 });
    expectExplainAddsUp(after);
    await waitFor('stock.oversold', () => h.observer.of('stock.oversold').some((e) => e.payload.sku === 'TEA'));
    expect(h.observer.of('stock.oversold').find((e) => e.payload.sku === 'TEA')?.payload).toEqual({
      sku: 'TEA',
      shortfall: 2,
      orders: [{ channel: 'amazon', accountId: 'seller-1', orderId: order }],
    });
    const oversold = await h.http('GET', '/v1/oversold');
    expect(oversold.body.skus).toEqual([
      expect.objectContaining({ sku: 'TEA', shortfall: 2, newestOrders: [expect.objectContaining({ orderId: order })] }),
    ]);
    // The bundle that needs TEA is published at its negative availability too.
    expect((await explain('GIFT-BOX')).available).toBeLessThan(0);
  });

  it('keeps every head equal to its rows', async () => {
    for (const t of await ledgerTotals(h)) expect({ sku: t.sku, reserved: t.reserved, onHand: t.on_hand }).toEqual({ sku: t.sku, reserved: t.active, onHand: t.levels });
    // Every SKU this suite touched (bundles have their own view, checked above).
    for (const t of await ledgerTotals(h)) expectExplainAddsUp(await explain(t.sku));
  });
});
