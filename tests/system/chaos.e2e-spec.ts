import {
  checkSystem,
  CI_RUN,
  findPii,
  findStaleWrites,
  formatReports,
  profile,
  quantityAfterRules,
  runSeed,
  spanTexts,
  withSettledSystem,
  type ChannelRules,
  type SeedReport,
  type SettledSystem,
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
// Two to four minutes on a small machine; much longer when other test runs load it.
const SEED_TIMEOUT_MS = RUN === CI_RUN ? 900_000 : 1_800_000;
const log = process.env['CHAOS_VERBOSE'] ? (line: string) => console.log(line) : undefined;
/** CHAOS_PROFILE=long: the long run's schedule (every service killed), see faultSchedule. */
const scheduleProfile = process.env['CHAOS_PROFILE'] === 'long' ? 'long' : 'ci';

/**
 * A run of one seed keeps its system once it converged: the checker's own test corrupts that
 * state (a second system would cost another minute of the test run).
 */
let settled: SettledSystem | undefined;
afterAll(async () => {
  await settled?.system.stop();
});

describe('the whole system under every fault kind of tools/chaos/faults.ts', () => {
  const reports: SeedReport[] = [];

  afterAll(() => {
    if (reports.length > 0) console.log(`chaos run\n${formatReports(reports)}`);
  });

  it.each(SEEDS)(
    'seed %i: no order lost or duplicated, reservations, stock, Amazon quantities and shipments as the model says',
    async (seed) => {
      const keep = SEEDS.length === 1 ? (system: SettledSystem) => (settled = system) : undefined;
      const report = await runSeed(seed, { ...RUN, scheduleProfile, log, keep });
      reports.push(report);
      expect(report.faults.length).toBeGreaterThan(0);
      expect(report.violations).toEqual([]);
      expect(report.convergenceMs).not.toBeNull();
    },
    SEED_TIMEOUT_MS,
  );
});

describe('the checker', () => {
  it('finds a negative quantity, and an older quantity after a newer acknowledgement, in a channel history', () => {
    const write = (sequence: number, at: number, quantity: number) => ({
      sequence,
      at,
      quantity,
      source: 'patch',
      reference: `s${sequence}`,
    });
    // Versions 1-3 give 4, 2 and 0; version 2 was acknowledged at t=200.
    const quantityOf = new Map([
      [1, 4],
      [2, 2],
      [3, 0],
    ]);
    const acks = [{ quantity: 2, availabilityVersion: 2, at: 200 }];
    expect(findStaleWrites([write(1, 100, 4), write(2, 150, 2), write(3, 300, 0)], acks, quantityOf)).toEqual(
      [],
    );
    expect(findStaleWrites([write(1, 100, 4), write(2, 150, 2), write(3, 300, 4)], acks, quantityOf)).toEqual(
      [
        expect.objectContaining({
          kind: 'stale-publish',
          detail: expect.stringContaining('set to 4 by patch s3'),
        }),
      ],
    );
    expect(findStaleWrites([write(1, 100, -1)], [], quantityOf)).toEqual([
      expect.objectContaining({ kind: 'negative-quantity' }),
    ]);
  });

  it('finds buyer data in any text, masked in the report, and nothing in text without it', () => {
    const values = [{ orderId: '402-1', field: 'buyer email', value: 'ab12@marketplace.amazon.it' }];
    expect(findPii(values, [{ source: 'log:x', text: 'order 402-1 imported' }])).toEqual([]);
    const leaks = findPii(values, [{ source: 'log:x', text: 'mail AB12@marketplace.amazon.it sent' }]);
    expect(leaks).toEqual([
      { source: 'log:x', orderId: '402-1', field: 'buyer email', context: 'mail […] sent' },
    ]);
  });

  it('reports a reservation deleted behind the ledger, a quantity changed at Amazon, an unsent event, a stale quantity and buyer data in a message and a dead letter', async () => {
    // Seed 1's converged system when the seed ran first in this process, or a calm one.
    const onSettled = <T>(inspect: (settled: SettledSystem) => Promise<T>) =>
      settled ? inspect(settled) : withSettledSystem(101, { ...CI_RUN, orders: 12, faults: false }, inspect);
    const found = await onSettled(async ({ system, model, orderIds, poisonInjected }) => {
      expect(await checkSystem(system, model, orderIds, { poisonInjected })).toEqual([]);

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

      // An older quantity of a SKU written to Amazon after its newest one was acknowledged.
      const rules = (
        await system.api<ChannelRules>('availability-publisher', 'GET', '/v1/rules/amazon/chaos-seller')
      ).body;
      const versions = await system.db.query<{ sku: string; available: number }>(
        `SELECT envelope->'payload'->>'sku' AS sku, (envelope->'payload'->>'available')::int AS available
             FROM inventory.outbox WHERE routing_key = 'availability.changed'`,
      );
      const stale = [...model.skus.values()]
        .filter((s) => s.sku !== other.sku)
        .map((s) => ({
          sku: s.sku,
          older: versions
            .filter((v) => v.sku === s.sku)
            .map((v) => quantityAfterRules(v.available, rules))
            .find((q) => q !== s.channelQuantity),
        }))
        .find((s) => s.older !== undefined)!;
      expect(stale).toBeDefined();
      const staleWrite = await system.sim('PUT', `/_sim/listings/${stale.sku}`, {
        productType: 'HOME',
        quantity: stale.older,
      });
      expect(staleWrite.status).toBe(200);

      // A buyer's phone in an event, and a buyer's email in a dead-letter queue.
      const [phoneOrder, mailOrder] = [...orderIds.values()];
      const phone = (
        await system.sim<{ deliveryAddress: { phone: string } }>('GET', `/_sim/orders/${phoneOrder}`)
      ).body.deliveryAddress.phone;
      const email = (await system.sim<{ buyer: { buyerEmail: string } }>('GET', `/_sim/orders/${mailOrder}`))
        .body.buyer.buyerEmail;
      await system.db.query(
        `INSERT INTO availability.outbox (message_id, routing_key, envelope, available_at)
           VALUES (gen_random_uuid(), 'chaos.check', $1, now() + interval '1 day')`,
        [JSON.stringify({ payload: { note: `call ${phone}` } })],
      );
      const deadLettersBefore = await system.deadLetters();
      const [deadLetterQueue] = Object.keys(deadLettersBefore);
      const { connect } = await import('amqplib');
      const connection = await connect(system.infrastructure.amqpUrl);
      const channel = await connection.createConfirmChannel();
      channel.sendToQueue(deadLetterQueue, Buffer.from(JSON.stringify({ payload: { email } })));
      await channel.waitForConfirms();
      await connection.close();

      const violations = await checkSystem(system, model, orderIds, { poisonInjected });
      // The scan only looked: the dead letter is still there.
      expect((await system.deadLetters())[deadLetterQueue]).toBe(deadLettersBefore[deadLetterQueue] + 1);
      // And it had something to look for: order-ingest holds buyer data (encrypted) of paid
      // orders, shipped or not (shipping starts the retention period, it does not purge).
      const held = await Promise.all(
        [...model.orders.values()]
          .filter((o) => o.status === 'confirmed' || o.status === 'shipped')
          .map((o) =>
            system.api<{ buyerData: { state: string } }>(
              'order-ingest',
              'GET',
              `/v1/accounts/chaos-seller/orders/${orderIds.get(o.ref)}`,
            ),
          ),
      );
      expect(held.some((res) => res.body.buyerData.state === 'stored')).toBe(true);
      // And it had something to read: every service's output, and spans from every service.
      for (const service of system.services.values()) expect(service.logs.length).toBeGreaterThan(0);
      const spanSources = new Set(spanTexts(system.traces).map((s) => s.source.split(' ')[0]));
      expect([...spanSources].sort()).toEqual(
        expect.arrayContaining([
          'trace:availability-publisher',
          'trace:inventory-reservation',
          'trace:order-ingest',
        ]),
      );
      return {
        violations,
        orderId,
        sku,
        other: other.sku,
        staleSku: stale.sku,
        phoneOrder,
        mailOrder,
        deadLetterQueue,
      };
    });
    expect(found.violations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          kind: 'lost-reservation',
          subject: expect.stringContaining(found.orderId),
        }),
        expect.objectContaining({ kind: 'wrong-channel-quantity', subject: found.other }),
        expect.objectContaining({ kind: 'outbox-not-drained', subject: 'availability' }),
        expect.objectContaining({ kind: 'stale-publish', subject: `amazon/chaos-seller/${found.staleSku}` }),
        expect.objectContaining({
          kind: 'pii-leak',
          subject: 'message:availability.outbox chaos.check',
          detail: expect.stringContaining(`phone of order ${found.phoneOrder}`),
        }),
        expect.objectContaining({
          kind: 'pii-leak',
          subject: `dead-letter:${found.deadLetterQueue}`,
          detail: expect.stringContaining(`buyer email of order ${found.mailOrder}`),
        }),
      ]),
    );
    // Only the corruptions: the settled system itself leaked nothing and published nothing stale.
    expect(found.violations.filter((v) => v.kind === 'pii-leak')).toHaveLength(2);
  }, 900_000);
});
