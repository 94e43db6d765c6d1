import { waitFor } from '@holdfast/testing';
import { HoldfastSystem } from './support/holdfast-system';
import {
  ACCOUNT,
  AmazonSimulator,
  availability,
  callsBetween,
  ListingEventObserver,
  publisherEnv,
} from './support/publisher-system';

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  errors?: { field: string; detail: string }[];
}

interface ListingView {
  id: string;
  channelSku: string;
  productType: string | null;
  state: string;
  desired: { quantity: number | null; availabilityVersion: number | null };
  acknowledged: { quantity: number; availabilityVersion: number; method: string } | null;
  error: { code: string; message: string; failures: number } | null;
}

/**
 * Listings, channel rules (buffer, cap, share, zero threshold, bundles), coalescing and the
 * operations API, against the SP-API simulator with the publisher as a process.
 */
describe('availability-publisher: listings, rules and coalescing against the simulator', () => {
  let sim: AmazonSimulator;
  let system: HoldfastSystem;
  let events: ListingEventObserver;
  let version = 1;

  const http = <T = unknown>(method: string, path: string, body?: unknown) => system.http<T>('availability-publisher', method, path, body);
  const publishAvailability = async (sku: string, available: number) =>
    system.publisher.publish('availability.changed', availability(sku, available, version++));
  const listingOf = async (channelSku: string): Promise<ListingView> => {
    const res = await http<{ listings: ListingView[] }>('GET', `/v1/listings?channelSku=${encodeURIComponent(channelSku)}`);
    return res.body.listings[0];
  };
  const known = async (sku: string, available: number) =>
    waitFor(`availability of ${sku} at the publisher`, async () => {
      const res = await http<{ available: number }>('GET', `/v1/desired/${sku}`);
      return res.status === 200 && res.body.available === available;
    });
  const inSync = (channelSkus: string[]) =>
    waitFor(
      `${channelSkus.join(', ')} in sync`,
      async () => (await Promise.all(channelSkus.map(listingOf))).every((l) => l.state === 'in-sync'),
      { timeoutMs: 15_000 },
    );

  beforeAll(async () => {
    sim = await AmazonSimulator.start();
    await sim.seedListings([
      { sku: 'MUG-1' },
      { sku: 'MUG-1-CAP' },
      { sku: 'MUG-1-HALF' },
      { sku: 'LID-LOW' },
      { sku: 'SET-MUG-LID' },
      { sku: 'MUG-FBA', quantity: 30, fulfillmentChannelCode: 'AMAZON_EU' },
      { sku: 'MUG-UNTYPED', productType: 'KITCHEN' },
      { sku: 'LID-FBA-UNTYPED', quantity: 12, fulfillmentChannelCode: 'AMAZON_EU' },
      { sku: 'BURST-1' },
    ]);
    // A burst must fit the coalescing window even on a busy machine (50 messages through one consumer).
    system = await HoldfastSystem.start('pub-rules', ['availability-publisher'], publisherEnv(sim, { PUBLISH_PATCH_MAX_WAIT_MS: '8000' }));
    events = await ListingEventObserver.start(system.namespace);
    await publishAvailability('MUG', 20);
    await publishAvailability('LID', 7);
    await publishAvailability('BURST', 1);
    await known('MUG', 20);
    await known('LID', 7);
    await known('BURST', 1);
  });

  afterAll(async () => {
    await events?.stop();
    await system?.stop();
    await sim?.stop();
  });

  it('answers bad input with 400 problem documents and changes nothing', async () => {
    const unknownSku = await http<Problem>('POST', '/v1/listings', { channel: 'amazon', accountId: ACCOUNT, channelSku: 'X-1', productType: 'HOME', sku: 'NOPE' });
    expect(unknownSku.status).toBe(400);
    expect(unknownSku.body).toMatchObject({ type: 'urn:holdfast:problem:listing.unknown-sku', status: 400, code: 'listing.unknown-sku' });
    expect(unknownSku.body.detail).toContain('NOPE');

    const negativeBuffer = await http<Problem>('POST', '/v1/listings', {
      channel: 'amazon',
      accountId: ACCOUNT,
      channelSku: 'X-2',
      productType: 'HOME',
      sku: 'MUG',
      rules: { safetyBuffer: -1 },
    });
    expect(negativeBuffer.status).toBe(400);
    expect(negativeBuffer.body.code).toBe('request.invalid');
    expect(negativeBuffer.body.errors?.map((e) => e.field)).toEqual(['rules.safetyBuffer']);

    const unknownField = await http<Problem>('POST', '/v1/listings', { channel: 'amazon', accountId: ACCOUNT, channelSku: 'X-3', sku: 'MUG', colour: 'red' });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.errors?.[0].field).toBe('colour');

    const both = await http<Problem>('POST', '/v1/listings', {
      channel: 'amazon',
      accountId: ACCOUNT,
      channelSku: 'X-4',
      sku: 'MUG',
      bundle: [{ sku: 'LID', quantity: 1 }],
    });
    expect(both.status).toBe(400);
    expect(both.body.code).toBe('listing.invalid');

    const unknownAccount = await http<Problem>('POST', '/v1/listings', { channel: 'amazon', accountId: 'nobody', channelSku: 'X-5', sku: 'MUG' });
    expect(unknownAccount.status).toBe(400);
    expect(unknownAccount.body.code).toBe('listing.unknown-account');

    const badRules = await http<Problem>('PUT', `/v1/rules/amazon/${ACCOUNT}`, { safetyBuffer: -3, maxQuantity: null, sharePercent: 150, zeroBelow: 0 });
    expect(badRules.status).toBe(400);
    expect(badRules.body.errors?.map((e) => e.field).sort()).toEqual(['safetyBuffer', 'sharePercent']);

    const badImport = await http<Problem>('POST', '/v1/listings/import', {
      listings: [
        { channel: 'amazon', accountId: ACCOUNT, channelSku: 'X-6', productType: 'HOME', sku: 'MUG' },
        { channel: 'amazon', accountId: ACCOUNT, channelSku: 'X-7', productType: 'HOME', sku: 'GHOST' },
      ],
    });
    expect(badImport.status).toBe(400);
    expect(badImport.body.detail).toContain('GHOST');

    const republishNothing = await http<Problem>('POST', '/v1/republish', {});
    expect(republishNothing.status).toBe(400);
    expect(republishNothing.body.code).toBe('republish.invalid-scope');

    // Nothing of it was stored.
    const listings = await http<{ listings: unknown[] }>('GET', `/v1/listings?accountId=${ACCOUNT}`);
    expect(listings.body.listings).toEqual([]);
    expect((await http('GET', `/v1/rules/amazon/${ACCOUNT}`)).body).toMatchObject({ safetyBuffer: 0, maxQuantity: null, sharePercent: 100, zeroBelow: 0 });
  });

  it('applies buffer, cap, share and the zero threshold exactly, bundles included, and never publishes to FBA', async () => {
    const rules = await http('PUT', `/v1/rules/amazon/${ACCOUNT}`, { safetyBuffer: 2, maxQuantity: 50, sharePercent: 100, zeroBelow: 0 });
    expect(rules.status).toBe(200);
    const base = { channel: 'amazon', accountId: ACCOUNT, productType: 'HOME' };
    const imported = await http('POST', '/v1/listings/import', {
      listings: [
        { ...base, channelSku: 'MUG-1', sku: 'MUG' },
        { ...base, channelSku: 'MUG-1-CAP', sku: 'MUG', rules: { maxQuantity: 5 } },
        { ...base, channelSku: 'MUG-1-HALF', sku: 'MUG', rules: { sharePercent: 50 } },
        { ...base, channelSku: 'LID-LOW', sku: 'LID', rules: { zeroBelow: 10 } },
        { ...base, channelSku: 'SET-MUG-LID', bundle: [{ sku: 'MUG', quantity: 2 }, { sku: 'LID', quantity: 1 }] },
        { ...base, channelSku: 'MUG-FBA', sku: 'MUG', fulfilledBy: 'AMAZON' },
      ],
    });
    expect(imported).toEqual({ status: 200, body: { created: 6, updated: 0 } });

    const expected = { 'MUG-1': 18, 'MUG-1-CAP': 5, 'MUG-1-HALF': 9, 'LID-LOW': 0, 'SET-MUG-LID': 5 };
    await waitFor('the simulator to show the ruled quantities', async () => {
      for (const [sku, quantity] of Object.entries(expected)) if ((await sim.quantity(sku)) !== quantity) return false;
      return true;
    });
    await inSync(Object.keys(expected));
    const fba = await sim.listing('MUG-FBA');
    expect(fba).toMatchObject({ quantity: 30, fulfillmentChannelCode: 'AMAZON_EU' });
    expect(fba.history).toHaveLength(1); // only the seed
    expect((await listingOf('MUG-FBA')).state).toBe('not-published');

    const set = await listingOf('SET-MUG-LID');
    expect(set.acknowledged).toMatchObject({ quantity: 5, availabilityVersion: 3, method: 'patch' });
    const published = events.of('listing.published', 'SET-MUG-LID');
    await waitFor('listing.published for the bundle', () => events.of('listing.published', 'SET-MUG-LID').length === 1);
    expect(published[0]?.payload ?? events.of('listing.published', 'SET-MUG-LID')[0].payload).toMatchObject({
      channel: 'amazon',
      accountId: ACCOUNT,
      channelSku: 'SET-MUG-LID',
      quantity: 5,
      method: 'patch',
    });

    // LID drops to 3: the bundle (min(20/2, 3) − 2 = 1) changes; LID-LOW stays 0 and costs no call.
    const before = await sim.stats();
    await publishAvailability('LID', 3);
    await waitFor('the bundle at 1', async () => (await sim.quantity('SET-MUG-LID')) === 1);
    await inSync(['SET-MUG-LID', 'LID-LOW']);
    expect(callsBetween(before, await sim.stats())).toEqual({ patchListingsItem: 1, getListingsItem: 1 });
    expect((await sim.listing('LID-LOW')).history).toHaveLength(2); // seed + the first 0

    // A rule change recomputes the whole account; only quantities that change are sent.
    const beforeRules = await sim.stats();
    await http('PUT', `/v1/rules/amazon/${ACCOUNT}`, { safetyBuffer: 0, maxQuantity: 50, sharePercent: 100, zeroBelow: 0 });
    const afterRules = { 'MUG-1': 20, 'MUG-1-CAP': 5, 'MUG-1-HALF': 10, 'LID-LOW': 0, 'SET-MUG-LID': 3 };
    await waitFor('the new rules on the simulator', async () => {
      for (const [sku, quantity] of Object.entries(afterRules)) if ((await sim.quantity(sku)) !== quantity) return false;
      return true;
    });
    await inSync(Object.keys(afterRules));
    expect(callsBetween(beforeRules, await sim.stats()).patchListingsItem).toBe(3);
  });

  it('coalesces a burst of 50 changes to one SKU into one call', async () => {
    // Its own cap, above the account's (50).
    await http('POST', '/v1/listings', {
      channel: 'amazon',
      accountId: ACCOUNT,
      channelSku: 'BURST-1',
      productType: 'HOME',
      sku: 'BURST',
      rules: { maxQuantity: 1_000 },
    });
    await waitFor('the first quantity', async () => (await sim.quantity('BURST-1')) === 1);
    await inSync(['BURST-1']);
    const before = await sim.stats();
    const burst = Array.from({ length: 50 }, (_, i) => availability('BURST', 101 + i, version + i));
    version += 50;
    await Promise.all(burst.map((payload) => system.publisher.publish('availability.changed', payload)));
    await waitFor('the last quantity of the burst', async () => (await sim.quantity('BURST-1')) === 150);
    await inSync(['BURST-1']);
    expect(callsBetween(before, await sim.stats())).toEqual({ patchListingsItem: 1, getListingsItem: 1 });
    const history = (await sim.listing('BURST-1')).history;
    expect(history.map((h) => h.quantityAfter)).toEqual([0, 1, 150]);
  });

  it('fetches a missing product type from Amazon, and refuses an offer Amazon fulfils', async () => {
    await http('POST', '/v1/listings', { channel: 'amazon', accountId: ACCOUNT, channelSku: 'MUG-UNTYPED', sku: 'MUG' });
    await http('POST', '/v1/listings', { channel: 'amazon', accountId: ACCOUNT, channelSku: 'LID-FBA-UNTYPED', sku: 'LID' });
    await waitFor('the untyped listing published', async () => (await sim.quantity('MUG-UNTYPED')) === 20);
    expect((await listingOf('MUG-UNTYPED')).productType).toBe('KITCHEN');

    const refused = await waitFor('the FBA offer refused', async () => {
      const l = await listingOf('LID-FBA-UNTYPED');
      return l.error?.code === 'AmazonFulfilledOffer' ? l : undefined;
    });
    expect(refused.state).toBe('failing');
    const failures = await http<{ byCode: { code: string; listings: number }[] }>('GET', '/v1/failures');
    expect(failures.body.byCode).toContainEqual({ channel: 'amazon', accountId: ACCOUNT, code: 'AmazonFulfilledOffer', listings: 1 });
    expect(await sim.listing('LID-FBA-UNTYPED')).toMatchObject({ quantity: 12, fulfillmentChannelCode: 'AMAZON_EU' });
  });

  it('refuses bad changes to an existing listing and bad republish requests, and changes nothing', async () => {
    const before = await listingOf('MUG-1');
    const stats = await sim.stats();
    const cases: [string, string, unknown, string][] = [
      ['PATCH', `/v1/listings/${before.id}`, { rules: { safetyBuffer: -1 } }, 'request.invalid'],
      ['PATCH', `/v1/listings/${before.id}`, { colour: 'red' }, 'request.invalid'],
      ['PATCH', `/v1/listings/${before.id}`, { sku: 'NOPE' }, 'listing.unknown-sku'],
      ['PATCH', `/v1/listings/${before.id}`, { bundle: [{ sku: 'MUG', quantity: 0 }] }, 'request.invalid'],
      ['POST', '/v1/republish', { sku: 'NOPE' }, 'listing.unknown-sku'],
      ['POST', '/v1/republish', { sku: 'MUG', colour: 'red' }, 'request.invalid'],
    ];
    for (const [method, path, body, code] of cases) {
      const res = await http<Problem>(method, path, body);
      expect({ path, body, status: res.status, code: res.body.code }).toEqual({ path, body, status: 400, code });
      expect(res.body.detail).toEqual(expect.any(String));
    }
    const after = await listingOf('MUG-1');
    expect(after).toEqual(before);
    expect(callsBetween(stats, await sim.stats())).toEqual({});
  });

  it('republishes a SKU on request, and shows who publishes each account', async () => {
    const before = await sim.stats();
    const res = await http<{ listings: number }>('POST', '/v1/republish', { sku: 'MUG' });
    expect(res.status).toBe(202);
    // MUG-1, MUG-1-CAP, MUG-1-HALF, SET-MUG-LID, MUG-UNTYPED (not the FBA offer).
    expect(res.body.listings).toBe(5);
    await waitFor('the republish to be confirmed', async () => {
      const calls = callsBetween(before, await sim.stats());
      return calls.patchListingsItem === 5 && calls.getListingsItem === 5;
    });
    await inSync(['MUG-1', 'MUG-1-CAP', 'MUG-1-HALF', 'SET-MUG-LID', 'MUG-UNTYPED']);

    const accounts = await http<{ accounts: { accountId: string; leaseHolder: string | null; publishedByThisReplica: boolean; failing: number }[] }>(
      'GET',
      '/v1/publishing/accounts',
    );
    expect(accounts.body.accounts).toEqual([
      expect.objectContaining({ accountId: ACCOUNT, publishedByThisReplica: true, leaseHolder: expect.any(String), failing: 1 }),
    ]);
  });
});
