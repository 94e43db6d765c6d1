import { randomBytes } from 'node:crypto';
import { waitFor } from '@holdfast/testing';
import { HoldfastSystem } from './support/holdfast-system';
import { ACCOUNT, AmazonSimulator, DE, IT, publisherEnv } from './support/publisher-system';

/** Amazon SKUs of the merchant's one internal SKU MUG (two in IT, one in DE, a pair), and of TEA. */
const MUG_LISTINGS = ['MUG-IT', 'MUG-ALT', 'MUG-DE'];
const PAIR = 'MUG-PAIR';
const TEA = 'TEA-1';

/**
 * The whole loop against the simulator, every service a process: a Pending order placed on
 * Amazon is polled by order-ingest, reserved by inventory-reservation, and the lower
 * availability is published by availability-publisher to every Amazon listing of the same
 * internal SKU (bundles included); cancelling the order on Amazon restores them. The
 * simulator's GET /_sim/listings/{sku} is the judge.
 */
describe('availability-publisher: an Amazon order lowers every listing of its SKU, its cancellation restores them', () => {
  let sim: AmazonSimulator;
  let system: HoldfastSystem;

  const quantities = async (skus: string[]) =>
    Object.fromEntries(await Promise.all(skus.map(async (s) => [s, await sim.quantity(s)])));
  const onAmazon = (expected: Record<string, number>) =>
    waitFor(
      `the simulator to show ${JSON.stringify(expected)}`,
      async () => JSON.stringify(await quantities(Object.keys(expected))) === JSON.stringify(expected),
      { timeoutMs: 45_000, intervalMs: 200 },
    );

  beforeAll(async () => {
    sim = await AmazonSimulator.start();
    await sim.seedListings([...MUG_LISTINGS, PAIR, TEA].map((sku) => ({ sku })));
    system = await HoldfastSystem.start(
      'pub-orders',
      ['order-ingest', 'inventory-reservation', 'availability-publisher'],
      publisherEnv(sim, {
        // order-ingest polls the same seller account the publisher publishes to.
        PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ORDER_INGEST_TICK_MS: '100',
        ORDER_INGEST_LEASE_TTL_MS: '3000',
        ORDER_INGEST_FIRST_POLL_LOOKBACK_MINUTES: '5',
      }),
    );
    const options = await system.http('order-ingest', 'PATCH', `/v1/accounts/${ACCOUNT}/options`, {
      pollIntervalSeconds: 1,
      overlapSeconds: 30,
    });
    expect(options.status).toBe(200);

    for (const channelSku of MUG_LISTINGS) {
      const mapped = await system.http(
        'inventory-reservation',
        'PUT',
        `/v1/accounts/amazon/${ACCOUNT}/sku-mappings/${channelSku}`,
        { sku: 'MUG' },
      );
      expect(mapped.status).toBe(200);
    }
    for (const [sku, onHand] of [
      ['MUG', 10],
      ['TEA', 4],
    ] as const) {
      expect(
        (await system.http('inventory-reservation', 'PUT', `/v1/stock/${sku}`, { onHand, asOf: 1 })).status,
      ).toBe(200);
    }
    await waitFor('MUG and TEA known to the publisher', async () => {
      const [mug, tea] = await Promise.all(
        ['MUG', 'TEA'].map((s) => system.http('availability-publisher', 'GET', `/v1/desired/${s}`)),
      );
      return mug.status === 200 && tea.status === 200;
    });

    const base = { channel: 'amazon', accountId: ACCOUNT, productType: 'HOME' };
    const imported = await system.http('availability-publisher', 'POST', '/v1/listings/import', {
      listings: [
        { ...base, channelSku: 'MUG-IT', sku: 'MUG', marketplaceId: IT },
        { ...base, channelSku: 'MUG-ALT', sku: 'MUG', marketplaceId: IT },
        { ...base, channelSku: 'MUG-DE', sku: 'MUG', marketplaceId: DE },
        { ...base, channelSku: PAIR, bundle: [{ sku: 'MUG', quantity: 2 }], marketplaceId: IT },
        { ...base, channelSku: TEA, sku: 'TEA', marketplaceId: IT },
      ],
    });
    expect(imported.status).toBe(200);
  });

  afterAll(async () => {
    await system?.stop();
    await sim?.stop();
  });

  it('a Pending order of 3 on one listing takes 3 from every MUG listing, and its cancellation gives them back', async () => {
    await onAmazon({ 'MUG-IT': 10, 'MUG-ALT': 10, 'MUG-DE': 10, [PAIR]: 5, [TEA]: 4 });

    const order = await sim.control<{ order: { orderId: string } }>('POST', '/_sim/orders', {
      marketplaceId: IT,
      items: [{ sellerSku: 'MUG-IT', quantity: 3 }],
    });
    expect(order.status).toBe(201);
    const orderId = order.body.order.orderId;
    expect((await sim.control<{ status: string }>('GET', `/_sim/orders/${orderId}`)).body.status).toBe(
      'PENDING',
    );

    await onAmazon({ 'MUG-IT': 7, 'MUG-ALT': 7, 'MUG-DE': 7, [PAIR]: 3 });
    expect(await sim.quantity(TEA)).toBe(4);
    expect((await sim.listing(TEA)).history).toHaveLength(2); // the seed and the first publication

    const cancelled = await sim.control('POST', `/_sim/orders/${orderId}/status`, { status: 'CANCELLED' });
    expect(cancelled.status).toBe(200);
    await onAmazon({ 'MUG-IT': 10, 'MUG-ALT': 10, 'MUG-DE': 10, [PAIR]: 5 });

    // Each listing went 0 → 10 → 7 → 10 (the pair 0 → 5 → 3 → 5): no detour through another number.
    for (const sku of MUG_LISTINGS) {
      expect((await sim.listing(sku)).history.map((h) => h.quantityAfter)).toEqual([0, 10, 7, 10]);
    }
    expect((await sim.listing(PAIR)).history.map((h) => h.quantityAfter)).toEqual([0, 5, 3, 5]);
  });
});
