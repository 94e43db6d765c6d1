import { waitFor } from '@holdfast/testing';
import { HoldfastSystem } from './support/holdfast-system';
import {
  ACCOUNT,
  AmazonSimulator,
  availability,
  ListingEventObserver,
  patchAndFeedOverlaps,
  publisherEnv,
  type SimListing,
} from './support/publisher-system';

interface ListingView {
  id: string;
  channelSku: string;
  state: string;
  desired: { quantity: number | null };
  acknowledged: { quantity: number; method: string } | null;
  error: { code: string; message: string; failures: number } | null;
}

interface Failures {
  byCode: { channel: string; accountId: string; code: string; listings: number }[];
  listings: ListingView[];
}

/** 4 internal SKUs × 100 Amazon SKUs: a change of one SKU moves 100 listings, so they go by feed. */
const FEED_SKUS = 4;
const PER_SKU = 100;
const feedSku = (i: number) => `F-${String(i).padStart(4, '0')}`;
const feedQuantity = (k: number) => 30 + k;
/** Amazon holds these as KITCHEN; registered as HOME, each feed message for them is an error. */
const MISTYPED = ['F-TYPE-1', 'F-TYPE-2', 'F-TYPE-3'];

/**
 * SP-API faults: 500s, calls that time out (and are still handled by Amazon later), an
 * ACCEPTED PATCH Amazon never applies, PATCHes applied but answered with a body cut short, a
 * FATAL feed and per-message feed errors. While a fault lasts, the operations API shows the
 * failure; once it stops, the simulator holds the right quantity for every listing, and no SKU
 * ever had a PATCH and a feed in flight at once.
 */
describe('availability-publisher: SP-API faults end at the right quantity', () => {
  let sim: AmazonSimulator;
  let system: HoldfastSystem;
  let events: ListingEventObserver;
  let version = 1;

  const http = <T = unknown>(method: string, path: string, body?: unknown) =>
    system.http<T>('availability-publisher', method, path, body);
  const publishAvailability = (sku: string, available: number) =>
    system.publisher.publish('availability.changed', availability(sku, available, version++));
  const listingOf = async (channelSku: string): Promise<ListingView> => {
    const res = await http<{ listings: ListingView[] }>(
      'GET',
      `/v1/listings?channelSku=${encodeURIComponent(channelSku)}`,
    );
    return res.body.listings[0];
  };
  const register = async (channelSku: string, sku: string, productType = 'HOME') => {
    const res = await http('POST', '/v1/listings', {
      channel: 'amazon',
      accountId: ACCOUNT,
      channelSku,
      productType,
      sku,
    });
    expect(res.status).toBe(201);
  };
  const known = (sku: string, available: number) =>
    waitFor(`availability of ${sku} at the publisher`, async () => {
      const res = await http<{ available: number }>('GET', `/v1/desired/${sku}`);
      return res.status === 200 && res.body.available === available;
    });
  const failingWith = (channelSku: string, code: (c: string) => boolean) =>
    waitFor(
      `${channelSku} failing`,
      async () => {
        const l = await listingOf(channelSku);
        return l.error && code(l.error.code) ? l : undefined;
      },
      { timeoutMs: 30_000 },
    );
  const settledAt = (channelSku: string, quantity: number) =>
    waitFor(
      `${channelSku} at ${quantity} and in sync`,
      async () =>
        (await sim.quantity(channelSku)) === quantity && (await listingOf(channelSku)).state === 'in-sync',
      { timeoutMs: 30_000, intervalMs: 200 },
    );

  beforeAll(async () => {
    sim = await AmazonSimulator.start();
    await sim.seedListings([
      { sku: 'P-500' },
      { sku: 'P-SLOW' },
      { sku: 'P-DROP' },
      { sku: 'P-MAL' },
      ...Array.from({ length: FEED_SKUS * PER_SKU }, (_, i) => ({ sku: feedSku(i) })),
      ...MISTYPED.map((sku) => ({ sku, productType: 'KITCHEN' })),
    ]);
    system = await HoldfastSystem.start(
      'pub-faults',
      ['availability-publisher'],
      publisherEnv(sim, {
        SPAPI_MAX_ATTEMPTS: '2',
        // Amazon time: an accepted PATCH not seen by the read-back after 2 minutes (2 s here) is sent again.
        AMAZON_PATCH_VERIFY_TIMEOUT_MS: '120000',
      }),
    );
    events = await ListingEventObserver.start(system.namespace);
    for (const sku of ['S-500', 'S-SLOW', 'S-DROP', 'S-MAL']) await publishAvailability(sku, 5);
    for (let k = 0; k < FEED_SKUS; k++) await publishAvailability(`FS-${k}`, feedQuantity(k));
    await known('S-MAL', 5);
    await known(`FS-${FEED_SKUS - 1}`, feedQuantity(FEED_SKUS - 1));
  });

  afterAll(async () => {
    await events?.stop();
    await system?.stop();
    await sim?.stop();
  });

  it('500s: the failure is visible while they last; the quantity lands once they stop', async () => {
    await sim.addFault({ operation: 'patchListingsItem', kind: 'http500', share: 1 });
    await register('P-500', 'S-500');
    const failing = await failingWith('P-500', () => true);
    expect(failing.state).toBe('failing');
    expect(failing.error?.message).toMatch(/500/);
    const failures = await http<Failures>('GET', '/v1/failures');
    expect(failures.body.listings.map((l) => l.channelSku)).toContain('P-500');
    expect(failures.body.byCode).toContainEqual(
      expect.objectContaining({ accountId: ACCOUNT, code: failing.error?.code }),
    );
    await waitFor(
      'listing.publish-failed for P-500',
      () => events.of('listing.publish-failed', 'P-500').length > 0,
    );
    expect(events.of('listing.publish-failed', 'P-500')[0].payload).toMatchObject({
      channelSku: 'P-500',
      quantity: 5,
      willRetry: true,
    });
    expect(await sim.quantity('P-500')).toBe(0);

    await sim.clearFaults();
    await settledAt('P-500', 5);
    expect((await listingOf('P-500')).error).toBeNull();
    await waitFor('listing.published for P-500', () => events.of('listing.published', 'P-500').length === 1);
  });

  it('timeouts: calls Amazon handles after the client gave up never leave their older quantity behind', async () => {
    // Each PATCH is handled 4 s after it arrived (Amazon time 240 s), after the 2 s client timeout.
    await sim.addFault({ operation: 'patchListingsItem', kind: 'latency', latencyMs: 240_000, share: 1 });
    await register('P-SLOW', 'S-SLOW');
    const failing = await failingWith('P-SLOW', () => true);
    expect(failing.state === 'failing' || failing.state === 'in-flight').toBe(true);
    expect((await http<Failures>('GET', '/v1/failures')).body.listings.map((l) => l.channelSku)).toContain(
      'P-SLOW',
    );

    // A newer availability arrives while the timed-out PATCHes of 5 are still on their way.
    await publishAvailability('S-SLOW', 8);
    await known('S-SLOW', 8);
    await sim.clearFaults();
    await settledAt('P-SLOW', 8);
    // Give every late PATCH of 5 the time to be handled and applied.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    await settledAt('P-SLOW', 8);
    const history = (await sim.listing('P-SLOW')).history;
    expect(history[history.length - 1].quantityAfter).toBe(8);
  });

  it('an ACCEPTED PATCH that Amazon never applies is not success: the read-back finds it and it is sent again', async () => {
    await sim.addFault({ operation: 'patchListingsItem', kind: 'silentDrop', share: 1, limit: 1 });
    const before = (await sim.stats()).patchListingsItem?.calls ?? 0;
    await register('P-DROP', 'S-DROP');
    await settledAt('P-DROP', 5);
    expect(((await sim.stats()).patchListingsItem?.calls ?? 0) - before).toBe(2);
    const notApplied = events.of('listing.publish-failed', 'P-DROP');
    await waitFor(
      'listing.publish-failed (NotApplied) for P-DROP',
      () => events.of('listing.publish-failed', 'P-DROP').length === 1,
    );
    expect((notApplied[0] ?? events.of('listing.publish-failed', 'P-DROP')[0]).payload).toMatchObject({
      code: 'NotApplied',
      quantity: 5,
    });
    await waitFor(
      'listing.published for P-DROP',
      () => events.of('listing.published', 'P-DROP').length === 1,
    );
    expect((await sim.listing('P-DROP')).history.map((h) => h.quantityAfter)).toEqual([0, 5]);
  });

  it('a PATCH Amazon applies but answers with a body cut short is a failure, never in-sync; once answers are whole the newest quantity lands', async () => {
    // Every answer cut short: Amazon applies each PATCH, the publisher can read none of them.
    await sim.addFault({ operation: 'patchListingsItem', kind: 'malformedBody', share: 1 });
    try {
      await register('P-MAL', 'S-MAL');
      const failing = await failingWith('P-MAL', (code) => code === 'MalformedBody');
      expect(failing.state).toBe('failing');
      expect(failing.acknowledged).toBeNull();
      expect(failing.error?.message).toMatch(
        /patchListingsItem: 200 MalformedBody: response body is not JSON/,
      );
      const failures = await http<Failures>('GET', '/v1/failures');
      expect(failures.body.listings.map((l) => l.channelSku)).toContain('P-MAL');
      expect(failures.body.byCode).toContainEqual(
        expect.objectContaining({ accountId: ACCOUNT, code: 'MalformedBody' }),
      );
      // Amazon has the quantity, but an answer nobody could read is no proof of it.
      await waitFor(
        'Amazon to apply the unreadable PATCH of 5',
        async () => (await sim.quantity('P-MAL')) === 5,
      );
      expect((await listingOf('P-MAL')).state).not.toBe('in-sync');

      // A newer quantity while the answers are still unreadable: it reaches Amazon the same way.
      await publishAvailability('S-MAL', 8);
      await known('S-MAL', 8);
      await waitFor(
        'Amazon to apply the unreadable PATCH of 8',
        async () => (await sim.quantity('P-MAL')) === 8,
        { timeoutMs: 30_000 },
      );
      const stillFailing = await listingOf('P-MAL');
      expect(stillFailing.state).not.toBe('in-sync');
      expect(stillFailing.acknowledged).toBeNull();
      expect(stillFailing.error?.code).toBe('MalformedBody');
    } finally {
      await sim.clearFaults();
    }

    await settledAt('P-MAL', 8);
    const settled = await listingOf('P-MAL');
    expect(settled.error).toBeNull();
    expect(settled.acknowledged).toMatchObject({ quantity: 8, method: 'patch' });
    await waitFor(
      'no PATCH of P-MAL left to apply',
      async () => (await sim.listing('P-MAL')).pendingPatches === 0,
    );
    // Every PATCH the publisher could not read was applied, in order: 5 never came back after 8.
    const quantities = (await sim.listing('P-MAL')).history
      .filter((h) => h.source === 'patch')
      .map((h) => h.quantityAfter);
    const firstEight = quantities.indexOf(8);
    expect(firstEight).toBeGreaterThan(0);
    expect(new Set(quantities.slice(0, firstEight))).toEqual(new Set([5]));
    expect(new Set(quantities.slice(firstEight))).toEqual(new Set([8]));
    expect(await sim.quantity('P-MAL')).toBe(8);
    await waitFor('listing.published for P-MAL', () =>
      events.of('listing.published', 'P-MAL').some((e) => (e.payload as { quantity: number }).quantity === 8),
    );
  });

  it('a FATAL feed, feed polls that fail and per-message errors: visible meanwhile, right quantities once fixed', async () => {
    await sim.addFault({ operation: 'getFeed', kind: 'http500', share: 1, limit: 4 });
    // Amazon accepts the first feed, then ends it FATAL with nothing applied.
    await sim.addFault({ operation: 'createFeed', kind: 'fatalFeed', share: 1, limit: 1 });
    const base = { channel: 'amazon', accountId: ACCOUNT, productType: 'HOME' };
    const imported = await http('POST', '/v1/listings/import', {
      listings: [
        ...Array.from({ length: FEED_SKUS * PER_SKU }, (_, i) => ({
          ...base,
          channelSku: feedSku(i),
          sku: `FS-${i % FEED_SKUS}`,
        })),
        ...MISTYPED.map((channelSku) => ({ ...base, channelSku, sku: 'FS-0' })),
      ],
    });
    expect(imported.status).toBe(200);

    // The first feed ends FATAL: every listing it carried fails with the feed's reason.
    const fatal = await waitFor(
      'the FATAL feed visible through the API',
      async () =>
        (await http<Failures>('GET', '/v1/failures')).body.byCode.find((c) => c.code === 'FeedFatal'),
      { timeoutMs: 30_000, intervalMs: 100 },
    );
    expect(fatal.listings).toBeGreaterThan(100);
    const fatalEvent = await waitFor('listing.publish-failed for a FATAL feed', () =>
      events.events.find(
        (e) => e.type === 'listing.publish-failed' && (e.payload as { code: string }).code === 'FeedFatal',
      ),
    );
    expect((fatalEvent.payload as { message: string }).message).toMatch(/FATAL/);

    // Retried: everything lands except the three whose product type Amazon refuses, per message.
    const correct = async (skus: string[], quantityOf: (sku: string) => number) => {
      const quantities = await sim.quantities();
      return skus.every((sku) => quantities.get(sku) === quantityOf(sku));
    };
    const feedSkus = Array.from({ length: FEED_SKUS * PER_SKU }, (_, i) => feedSku(i));
    const quantityOfFeedSku = (sku: string) => feedQuantity(Number(sku.slice(2)) % FEED_SKUS);
    await waitFor('400 listings at their quantity', () => correct(feedSkus, quantityOfFeedSku), {
      timeoutMs: 60_000,
      intervalMs: 250,
    });
    for (const channelSku of MISTYPED) {
      const l = await failingWith(channelSku, (code) => code === 'PRODUCT_TYPE_MISMATCH');
      expect(l.error?.message).toContain('KITCHEN');
    }
    const failures = await http<Failures>('GET', '/v1/failures');
    expect(failures.body.byCode).toContainEqual({
      channel: 'amazon',
      accountId: ACCOUNT,
      code: 'PRODUCT_TYPE_MISMATCH',
      listings: 3,
    });
    for (const channelSku of MISTYPED) expect(await sim.quantity(channelSku)).toBe(0);

    // The operator corrects the product type; the next attempt lands.
    for (const channelSku of MISTYPED) {
      const l = await listingOf(channelSku);
      expect((await http('PATCH', `/v1/listings/${l.id}`, { productType: 'KITCHEN' })).status).toBe(200);
    }
    for (const channelSku of MISTYPED) await settledAt(channelSku, feedQuantity(0));
    await waitFor(
      'no failures left',
      async () => (await http<Failures>('GET', '/v1/failures')).body.byCode.length === 0,
      { timeoutMs: 30_000 },
    );

    const attempts = await http<{ attempts: { method: string; state: string; failed: number }[] }>(
      'GET',
      '/v1/publishing/attempts?limit=100',
    );
    expect(attempts.body.attempts.some((a) => a.method === 'feed' && a.failed > 0)).toBe(true);
  });

  it('never had a PATCH and a feed in flight for the same SKU', async () => {
    const res = await sim.control<{ listings: { sku: string }[] }>('GET', '/_sim/listings');
    const overlaps: string[] = [];
    for (const { sku } of res.body.listings) {
      const listing: SimListing = await sim.listing(sku);
      overlaps.push(...patchAndFeedOverlaps(listing));
    }
    expect(overlaps).toEqual([]);
  });
});
