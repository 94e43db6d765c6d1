import { createEnvelope, type Envelope } from '@holdfast/contracts';
import { waitFor } from '@holdfast/testing';
import fc from 'fast-check';
import { HoldfastSystem } from './support/holdfast-system';
import { ACCOUNT, AmazonSimulator, availability, publisherEnv } from './support/publisher-system';

/** Property runs; each one has SKUs of its own (shrinking is off: every run costs seconds). */
const RUNS = 10;
const skuA = (run: number) => `ORD-${run}-A`;
const skuB = (run: number) => `ORD-${run}-B`;
/** Per run: one listing of A, one of B, and a set of one A and two B. */
const listingsOf = (run: number) => ({ a: `ORD-${run}-1`, b: `ORD-${run}-2`, set: `ORD-${run}-SET` });

interface Delivery {
  /** Index into the run's messages. */
  message: number;
  /** The very same envelope again (a broker redelivery), or the payload under a new message id (a replay). */
  sameEnvelope: boolean;
  /** Milliseconds to wait before sending it: 0 sends it in a burst with the previous one. */
  pauseMs: number;
}

/**
 * Property: however `availability.changed` messages are reordered, duplicated or replayed,
 * and however they interleave with PATCHes in flight, the simulator ends with the quantity
 * of the newest version of every SKU, for single listings and for a bundle of two SKUs, and
 * stays there.
 */
describe('availability-publisher: reordered and duplicated availability.changed never leave an older quantity on Amazon', () => {
  let sim: AmazonSimulator;
  let system: HoldfastSystem;
  let run = 0;

  const http = <T = unknown>(method: string, path: string, body?: unknown) =>
    system.http<T>('availability-publisher', method, path, body);
  const onAmazon = async (expected: Record<string, number>) => {
    for (const [sku, quantity] of Object.entries(expected))
      if ((await sim.quantity(sku)) !== quantity) return false;
    return true;
  };
  const inSync = async (channelSkus: string[]) => {
    for (const channelSku of channelSkus) {
      const res = await http<{ listings: { state: string }[] }>(
        'GET',
        `/v1/listings?channelSku=${encodeURIComponent(channelSku)}`,
      );
      if (res.body.listings[0]?.state !== 'in-sync') return false;
    }
    return true;
  };

  beforeAll(async () => {
    sim = await AmazonSimulator.start();
    const all = Array.from({ length: RUNS }, (_, r) => Object.values(listingsOf(r))).flat();
    await sim.seedListings(all.map((sku) => ({ sku })));
    system = await HoldfastSystem.start('pub-order', ['availability-publisher'], publisherEnv(sim));
    // Version 1 of every SKU: 0 available; the runs send versions 2 and up.
    for (let r = 0; r < RUNS; r++) {
      await system.publisher.publish('availability.changed', availability(skuA(r), 0, 1));
      await system.publisher.publish('availability.changed', availability(skuB(r), 0, 1));
    }
    await waitFor('every SKU known to the publisher', async () => {
      const [{ n }] = await system.db.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM availability.desired_quantities`,
      );
      return n === 2 * RUNS;
    });
    const base = { channel: 'amazon', accountId: ACCOUNT, productType: 'HOME' };
    const imported = await http('POST', '/v1/listings/import', {
      listings: Array.from({ length: RUNS }, (_, r) => {
        const l = listingsOf(r);
        return [
          { ...base, channelSku: l.a, sku: skuA(r) },
          { ...base, channelSku: l.b, sku: skuB(r) },
          {
            ...base,
            channelSku: l.set,
            bundle: [
              { sku: skuA(r), quantity: 1 },
              { sku: skuB(r), quantity: 2 },
            ],
          },
        ];
      }).flat(),
    });
    expect(imported.status).toBe(200);
    await waitFor('every listing in sync at 0', () => inSync(all), { timeoutMs: 60_000, intervalMs: 250 });
  });

  afterAll(async () => {
    await system?.stop();
    await sim?.stop();
  });

  it('ends, and stays, at the newest version of every SKU', async () => {
    const quantities = fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 });
    const scenario = fc.record({ a: quantities, b: quantities }).chain(({ a, b }) => {
      const count = a.length + b.length;
      const delivery = fc.record({
        message: fc.nat({ max: count - 1 }),
        sameEnvelope: fc.boolean(),
        pauseMs: fc.oneof(fc.constant(0), fc.integer({ min: 50, max: 600 })),
      });
      return fc.record({
        a: fc.constant(a),
        b: fc.constant(b),
        // Every message once, in any order, with pauses…
        order: fc.shuffledSubarray(
          Array.from({ length: count }, (_, i) => i),
          { minLength: count, maxLength: count },
        ),
        pauses: fc.array(fc.oneof(fc.constant(0), fc.integer({ min: 50, max: 600 })), {
          minLength: count,
          maxLength: count,
        }),
        // …and some of them again, anywhere.
        extra: fc.array(fc.tuple(fc.nat({ max: count }), delivery), { maxLength: 6 }),
      });
    });

    await fc.assert(
      fc.asyncProperty(scenario, async ({ a, b, order, pauses, extra }) => {
        const r = run++;
        if (r >= RUNS) throw new Error('more runs than prepared SKUs');
        // Versions 2.. in the order generated: the last of each list is the newest.
        const payloads = [
          ...a.map((q, i) => availability(skuA(r), q, i + 2)),
          ...b.map((q, i) => availability(skuB(r), q, i + 2)),
        ];
        const envelopes: Envelope[] = payloads.map((p) => createEnvelope('availability.changed', p));
        const deliveries: Delivery[] = order.map((message, i) => ({
          message,
          sameEnvelope: true,
          pauseMs: pauses[i],
        }));
        for (const [at, d] of extra) deliveries.splice(Math.min(at, deliveries.length), 0, d);

        for (const d of deliveries) {
          if (d.pauseMs > 0) await new Promise((resolve) => setTimeout(resolve, d.pauseMs));
          const envelope = d.sameEnvelope
            ? envelopes[d.message]
            : createEnvelope('availability.changed', payloads[d.message]);
          await system.publisher.publishEnvelope(envelope);
        }

        const [qa, qb] = [a[a.length - 1], b[b.length - 1]];
        const l = listingsOf(r);
        const expected = { [l.a]: qa, [l.b]: qb, [l.set]: Math.min(qa, Math.floor(qb / 2)) };
        await waitFor(
          `run ${r}: ${JSON.stringify(expected)} on Amazon`,
          async () => (await onAmazon(expected)) && (await inSync(Object.keys(expected))),
          { timeoutMs: 30_000, intervalMs: 100 },
        );
        // A stale change still on its way would show now.
        await new Promise((resolve) => setTimeout(resolve, 1_000));
        expect(await onAmazon(expected)).toBe(true);
        for (const sku of Object.keys(expected)) {
          const listing = await sim.listing(sku);
          expect(listing.pendingPatches).toBe(0);
          expect(listing.history[listing.history.length - 1].quantityAfter).toBe(expected[sku]);
        }
      }),
      { numRuns: RUNS, endOnFailure: true },
    );
  });
});
