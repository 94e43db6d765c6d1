import {
  checkSystem,
  CI_RUN,
  formatReports,
  profile,
  runSeed,
  withSettledSystem,
  type SeedReport,
} from '@holdfast/chaos';

/**
 * The whole system under faults, checked against a sequential model (tools/chaos). By default
 * one seed, short enough for CI; a long run sets CHAOS_SEEDS (`1-20`, or `3,7,11`), see
 * docs/reliability.md.
 */
function seeds(): number[] {
  const spec = process.env['CHAOS_SEEDS'] ?? '1';
  const range = /^(\d+)-(\d+)$/.exec(spec);
  if (range) {
    const [from, to] = [Number(range[1]), Number(range[2])];
    return Array.from({ length: to - from + 1 }, (_, i) => from + i);
  }
  return spec.split(',').map(Number);
}

const SEEDS = seeds();
/** CHAOS_PROFILE=long: thousands of orders per seed (see docs/reliability.md). */
const RUN = profile();
const SEED_TIMEOUT_MS = RUN === CI_RUN ? 300_000 : 1_800_000;
const log = process.env['CHAOS_VERBOSE'] ? (line: string) => console.log(line) : undefined;

describe('the whole system under kill -9, broker connection closes and Amazon 5xx/429 storms', () => {
  const reports: SeedReport[] = [];

  afterAll(() => {
    if (reports.length > 0) console.log(`chaos run\n${formatReports(reports)}`);
  });

  it.each(SEEDS)(
    'seed %i: no order lost or duplicated, reservations, stock, Amazon quantities and shipments as the model says',
    async (seed) => {
      const report = await runSeed(seed, { ...RUN, log });
      reports.push(report);
      expect(report.faults.length).toBeGreaterThan(0);
      expect(report.violations).toEqual([]);
      expect(report.convergenceMs).not.toBeNull();
    },
    SEED_TIMEOUT_MS,
  );
});

describe('the checker', () => {
  it('reports a reservation deleted behind the ledger, a quantity changed at Amazon and an unsent event', async () => {
    const found = await withSettledSystem(
      101,
      { ...CI_RUN, orders: 12, faults: false },
      async (system, model, orderIds) => {
        expect(await checkSystem(system, model, orderIds)).toEqual([]);

        const active = [...model.orders.values()].find((o) => o.reservation !== 'released')!;
        const orderId = orderIds.get(active.ref)!;
        const sku = active.lines[0].sku;
        const deleted = await system.db.query(
          `DELETE FROM inventory.reservations WHERE order_id = $1 AND sku = $2 RETURNING order_id`,
          [orderId, sku],
        );
        expect(deleted).toHaveLength(1);

        const other = [...model.skus.values()][1];
        const changed = await system.sim('PUT', `/_sim/listings/${other.sku}`, {
          productType: 'HOME',
          quantity: other.channelQuantity + 5,
        });
        expect(changed.status).toBe(200);

        await system.db.query(
          `INSERT INTO availability.outbox (message_id, routing_key, envelope, available_at)
           VALUES (gen_random_uuid(), 'chaos.check', '{}', now() + interval '1 day')`,
        );
        return { violations: await checkSystem(system, model, orderIds), orderId, sku, other: other.sku };
      },
    );
    expect(found.violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'lost-reservation',
          subject: expect.stringContaining(found.orderId),
        }),
        expect.objectContaining({ kind: 'wrong-channel-quantity', subject: found.other }),
        expect.objectContaining({ kind: 'outbox-not-drained', subject: 'availability' }),
      ]),
    );
  }, 300_000);
});
