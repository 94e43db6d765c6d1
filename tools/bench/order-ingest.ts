/**
 * order-ingest benchmark: orders ingested per searchOrders call and end-to-end ingest lag
 * at a steady order rate (50,000 orders a day by default) on the SP-API simulator.
 *
 *   node tools/build.mjs && node -r @swc-node/register tools/bench/order-ingest.ts [options]
 *
 *   --orders-per-day N   order rate in Amazon time (default 50000)
 *   --amazon-hours H     how much Amazon time to generate orders for (default 3)
 *   --time-scale S       Amazon time runs S times faster in the simulator and order-ingest (default 60)
 *   --search-plan R/B    searchOrders usage plan at the simulator and in order-ingest
 *                        (default Amazon's documented 0.0056/20)
 *   --drain-seconds T    real seconds to wait, after the last order, for every order to be announced (default 180)
 *
 * The simulator and order-ingest run as processes from their build (dist/), the way the
 * system tests start them (tests/system/support/order-ingest.harness.ts), with a database
 * and a broker namespace of their own; both are removed at the end, whatever happens.
 * Orders are Pending merchant orders made through the simulator's control API in small
 * batches every 200 ms, so the rate is steady; at the default scale 3 Amazon hours take
 * 3 real minutes. The account polls on its default cadence and overlap (180 s and 60 s
 * of Amazon time; account options are seconds of the simulator's real clock, so the
 * benchmark divides them by the scale).
 *
 * Lag is measured per order from the moment the simulator answered the request that made
 * it to (a) order-ingest's first commit of it (order_snapshots.first_seen_at) and (b) the
 * order.placed event reaching a queue bound to the events exchange. It is reported in
 * Amazon time (real × S): Amazon shows an order in searches only about two minutes after it
 * changed, so that is the floor. Amazon's timestamps have whole seconds, which at scale S
 * is S Amazon seconds of the simulator's clock: at S = 60 up to a minute of the figures is
 * that rounding, so a lower scale gives finer lag figures (and a longer run).
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import {
  ACCOUNT_ID,
  DE,
  IT,
  OrderIngestSystem,
  SELLER_ID,
} from '../../tests/system/support/order-ingest.harness';

const { values } = parseArgs({
  options: {
    'orders-per-day': { type: 'string', default: '50000' },
    'amazon-hours': { type: 'string', default: '3' },
    'time-scale': { type: 'string', default: '60' },
    'search-plan': { type: 'string', default: '0.0056/20' },
    'drain-seconds': { type: 'string', default: '180' },
    'skip-build': { type: 'boolean', default: false },
  },
});

const ordersPerDay = Number(values['orders-per-day']);
const amazonHours = Number(values['amazon-hours']);
const scale = Number(values['time-scale']);
const drainMs = Number(values['drain-seconds']) * 1000;
const [searchRate, searchBurst] = String(values['search-plan']).split('/').map(Number);
for (const [name, value] of Object.entries({
  ordersPerDay,
  amazonHours,
  scale,
  drainMs,
  searchRate,
  searchBurst,
})) {
  if (!(value > 0)) throw new Error(`${name} must be a positive number`);
}
// Bounded: at most 100,000 orders and 30 real minutes of generation.
const totalOrders = Math.round((ordersPerDay * amazonHours) / 24);
const generateMs = (amazonHours * 3_600_000) / scale;
if (totalOrders > 100_000 || generateMs > 30 * 60_000)
  throw new Error('refusing a run of more than 100,000 orders or 30 minutes');

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function percentiles(values: number[]): { p50: number; p95: number; max: number; n: number } {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number) =>
    sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
  return { p50: at(0.5), p95: at(0.95), max: sorted[sorted.length - 1], n: sorted.length };
}

/** Amazon-time seconds from real milliseconds. */
const amazonSeconds = (realMs: number) => (realMs * scale) / 1000;
const fmt = (s: number) => (s >= 120 ? `${(s / 60).toFixed(1)} min` : `${s.toFixed(0)} s`);

async function main(): Promise<void> {
  if (!values['skip-build']) {
    execFileSync(process.execPath, [path.join(__dirname, '..', 'build.mjs')], { stdio: 'inherit' });
  }
  console.log(
    `order-ingest bench: ${ordersPerDay} orders/day for ${amazonHours} Amazon hours (${totalOrders} orders) at time ×${scale} ` +
      `(${(generateMs / 1000).toFixed(0)} s real), searchOrders plan ${searchRate}/s burst ${searchBurst}`,
  );
  const plan = `searchOrders=${searchRate}/${searchBurst}`;
  let system: OrderIngestSystem | undefined;
  const stop = async () => {
    await system?.stop().catch((e) => console.error(`cleanup: ${(e as Error).message}`));
    system = undefined;
  };
  process.once('SIGINT', () => void stop().then(() => process.exit(130)));
  process.once('SIGTERM', () => void stop().then(() => process.exit(143)));
  try {
    system = await OrderIngestSystem.start('bench_ingest', {
      simEnv: { SIM_TIME_SCALE: String(scale) },
      env: {
        SPAPI_TIME_SCALE: String(scale),
        SPAPI_USAGE_PLANS: plan,
        ORDER_INGEST_FIRST_POLL_LOOKBACK_MINUTES: '5',
      },
      prepare: async (sim) => {
        const res = await sim.control('POST', '/_sim/usage-plans', {
          operation: 'searchOrders',
          rate: searchRate,
          burst: searchBurst,
        });
        if (res.status >= 300) throw new Error(`usage plan: ${JSON.stringify(res.body)}`);
      },
    });
    const sys = system;
    // The account's default cadence and overlap (180 s and 60 s of Amazon time). Account
    // options are plain seconds of the simulator's clock, which is the real clock (only
    // Amazon's own durations are scaled), so they are divided by the scale here.
    await sys.setOptions({
      pollIntervalSeconds: Math.max(1, Math.round(180 / scale)),
      overlapSeconds: Math.max(1, Math.round(60 / scale)),
    });
    interface PollHealth {
      accounts: { accountId: string; lastSuccessfulPollAt: string | null }[];
    }
    const health = async () =>
      (await sys.http<PollHealth>('GET', '/v1/poll-health')).body.accounts.find(
        (a) => a.accountId === ACCOUNT_ID,
      );
    for (let i = 0; !(await health())?.lastSuccessfulPollAt; i++) {
      if (i > 300) throw new Error('order-ingest never completed a first poll');
      await sleep(100);
    }

    const statsBefore = await sys.sim.stats();
    const stateBefore = (
      await sys.db.query<{ search_calls: string; pages_committed: string; orders_seen: string }>(
        'SELECT search_calls, pages_committed, orders_seen FROM order_ingest.poll_state WHERE account_id = $1',
        [ACCOUNT_ID],
      )
    )[0];

    // Steady generation: every 200 ms, the orders due by now.
    const createdAt = new Map<string, number>();
    const started = Date.now();
    let made = 0;
    while (made < totalOrders) {
      const due = Math.min(totalOrders, Math.floor(((Date.now() - started) / generateMs) * totalOrders));
      if (due > made) {
        const res = await sys.sim.control<{ orderIds: string[] }>('POST', '/_sim/orders/generate', {
          count: due - made,
          sellerId: SELLER_ID,
          marketplaceIds: [IT, DE],
          maxLines: 3,
          maxQuantity: 2,
        });
        if (res.status !== 201) throw new Error(`generate: ${JSON.stringify(res.body)}`);
        const at = Date.now();
        for (const id of res.body.orderIds) createdAt.set(id, at);
        made += res.body.orderIds.length;
      }
      await sleep(200);
    }
    const generatedFor = Date.now() - started;
    console.log(
      `generated ${made} orders in ${(generatedFor / 1000).toFixed(1)} s; waiting for every order.placed`,
    );

    const placedAt = new Map<string, number>();
    const drainDeadline = Date.now() + drainMs;
    for (;;) {
      for (const e of sys.events)
        if (e.type === 'order.placed' && createdAt.has(e.orderId) && !placedAt.has(e.orderId))
          placedAt.set(e.orderId, e.receivedAt);
      if (placedAt.size === createdAt.size || Date.now() > drainDeadline) break;
      await sleep(250);
    }
    const finished = Date.now();
    const statsAfter = await sys.sim.stats();
    const stateAfter = (
      await sys.db.query<{ search_calls: string; pages_committed: string; orders_seen: string }>(
        'SELECT search_calls, pages_committed, orders_seen FROM order_ingest.poll_state WHERE account_id = $1',
        [ACCOUNT_ID],
      )
    )[0];
    const rows = await sys.db.query<{ order_id: string; first_seen_at: Date }>(
      'SELECT order_id, first_seen_at FROM order_ingest.order_snapshots WHERE account_id = $1',
      [ACCOUNT_ID],
    );
    const firstSeen = new Map(rows.map((r) => [r.order_id, r.first_seen_at.getTime()]));
    const duplicates = [...createdAt.keys()].filter(
      (id) => (sys.distinctEvents(id)['order.placed'] ?? 0) > 1,
    ).length;

    const op = (stats: typeof statsBefore, name: string) =>
      stats.operations[name] ?? { calls: 0, throttled: 0 };
    const searchCalls = op(statsAfter, 'searchOrders').calls - op(statsBefore, 'searchOrders').calls;
    const searchThrottled =
      op(statsAfter, 'searchOrders').throttled - op(statsBefore, 'searchOrders').throttled;
    const getOrderCalls = op(statsAfter, 'getOrder').calls - op(statsBefore, 'getOrder').calls;
    const pages = Number(stateAfter.pages_committed) - Number(stateBefore.pages_committed);
    const returned = Number(stateAfter.orders_seen) - Number(stateBefore.orders_seen);
    const ingested = [...createdAt.keys()].filter((id) => firstSeen.has(id)).length;

    /** Real milliseconds from each order's creation to `reached`, for the orders that reached it. */
    const delays = (reached: Map<string, number>) =>
      [...createdAt].flatMap(([id, at]) => {
        const t = reached.get(id);
        return t === undefined ? [] : [t - at];
      });
    const dbLag = percentiles(delays(firstSeen).map(amazonSeconds));
    const eventLag = percentiles(delays(placedAt).map(amazonSeconds));
    const realEventLag = percentiles(delays(placedAt));

    const lines = [
      `orders generated            ${made} over ${fmt(amazonSeconds(generatedFor))} of Amazon time (${(generatedFor / 1000).toFixed(0)} s real)`,
      `orders ingested             ${ingested} in the database, ${placedAt.size} order.placed received, ${duplicates} announced twice`,
      `searchOrders calls          ${searchCalls} (${searchThrottled} throttled), ${pages} pages committed; getOrder calls ${getOrderCalls}`,
      `orders ingested per call    ${(ingested / Math.max(1, searchCalls)).toFixed(1)} new orders per searchOrders call ` +
        `(${(returned / Math.max(1, searchCalls)).toFixed(1)} returned per call, overlap repeats included)`,
      `lag to order-ingest's DB    p50 ${fmt(dbLag.p50)}, p95 ${fmt(dbLag.p95)}, max ${fmt(dbLag.max)} (Amazon time)`,
      `lag to order.placed         p50 ${fmt(eventLag.p50)}, p95 ${fmt(eventLag.p95)}, max ${fmt(eventLag.max)} (Amazon time; ` +
        `real ${(realEventLag.p50 / 1000).toFixed(1)} / ${(realEventLag.p95 / 1000).toFixed(1)} / ${(realEventLag.max / 1000).toFixed(1)} s)`,
      `run                         ${((finished - started) / 1000).toFixed(0)} s real from the first order to the last event`,
    ];
    console.log(`\n${lines.join('\n')}`);
    if (placedAt.size < made)
      console.log(`\n${made - placedAt.size} orders not announced within the drain time`);
    process.exitCode = placedAt.size === made && duplicates === 0 ? 0 : 1;
  } finally {
    await stop();
  }
}

main().catch(async (error) => {
  console.error(error);
  process.exitCode = 1;
});
