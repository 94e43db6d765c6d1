import { freePort, ServiceProcess, TEST_API_KEY, waitFor } from '@holdfast/testing';
import { HoldfastSystem } from './support/holdfast-system';
import {
  ACCOUNT,
  AmazonSimulator,
  availability,
  ListingEventObserver,
  publisherEnv,
} from './support/publisher-system';
import {
  apiChanges,
  SHOP_DOMAIN,
  shopCalls,
  shopChannelsEnv,
  SHOPIFY_BASE,
  shopifyAvailable,
  ShopSimulator,
  WOO_ACCOUNT,
  WOO_BASE,
  wooStock,
} from './support/shop-publisher-system';

interface ListingView {
  id: string;
  channel: string;
  channelSku: string;
  state: string;
  desired: { quantity: number | null; availabilityVersion: number | null };
  acknowledged: { quantity: number; availabilityVersion: number; method: string } | null;
  error: { code: string; message: string; failures: number } | null;
}

interface Problem {
  code: string;
  detail: string;
}

/**
 * The Shopify and WooCommerce channels of the publisher, as a process against both
 * simulators (SP-API, and the shop simulator's Shopify GraphQL Admin API and WooCommerce
 * REST API), the real broker and database: one availability change reaches Amazon and both
 * shops with each account's rules applied; a burst costs one call per shop; throttling and
 * 5xx at the shops are retried, show as failures meanwhile, and end at the right quantity;
 * so do answers cut short after the shop applied the call, with no older quantity landing
 * late; a SKU the shop does not have is a visible failure.
 */
describe('availability-publisher: Shopify and WooCommerce beside Amazon', () => {
  let amazon: AmazonSimulator;
  let shops: ShopSimulator;
  let system: HoldfastSystem;
  let events: ListingEventObserver;
  let version = 1;

  const http = <T = unknown>(method: string, path: string, body?: unknown) =>
    system.http<T>('availability-publisher', method, path, body);
  const publishAvailability = async (sku: string, available: number) =>
    system.publisher.publish('availability.changed', availability(sku, available, version++));
  const listing = async (channel: string, channelSku: string): Promise<ListingView> => {
    const res = await http<{ listings: ListingView[] }>(
      'GET',
      `/v1/listings?channel=${channel}&channelSku=${encodeURIComponent(channelSku)}`,
    );
    return res.body.listings[0];
  };
  const known = (sku: string, available: number) =>
    waitFor(`availability of ${sku} at the publisher`, async () => {
      const res = await http<{ available: number }>('GET', `/v1/desired/${sku}`);
      return res.status === 200 && res.body.available === available;
    });
  const atShops = (shopify: Record<string, number>, woo: Record<string, number>, timeoutMs = 30_000) =>
    waitFor(
      `Shopify ${JSON.stringify(shopify)} and WooCommerce ${JSON.stringify(woo)}`,
      async () =>
        JSON.stringify(await shopifyAvailable(shops, Object.keys(shopify))) === JSON.stringify(shopify) &&
        JSON.stringify(await wooStock(shops, Object.keys(woo))) === JSON.stringify(woo),
      { timeoutMs, intervalMs: 100 },
    );
  const inSync = (listings: [string, string][]) =>
    waitFor(
      `${listings.map(([c, s]) => `${c}:${s}`).join(', ')} in sync`,
      async () =>
        (await Promise.all(listings.map(([c, s]) => listing(c, s)))).every((l) => l.state === 'in-sync'),
      { timeoutMs: 30_000 },
    );

  beforeAll(async () => {
    amazon = await AmazonSimulator.start();
    await amazon.seedListings([{ sku: 'MUG-AMZ' }]);
    shops = await ShopSimulator.start();
    // The shops know their products before the publisher first looks them up.
    await shops.ok('POST', `${SHOPIFY_BASE}/products`, {
      products: ['MUG-S', 'SET-S', 'BURST-S', 'THR-S', 'MAL-S'].map((sku) => ({ sku, available: 0 })),
    });
    await shops.ok('POST', `${WOO_BASE}/products`, {
      products: [
        { sku: 'MUG-W', stockQuantity: 0 },
        { sku: 'BURST-W', stockQuantity: 0 },
        { sku: 'FLT-W', stockQuantity: 0 },
        { sku: 'MAL-W', stockQuantity: 0 },
        {
          sku: 'TEE-W',
          variations: [
            { sku: 'TEE-W-S', stockQuantity: 0 },
            { sku: 'TEE-W-M', stockQuantity: 0 },
          ],
        },
      ],
    });
    system = await HoldfastSystem.start(
      'pub-shops',
      ['availability-publisher'],
      publisherEnv(amazon, {
        ...shopChannelsEnv(shops),
        // A burst must fit the coalescing window even on a busy machine.
        PUBLISH_QUIET_MS: '500',
        PUBLISH_SHOP_MAX_WAIT_MS: '8000',
        // The shop clients give up quickly, so the publisher's own retries (and the failures they show) are seen.
        SHOP_MAX_ATTEMPTS: '2',
        SHOP_RETRY_BASE_MS: '50',
        SHOP_UNCERTAIN_HOLD_MS: '1000',
      }),
    );
    events = await ListingEventObserver.start(system.namespace);
    for (const [sku, available] of [
      ['MUG', 20],
      ['TEE', 5],
      ['BURST', 1],
      ['THR', 1],
      ['FLT', 1],
      ['GHOST', 3],
      ['MAL', 4],
    ] as const) {
      await publishAvailability(sku, available);
      await known(sku, available);
    }
  }, 120_000);

  afterAll(async () => {
    await events?.stop();
    await system?.stop();
    await shops?.stop();
    await amazon?.stop();
  });

  it('refuses shop listings that cannot be published, and changes nothing', async () => {
    const withMarketplace = await http<Problem>('POST', '/v1/listings', {
      channel: 'shopify',
      accountId: SHOP_DOMAIN,
      channelSku: 'MUG-S',
      sku: 'MUG',
      marketplaceId: 'APJ6JRA9NG5V4',
    });
    expect(withMarketplace.status).toBe(400);
    expect(withMarketplace.body.code).toBe('listing.invalid');
    const unknownStore = await http<Problem>('POST', '/v1/listings', {
      channel: 'woocommerce',
      accountId: 'no-such-store',
      channelSku: 'MUG-W',
      sku: 'MUG',
    });
    expect(unknownStore.status).toBe(400);
    expect(unknownStore.body.code).toBe('listing.unknown-account');
    // A Shopify shop's account id is not a WooCommerce store's.
    const wrongChannel = await http<Problem>('POST', '/v1/listings', {
      channel: 'woocommerce',
      accountId: SHOP_DOMAIN,
      channelSku: 'MUG-W',
      sku: 'MUG',
    });
    expect(wrongChannel.status).toBe(400);
    expect(wrongChannel.body.code).toBe('listing.unknown-account');
    expect(
      (await http<{ listings: unknown[] }>('GET', '/v1/listings?channel=shopify')).body.listings,
    ).toEqual([]);
    expect(
      (await http<{ listings: unknown[] }>('GET', '/v1/listings?channel=woocommerce')).body.listings,
    ).toEqual([]);
  });

  it('publishes one availability change to Amazon, Shopify and WooCommerce with each account’s rules', async () => {
    expect(
      (
        await http('PUT', `/v1/rules/shopify/${SHOP_DOMAIN}`, {
          safetyBuffer: 2,
          maxQuantity: null,
          sharePercent: 50,
          zeroBelow: 0,
        })
      ).status,
    ).toBe(200);
    expect(
      (
        await http('PUT', `/v1/rules/woocommerce/${WOO_ACCOUNT}`, {
          safetyBuffer: 0,
          maxQuantity: 7,
          sharePercent: 100,
          zeroBelow: 0,
        })
      ).status,
    ).toBe(200);
    const imported = await http<{ listings: unknown[] }>('POST', '/v1/listings/import', {
      listings: [
        { channel: 'amazon', accountId: ACCOUNT, channelSku: 'MUG-AMZ', productType: 'HOME', sku: 'MUG' },
        { channel: 'shopify', accountId: SHOP_DOMAIN, channelSku: 'MUG-S', sku: 'MUG' },
        {
          channel: 'shopify',
          accountId: SHOP_DOMAIN,
          channelSku: 'SET-S',
          bundle: [{ sku: 'MUG', quantity: 2 }],
          rules: { safetyBuffer: 0, sharePercent: 100 },
        },
        { channel: 'woocommerce', accountId: WOO_ACCOUNT, channelSku: 'MUG-W', sku: 'MUG' },
        { channel: 'woocommerce', accountId: WOO_ACCOUNT, channelSku: 'TEE-W-M', sku: 'TEE' },
      ],
    });
    expect(imported.status).toBe(200);

    // MUG 20: Amazon all of it; Shopify (20 − 2) × 50 % = 9, the pair 10; WooCommerce capped at 7; TEE 5 as a variation.
    await waitFor('Amazon to show 20', async () => (await amazon.quantity('MUG-AMZ')) === 20, {
      timeoutMs: 30_000,
    });
    await atShops({ 'MUG-S': 9, 'SET-S': 10 }, { 'MUG-W': 7, 'TEE-W-M': 5, 'TEE-W-S': 0 });

    await publishAvailability('MUG', 4);
    // MUG 4: Amazon 4; Shopify (4 − 2) × 50 % = 1, the pair 2; WooCommerce 4.
    await waitFor('Amazon to show 4', async () => (await amazon.quantity('MUG-AMZ')) === 4, {
      timeoutMs: 30_000,
    });
    await atShops({ 'MUG-S': 1, 'SET-S': 2 }, { 'MUG-W': 4, 'TEE-W-M': 5 });
    await inSync([
      ['amazon', 'MUG-AMZ'],
      ['shopify', 'MUG-S'],
      ['shopify', 'SET-S'],
      ['woocommerce', 'MUG-W'],
      ['woocommerce', 'TEE-W-M'],
    ]);

    const mug = await listing('shopify', 'MUG-S');
    expect(mug.acknowledged).toMatchObject({
      quantity: 1,
      method: 'api',
      availabilityVersion: mug.desired.availabilityVersion,
    });
    await waitFor('listing.published for the shops', () =>
      ['MUG-S', 'MUG-W'].every((s) =>
        events
          .of('listing.published', s)
          .some((e) => (e.payload as { quantity: number }).quantity === (s === 'MUG-S' ? 1 : 4)),
      ),
    );
    expect(events.of('listing.published', 'MUG-W').at(-1)?.payload).toMatchObject({
      channel: 'woocommerce',
      accountId: WOO_ACCOUNT,
      marketplaceId: null,
      channelSku: 'MUG-W',
      quantity: 4,
      method: 'api',
    });
    const accounts = await http<{ accounts: { channel: string; accountId: string; listings: number }[] }>(
      'GET',
      '/v1/publishing/accounts',
    );
    expect(accounts.body.accounts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ channel: 'shopify', accountId: SHOP_DOMAIN, listings: 2 }),
        expect.objectContaining({ channel: 'woocommerce', accountId: WOO_ACCOUNT, listings: 2 }),
      ]),
    );
  });

  it('sends a burst of changes to one SKU to each shop in one call', async () => {
    const imported = await http('POST', '/v1/listings/import', {
      listings: [
        {
          channel: 'shopify',
          accountId: SHOP_DOMAIN,
          channelSku: 'BURST-S',
          sku: 'BURST',
          rules: { safetyBuffer: 0, sharePercent: 100 },
        },
        { channel: 'woocommerce', accountId: WOO_ACCOUNT, channelSku: 'BURST-W', sku: 'BURST' },
      ],
    });
    expect(imported.status).toBe(200);
    await atShops({ 'BURST-S': 1 }, { 'BURST-W': 1 });
    await inSync([
      ['shopify', 'BURST-S'],
      ['woocommerce', 'BURST-W'],
    ]);
    const shopifyBefore = (await shopCalls(shops, 'shopify', 'inventorySetQuantities')).ok ?? 0;
    const wooBefore = (await shopCalls(shops, 'woocommerce', 'products.batch')).ok ?? 0;
    const shopifyChangesBefore = (await apiChanges(shops, 'shopify', 'BURST-S')).length;
    const wooChangesBefore = (await apiChanges(shops, 'woocommerce', 'BURST-W')).length;

    for (let n = 2; n <= 31; n++) await publishAvailability('BURST', n);
    await atShops({ 'BURST-S': 31 }, { 'BURST-W': 7 });
    await inSync([
      ['shopify', 'BURST-S'],
      ['woocommerce', 'BURST-W'],
    ]);
    expect((await shopCalls(shops, 'shopify', 'inventorySetQuantities')).ok - shopifyBefore).toBe(1);
    expect((await shopCalls(shops, 'woocommerce', 'products.batch')).ok - wooBefore).toBe(1);
    expect((await apiChanges(shops, 'shopify', 'BURST-S')).length - shopifyChangesBefore).toBe(1);
    expect((await apiChanges(shops, 'woocommerce', 'BURST-W')).length - wooChangesBefore).toBe(1);
  });

  it("waits out Shopify's cost throttle, shows a throttle that outlasts the client's retries as a failure, and ends at the right quantity", async () => {
    const created = await http('POST', '/v1/listings', {
      channel: 'shopify',
      accountId: SHOP_DOMAIN,
      channelSku: 'THR-S',
      sku: 'THR',
      rules: { safetyBuffer: 0, sharePercent: 100 },
    });
    expect(created.status).toBe(201);
    await atShops({ 'THR-S': 1 }, {});
    await inSync([['shopify', 'THR-S']]);

    // An empty bucket refilling at 5 points/s: the first call is THROTTLED, the client waits for the refill and succeeds.
    const throttledBefore = (await shopCalls(shops, 'shopify', 'inventorySetQuantities')).throttled ?? 0;
    await shops.ok('PUT', `${SHOPIFY_BASE}/throttle`, {
      maximumAvailable: 2000,
      restoreRate: 5,
      currentlyAvailable: 0,
    });
    await publishAvailability('THR', 2);
    await atShops({ 'THR-S': 2 }, {});
    expect(
      (await shopCalls(shops, 'shopify', 'inventorySetQuantities')).throttled - throttledBefore,
    ).toBeGreaterThanOrEqual(1);

    // A bucket smaller than the mutation's cost: every try is THROTTLED, the client gives up, the listing is failing.
    await shops.ok('PUT', `${SHOPIFY_BASE}/throttle`, {
      maximumAvailable: 5,
      restoreRate: 5,
      currentlyAvailable: 0,
    });
    await publishAvailability('THR', 3);
    const failing = await waitFor(
      'THR-S failing with THROTTLED',
      async () => {
        const l = await listing('shopify', 'THR-S');
        return l.error?.code === 'THROTTLED' ? l : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(failing.acknowledged?.quantity).toBe(2);
    const failures = await http<{ listings: { channelSku: string }[]; byCode: { code: string }[] }>(
      'GET',
      '/v1/failures',
    );
    expect(failures.body.listings.map((l) => l.channelSku)).toContain('THR-S');
    expect(failures.body.byCode).toEqual(
      expect.arrayContaining([expect.objectContaining({ code: 'THROTTLED' })]),
    );
    // The event leaves through the outbox relay, a moment after the API shows the failure.
    await waitFor(
      'listing.publish-failed for THR-S',
      () => events.of('listing.publish-failed', 'THR-S').length > 0,
    );
    expect(events.of('listing.publish-failed', 'THR-S').at(-1)?.payload).toMatchObject({
      channel: 'shopify',
      code: 'THROTTLED',
      quantity: 3,
      willRetry: true,
    });
    expect((await shopifyAvailable(shops, ['THR-S']))['THR-S']).toBe(2);

    // The plan is back: the publisher's next retry lands the newest quantity.
    await shops.ok('PUT', `${SHOPIFY_BASE}/throttle`, {
      maximumAvailable: 2000,
      restoreRate: 100,
      currentlyAvailable: 2000,
    });
    await atShops({ 'THR-S': 3 }, {});
    await inSync([['shopify', 'THR-S']]);
    expect((await listing('shopify', 'THR-S')).error).toBeNull();
  }, 120_000);

  it("retries WooCommerce's 5xx and 429 answers, shows the failures meanwhile, and ends at the right quantity", async () => {
    const created = await http('POST', '/v1/listings', {
      channel: 'woocommerce',
      accountId: WOO_ACCOUNT,
      channelSku: 'FLT-W',
      sku: 'FLT',
    });
    expect(created.status).toBe(201);
    await atShops({}, { 'FLT-W': 1 });
    await inSync([['woocommerce', 'FLT-W']]);

    // Four 503s: two calls of two tries each fail, the third lands.
    await shops.ok('POST', '/_sim/faults', {
      platform: 'woocommerce',
      operation: 'products.batch',
      kind: 'http503',
      limit: 4,
    });
    await publishAvailability('FLT', 5);
    const failing = await waitFor(
      'FLT-W failing',
      async () => {
        const l = await listing('woocommerce', 'FLT-W');
        return l.error ? l : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 50 },
    );
    expect(failing.error?.code).toBe('ShopUnavailable:503');
    await atShops({}, { 'FLT-W': 5 });
    await inSync([['woocommerce', 'FLT-W']]);
    expect(
      (await shops.ok<{ faults: { injected: number }[] }>('GET', '/_sim/faults')).faults[0].injected,
    ).toBe(4);
    expect(events.of('listing.publish-failed', 'FLT-W').length).toBeGreaterThanOrEqual(2);
    await shops.ok('DELETE', '/_sim/faults');

    // The store's limit at one request per 10 s, spent by someone else: the call meets a 429 and waits its Retry-After.
    const throttledBefore = (await shopCalls(shops, 'woocommerce', 'products.batch')).throttled ?? 0;
    await shops.ok('PUT', `${WOO_BASE}/rate-limit`, { requestsPerSecond: 0.1, burst: 1 });
    const spend = await fetch(`${shops.apiUrl}/woocommerce/demo/wp-json/wc/v3/products?per_page=1`, {
      headers: {
        authorization: `Basic ${Buffer.from('ck_holdfast_simulator:cs_holdfast_simulator').toString('base64')}`,
      },
    });
    expect(spend.status).toBe(200);
    await publishAvailability('FLT', 6);
    await atShops({}, { 'FLT-W': 6 }, 60_000);
    await inSync([['woocommerce', 'FLT-W']]);
    expect(
      (await shopCalls(shops, 'woocommerce', 'products.batch')).throttled - throttledBefore,
    ).toBeGreaterThanOrEqual(1);
    await shops.ok('PUT', `${WOO_BASE}/rate-limit`, { requestsPerSecond: 25, burst: 50 });
  }, 120_000);

  it('answers cut short after the shops took the quantity: failures meanwhile, never in-sync on them, the newest quantity once answers are whole', async () => {
    // Each shop applies every quantity call, then answers 200 with half its JSON.
    await shops.ok('POST', '/_sim/faults', {
      platform: 'shopify',
      operation: 'inventorySetQuantities',
      kind: 'malformedBody',
      share: 1,
    });
    await shops.ok('POST', '/_sim/faults', {
      platform: 'woocommerce',
      operation: 'products.batch',
      kind: 'malformedBody',
      share: 1,
    });
    try {
      const imported = await http('POST', '/v1/listings/import', {
        listings: [
          {
            channel: 'shopify',
            accountId: SHOP_DOMAIN,
            channelSku: 'MAL-S',
            sku: 'MAL',
            rules: { safetyBuffer: 0, sharePercent: 100 },
          },
          { channel: 'woocommerce', accountId: WOO_ACCOUNT, channelSku: 'MAL-W', sku: 'MAL' },
        ],
      });
      expect(imported.status).toBe(200);
      const failing = await waitFor(
        'both listings failing on an unreadable answer',
        async () => {
          const ls = await Promise.all([listing('shopify', 'MAL-S'), listing('woocommerce', 'MAL-W')]);
          return ls.every((l) => l.state === 'failing' && l.error !== null) ? ls : undefined;
        },
        { timeoutMs: 30_000 },
      );
      for (const l of failing) {
        expect(l.acknowledged).toBeNull();
        expect(l.error?.code).toBe('MalformedAnswer');
      }
      expect(failing[0].error?.message).toMatch(/^the answer could not be read \(HTTP 200\): /);
      expect(failing[1].error?.message).toBe('the answer is not valid JSON');
      const failures = await http<{ listings: { channelSku: string }[]; byCode: { code: string }[] }>(
        'GET',
        '/v1/failures',
      );
      expect(failures.body.listings.map((l) => l.channelSku)).toEqual(
        expect.arrayContaining(['MAL-S', 'MAL-W']),
      );
      expect(failures.body.byCode).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ channel: 'shopify', code: 'MalformedAnswer' }),
          expect.objectContaining({ channel: 'woocommerce', code: 'MalformedAnswer' }),
        ]),
      );
      // The shops hold the quantity although no answer could say so.
      await atShops({ 'MAL-S': 4 }, { 'MAL-W': 4 });

      // A newer quantity while the answers are still unreadable: it reaches the shops the same way.
      await publishAvailability('MAL', 6);
      await known('MAL', 6);
      await atShops({ 'MAL-S': 6 }, { 'MAL-W': 6 });
      for (const l of await Promise.all([listing('shopify', 'MAL-S'), listing('woocommerce', 'MAL-W')])) {
        expect(l.state).not.toBe('in-sync');
        expect(l.acknowledged).toBeNull();
      }
    } finally {
      await shops.ok('DELETE', '/_sim/faults');
    }

    await inSync([
      ['shopify', 'MAL-S'],
      ['woocommerce', 'MAL-W'],
    ]);
    for (const l of await Promise.all([listing('shopify', 'MAL-S'), listing('woocommerce', 'MAL-W')])) {
      expect(l.error).toBeNull();
      expect(l.acknowledged).toMatchObject({ quantity: 6, method: 'api' });
    }
    await atShops({ 'MAL-S': 6 }, { 'MAL-W': 6 });
    // Every call whose answer was lost took effect, in order: 4 never came back after 6.
    const shopify = (await apiChanges(shops, 'shopify', 'MAL-S')) as { quantityAfterChange: number }[];
    const woo = (await apiChanges(shops, 'woocommerce', 'MAL-W')) as { stockQuantity: number }[];
    for (const quantities of [shopify.map((c) => c.quantityAfterChange), woo.map((c) => c.stockQuantity)]) {
      const firstSix = quantities.indexOf(6);
      expect(firstSix).toBeGreaterThan(0);
      expect(new Set(quantities.slice(0, firstSix))).toEqual(new Set([4]));
      expect(new Set(quantities.slice(firstSix))).toEqual(new Set([6]));
    }
  }, 120_000);

  it('shows a SKU the shop does not have as a failure, without holding back the shop’s other listings', async () => {
    const imported = await http('POST', '/v1/listings/import', {
      listings: [
        {
          channel: 'shopify',
          accountId: SHOP_DOMAIN,
          channelSku: 'GHOST-S',
          sku: 'GHOST',
          rules: { safetyBuffer: 0, sharePercent: 100 },
        },
        { channel: 'woocommerce', accountId: WOO_ACCOUNT, channelSku: 'GHOST-W', sku: 'GHOST' },
      ],
    });
    expect(imported.status).toBe(200);
    const failing = await waitFor(
      'both ghost listings failing with UnknownSku',
      async () => {
        const ls = await Promise.all([listing('shopify', 'GHOST-S'), listing('woocommerce', 'GHOST-W')]);
        return ls.every((l) => l.error?.code === 'UnknownSku' && l.state === 'failing') ? ls : undefined;
      },
      { timeoutMs: 30_000 },
    );
    expect(failing.map((l) => l.acknowledged)).toEqual([null, null]);
    const failures = await http<{ byCode: { channel: string; code: string; listings: number }[] }>(
      'GET',
      '/v1/failures',
    );
    expect(failures.body.byCode).toEqual(
      expect.arrayContaining([
        { channel: 'shopify', accountId: SHOP_DOMAIN, code: 'UnknownSku', listings: 1 },
        { channel: 'woocommerce', accountId: WOO_ACCOUNT, code: 'UnknownSku', listings: 1 },
      ]),
    );
    expect(events.of('listing.publish-failed', 'GHOST-S')[0]?.payload).toMatchObject({
      channel: 'shopify',
      code: 'UnknownSku',
      quantity: 3,
    });
    expect(events.of('listing.publish-failed', 'GHOST-W')[0]?.payload).toMatchObject({
      channel: 'woocommerce',
      code: 'UnknownSku',
      quantity: 3,
    });
    // The shops' other listings are not held back by it.
    await publishAvailability('MUG', 6);
    await atShops({ 'MUG-S': 2 }, { 'MUG-W': 6 });
    expect((await listing('shopify', 'GHOST-S')).acknowledged).toBeNull();
  });
  it('calls each shop from one replica only when two run side by side', async () => {
    const replica = new ServiceProcess({
      app: 'availability-publisher',
      httpPort: await freePort(),
      env: { ...system.service('availability-publisher').options.env },
    });
    await replica.start();
    try {
      const shopifyBefore = (await apiChanges(shops, 'shopify', 'MUG-S')).length;
      const wooBefore = (await apiChanges(shops, 'woocommerce', 'MUG-W')).length;
      const mutationsBefore = (await shopCalls(shops, 'shopify', 'inventorySetQuantities')).ok ?? 0;
      const batchesBefore = (await shopCalls(shops, 'woocommerce', 'products.batch')).ok ?? 0;
      await publishAvailability('MUG', 12);
      // (12 − 2) × 50 % = 5 at Shopify, 7 (the cap) at WooCommerce.
      await atShops({ 'MUG-S': 5 }, { 'MUG-W': 7 });
      await inSync([
        ['shopify', 'MUG-S'],
        ['woocommerce', 'MUG-W'],
      ]);
      expect((await apiChanges(shops, 'shopify', 'MUG-S')).length - shopifyBefore).toBe(1);
      expect((await apiChanges(shops, 'woocommerce', 'MUG-W')).length - wooBefore).toBe(1);
      // MUG-S and the pair SET-S in one mutation; MUG-W in one batch: never a second call from the other replica.
      expect((await shopCalls(shops, 'shopify', 'inventorySetQuantities')).ok - mutationsBefore).toBe(1);
      expect((await shopCalls(shops, 'woocommerce', 'products.batch')).ok - batchesBefore).toBe(1);

      type AccountView = {
        channel: string;
        accountId: string;
        publishedByThisReplica: boolean;
        leaseHolder: string | null;
      };
      const views = await Promise.all(
        [system.service('availability-publisher'), replica].map(async (p) => {
          const res = await fetch(`${p.baseUrl}/v1/publishing/accounts`, {
            headers: { authorization: `Bearer ${TEST_API_KEY}` },
          });
          return ((await res.json()) as { accounts: AccountView[] }).accounts;
        }),
      );
      for (const channel of ['shopify', 'woocommerce']) {
        const [a, b] = views.map((v) => v.find((x) => x.channel === channel) as AccountView);
        expect([a.publishedByThisReplica, b.publishedByThisReplica].filter(Boolean)).toHaveLength(1);
        expect(a.leaseHolder).not.toBeNull();
        expect(a.leaseHolder).toBe(b.leaseHolder);
      }
    } finally {
      await replica.stop();
    }
  }, 120_000);
});
