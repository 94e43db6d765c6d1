import { TEST_API_KEY, waitFor } from '@holdfast/testing';
import {
  ACCOUNT,
  announceOrder,
  IT,
  notifier,
  type Json,
  shipmentFor,
  startShipmentSystem,
  waitForShipment,
  type ShipmentSystem,
} from './support/shipment-system';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('carrier mapping as data, and bad input', () => {
  let env: ShipmentSystem;

  beforeAll(async () => {
    env = await startShipmentSystem('ship-carriers');
  });

  afterAll(async () => {
    await env?.stop();
  });

  it('ships with default mappings for Italian and German carriers, editable through the API', async () => {
    const { system } = env;
    const mappings = (await notifier(system, 'GET', '/v1/carrier-mappings?channel=amazon')).body.mappings;
    const byCarrier = Object.fromEntries(mappings.map((m: { carrier: string; code: string }) => [m.carrier, m.code]));
    expect(byCarrier).toMatchObject({
      brt: 'BRT',
      'poste-italiane': 'Poste Italiane',
      sda: 'SDA',
      'dhl-paket': 'DHL-Paket',
      'deutsche-post': 'Deutsche Post',
      hermes: 'Hermes',
      go: 'GO!',
    });
    const codes = (await notifier(system, 'GET', '/v1/channels/amazon/carrier-codes')).body.codes;
    expect(codes).toEqual(expect.arrayContaining(['BRT', 'GO!', 'Poste Italiane', 'Other']));

    // Amazon's codes are case-sensitive: a near miss is refused, with the list to choose from.
    const wrongCase = await notifier(system, 'PUT', '/v1/carrier-mappings', { carrier: 'Bartolini', channel: 'amazon', code: 'Brt' });
    expect(wrongCase.status).toBe(422);
    expect(wrongCase.body.code).toBe('carrier-mapping.unknown-code');
    expect(wrongCase.body.knownCodes).toContain('BRT');
    const otherWithoutName = await notifier(system, 'PUT', '/v1/carrier-mappings', { carrier: 'Nexive', channel: 'amazon', code: 'Other' });
    expect(otherWithoutName.status).toBe(400);
    expect(otherWithoutName.body.code).toBe('carrier-mapping.other-needs-name');

    // A marketplace-specific mapping wins over the channel-wide one.
    const express = await notifier(system, 'PUT', '/v1/carrier-mappings', {
      carrier: 'DHL',
      channel: 'amazon',
      marketplaceId: IT,
      code: 'DHL Express',
    });
    expect(express.status).toBe(201);
    const order = await env.sim.createOrder([{ sku: 'BOOK', quantity: 1 }]);
    await announceOrder(system, order, 'confirmed');
    const res = await notifier(
      system,
      'POST',
      '/v1/shipments',
      { ...shipmentFor(order, { carrier: 'dhl', trackingNumber: 'JD0001' }), sendImmediately: true },
      { 'idempotency-key': 'carriers-1' },
    );
    await waitForShipment(system, res.body.id, ['confirmed']);
    expect((await env.sim.packages(order.orderId))[0].carrierCode).toBe('DHL Express');
    expect((await notifier(system, 'DELETE', `/v1/carrier-mappings/${express.body.id}`)).status).toBe(204);
    expect((await notifier(system, 'DELETE', `/v1/carrier-mappings/${express.body.id}`)).status).toBe(404);
  });

  it('holds a shipment with an unmapped carrier with a clear error, and sends it after the mapping and a retry', async () => {
    const { system, sim, events } = env;
    const order = await sim.createOrder([{ sku: 'RUG', quantity: 1 }]);
    await announceOrder(system, order, 'confirmed');
    const res = await notifier(
      system,
      'POST',
      '/v1/shipments',
      { ...shipmentFor(order, { carrier: 'Nexive', trackingNumber: 'NX-77' }), sendImmediately: true },
      { 'idempotency-key': 'unmapped-1' },
    );
    expect(res.status).toBe(201);
    const held = await waitForShipment(system, res.body.id, ['held', 'confirmed']);
    expect(held.status).toBe('held');
    expect(held.packages[0].notification.lastError).toMatchObject({ code: 'UnmappedCarrier' });
    expect(held.packages[0].notification.lastError.message).toMatch(/Carrier "Nexive" has no amazon carrier code for marketplace APJ6JRA9NG5V4/);
    await waitFor('shipment.failed (held)', () => events.of('shipment.failed', res.body.id).length === 1);
    expect(events.of('shipment.failed', res.body.id)[0].payload).toMatchObject({ code: 'UnmappedCarrier', held: true });
    // Never silently sent as "Other".
    await sleep(500);
    expect(await sim.packages(order.orderId)).toEqual([]);
    const heldList = await notifier(system, 'GET', '/v1/shipments?status=held');
    expect(heldList.body.shipments.map((s: { id: string }) => s.id)).toEqual([res.body.id]);

    const mapped = await notifier(system, 'PUT', '/v1/carrier-mappings', {
      carrier: 'NEXIVE',
      channel: 'amazon',
      code: 'Other',
      name: 'Nexive',
    });
    expect(mapped.status).toBe(201);
    expect(mapped.body).toMatchObject({ carrier: 'nexive', code: 'Other', name: 'Nexive', marketplaceId: null });
    expect((await notifier(system, 'POST', `/v1/shipments/${res.body.id}/retry`)).status).toBe(200);
    const sent = await waitForShipment(system, res.body.id, ['confirmed', 'failed', 'held']);
    expect(sent.status).toBe('confirmed');
    const packages = await sim.packages(order.orderId);
    expect(packages).toHaveLength(1);
    expect(packages[0]).toMatchObject({ carrierCode: 'Other', carrierName: 'Nexive', trackingNumber: 'NX-77' });
  });

  it('holds shipments for an account without credentials; a void frees their units', async () => {
    const { system } = env;
    const orderId = '404-0000001-0000001';
    await system.publisher.publish('order.confirmed', {
      order: {
        channel: 'amazon',
        accountId: 'seller-without-credentials',
        orderId,
        marketplaceId: IT,
        status: 'confirmed',
        channelStatus: 'UNSHIPPED',
        fulfilledBy: 'MERCHANT',
        purchasedAt: '2026-11-20T09:00:00.000Z',
        updatedAt: '2026-11-20T10:00:00.000Z',
        revision: Date.parse('2026-11-20T10:00:00.000Z') * 1000,
        lines: [{ lineId: '7001', channelSku: 'SOFA', quantityOrdered: 1, quantityShipped: 0, quantityCanceled: 0 }],
      },
    });
    await waitFor('the order at the notifier', async () => (await system.db.query('SELECT 1 FROM shipment_notifier.order_states WHERE order_id = $1', [orderId])).length === 1);
    const body = {
      order: { channel: 'amazon', accountId: 'seller-without-credentials', orderId },
      packages: [{ carrier: 'BRT', trackingNumber: 'B-1', shipDate: new Date().toISOString() }],
      lines: [{ lineId: '7001', quantity: 1 }],
      sendImmediately: true,
    };
    const first = await notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': 'nocreds-1' });
    const held = await waitForShipment(system, first.body.id, ['held']);
    expect(held.packages[0].notification.lastError.code).toBe('ChannelAccountNotConfigured');
    expect((await notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': 'nocreds-2' })).status).toBe(409);

    const voided = await notifier(system, 'POST', `/v1/shipments/${first.body.id}/void`);
    expect(voided.status).toBe(200);
    expect(voided.body.status).toBe('voided');
    expect((await notifier(system, 'POST', `/v1/shipments/${first.body.id}/retry`)).status).toBe(409);
    const again = await notifier(system, 'POST', '/v1/shipments', { ...body, sendImmediately: false }, { 'idempotency-key': 'nocreds-3' });
    expect(again.status).toBe(201);
  });

  it('refuses bad input with a 400 problem document and stores nothing', async () => {
    const { system, sim } = env;
    const order = await sim.createOrder([{ sku: 'CHAIR', quantity: 2 }]);
    await announceOrder(system, order, 'confirmed');
    const good = () => ({ ...shipmentFor(order, { carrier: 'GLS', trackingNumber: 'GLS-9' }), sendImmediately: true });
    const counts = async () =>
      (
        await system.db.query<{ shipments: number; packages: number; keys: number }>(
          `SELECT (SELECT count(*)::int FROM shipment_notifier.shipments) AS shipments,
                  (SELECT count(*)::int FROM shipment_notifier.shipment_packages) AS packages,
                  (SELECT count(*)::int FROM shipment_notifier.idempotency_keys) AS keys`,
        )
      )[0];
    const before = await counts();
    const inAYear = new Date(Date.now() + 365 * 86_400_000).toISOString();
    const in25Hours = new Date(Date.now() + 25 * 3_600_000).toISOString();

    const cases: [string, Record<string, unknown>, string][] = [
      ['missing tracking number', { ...good(), packages: [{ carrier: 'GLS', shipDate: new Date().toISOString() }] }, 'packages[0].trackingNumber'],
      ['blank tracking number', { ...good(), packages: [{ carrier: 'GLS', trackingNumber: '   ', shipDate: new Date().toISOString() }] }, 'packages[0].trackingNumber'],
      ['ship date far in the future', { ...good(), packages: [{ carrier: 'GLS', trackingNumber: 'G', shipDate: inAYear }] }, 'packages[0].shipDate'],
      // The tolerance is a day (a manifest prepared before the pickup): an hour past it is refused.
      ['ship date just beyond the tolerance', { ...good(), packages: [{ carrier: 'GLS', trackingNumber: 'G', shipDate: in25Hours }] }, 'packages[0].shipDate'],
      ['ship date without a time zone', { ...good(), packages: [{ carrier: 'GLS', trackingNumber: 'G', shipDate: '2026-11-20T10:00:00' }] }, 'packages[0].shipDate'],
      ['unknown top-level field', { ...good(), priority: 'high' }, 'priority'],
      ['unknown nested field', { ...good(), packages: [{ carrier: 'GLS', trackingNumber: 'G', shipDate: new Date().toISOString(), weightKg: 2 }] }, 'packages[0].weightKg'],
      ['zero quantity', { ...good(), lines: [{ lineId: order.items[0].orderItemId, quantity: 0 }] }, 'lines[0].quantity'],
      ['no packages', { ...good(), packages: [] }, 'packages'],
    ];
    for (const [i, [name, body, field]] of cases.entries()) {
      const res = await notifier(system, 'POST', '/v1/shipments', body, { 'idempotency-key': `bad-input-${i}` });
      expect({ name, status: res.status }).toEqual({ name, status: 400 });
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect({ name, fields: (res.body.errors ?? []).map((e: { field: string }) => e.field) }).toEqual({ name, fields: expect.arrayContaining([field]) });
    }
    const badKey = await notifier(system, 'POST', '/v1/shipments', good(), { 'idempotency-key': 'has spaces' });
    expect(badKey.status).toBe(400);
    expect(badKey.body.code).toBe('idempotency.key-invalid');
    const noKey = await notifier(system, 'POST', '/v1/shipments', good());
    expect(noKey.status).toBe(400);
    expect(noKey.body.code).toBe('idempotency.key-required');
    const noAuth = await fetch(`${system.service('shipment-notifier').baseUrl}/v1/shipments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'x' },
      body: JSON.stringify(good()),
    });
    expect(noAuth.status).toBe(401);

    // A manifest with an unknown field or a shipment id that is not one: refused, nothing stored.
    const manifests = async () => (await system.db.query<{ n: number }>('SELECT count(*)::int AS n FROM shipment_notifier.manifests'))[0].n;
    const manifestsBefore = await manifests();
    const badManifest = await notifier(system, 'POST', '/v1/manifests', { reference: 'D-1', pickupAt: 'today' }, { 'idempotency-key': 'bad-manifest-1' });
    expect(badManifest.status).toBe(400);
    expect(badManifest.headers.get('content-type')).toMatch(/application\/problem\+json/);
    const badIds = await notifier(system, 'POST', '/v1/manifests', { reference: 'D-2', shipmentIds: ['not-an-id'] }, { 'idempotency-key': 'bad-manifest-2' });
    expect(badIds.status).toBe(400);
    expect(await manifests()).toBe(manifestsBefore);

    expect(await counts()).toEqual(before);
    await sleep(300);
    expect(await sim.packages(order.orderId)).toEqual([]);

    // The OpenAPI document describes the API and its key header.
    const doc = (await (await fetch(`${system.service('shipment-notifier').baseUrl}/openapi.json`)).json()) as Json;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/shipments', '/v1/manifests/{id}/ship', '/v1/carrier-mappings']));
    expect(doc.paths['/v1/shipments'].post.parameters).toContainEqual(expect.objectContaining({ name: 'Idempotency-Key', in: 'header', required: true }));
    expect(doc.paths['/v1/shipments'].post['x-required-scopes']).toEqual(['shipments:write']);
    expect(TEST_API_KEY).toBeTruthy();
    expect(ACCOUNT).toBe('seller-1');
  });
});
