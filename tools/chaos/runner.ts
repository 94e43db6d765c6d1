import {
  ChaosSystem,
  CHAOS_ACCOUNT,
  CHAOS_MARKETPLACE,
  CHAOS_SELLER_ID,
  TIME_SCALE,
  type JsonAnswer,
} from './chaos-system';
import {
  describeFault,
  disarmFatalFeeds,
  faultSchedule,
  inject,
  type ScheduledFault,
  type ScheduleProfile,
} from './faults';
import { expect, retrying, sleep, until } from './support';
import { checkSystem, summarise, type Violation } from './checker';
import { expectedState, type ExpectedState } from './model';
import {
  generateWorkload,
  type BuyerOp,
  type ErpOp,
  type PackagePlan,
  type ShipOp,
  type Workload,
  type WorkloadOptions,
} from './workload';

export interface RunOptions extends WorkloadOptions {
  /** Inject faults while the workload runs (off: the same workload on a calm system). */
  faults: boolean;
  /** Pause between two faults. */
  faultIntervalMs: number;
  /** Pause between two buyer operations at Amazon (the ERP's pause is four times as long). */
  buyerPaceMs: number;
  /** Pause between two shipping requests of the ERP. */
  shippingPaceMs: number;
  /** How often the operator (or the scheduler) asks order-ingest for a catch-up run meanwhile. */
  catchUpEveryMs: number;
  /** How long the system may take to converge after the last fault. */
  quiesceTimeoutMs: number;
  /** The fault schedule's profile: `long` kills every service, `ci` one (see faultSchedule). */
  scheduleProfile?: ScheduleProfile;
  log?: (line: string) => void;
  /**
   * Given the system once it converged, instead of stopping it: the caller stops it (the
   * checker's own test corrupts the state of seed 1's system rather than starting another).
   */
  keep?: (settled: SettledSystem) => void;
}

/** A system that converged, with what the checker needs to judge it. */
export interface SettledSystem {
  system: ChaosSystem;
  model: ExpectedState;
  orderIds: Map<string, string>;
  /** Dead letters the injected poison left (the checker expects exactly these). */
  poisonInjected: number;
}

export const CI_RUN: RunOptions = {
  orders: 40,
  skus: 3,
  faults: true,
  faultIntervalMs: 1_500,
  // The buyers' stream lasts about as long as the fault schedule, so faults land mid-workload.
  buyerPaceMs: 1_000,
  shippingPaceMs: 200,
  catchUpEveryMs: 8_000,
  // A package in flight when its sender was killed waits out the notifier's 45 s grace.
  quiesceTimeoutMs: 150_000,
};

/**
 * Thousands of orders per seed at a faster pace (CHAOS_PROFILE=long): the buyers' stream
 * outlasts the fault schedule, whose faults are spread over it.
 */
export const LONG_RUN: RunOptions = {
  orders: 1_000,
  skus: 3,
  faults: true,
  faultIntervalMs: 12_000,
  buyerPaceMs: 20,
  shippingPaceMs: 10,
  catchUpEveryMs: 15_000,
  quiesceTimeoutMs: 240_000,
};

export function profile(name = process.env['CHAOS_PROFILE'] ?? 'ci'): RunOptions {
  if (name === 'ci') return CI_RUN;
  if (name === 'long') return LONG_RUN;
  throw new Error(`unknown chaos profile ${name} (ci or long)`);
}

export interface SeedReport {
  seed: number;
  orders: number;
  operations: number;
  faults: ScheduledFault[];
  violations: Violation[];
  lost: number;
  duplicated: number;
  oversoldBeyondModel: number;
  /** Stale or negative quantities a channel was ever shown. */
  stale: number;
  other: number;
  /** From the last fault to the first check that found nothing wrong; null if it never converged. */
  convergenceMs: number | null;
  workloadMs: number;
  /** Feeds the publisher sent to Amazon, and how many of them Amazon ended FATAL (the simulator's count). */
  feeds: { sent: number; fatal: number } | null;
}

/**
 * One seed: starts the system, plays the workload (buyers and ERP concurrently) while the
 * fault schedule runs, waits for the system to converge and checks it against the model.
 */
export async function runSeed(seed: number, options: RunOptions = CI_RUN): Promise<SeedReport> {
  const log = options.log ?? (() => undefined);
  const workload = generateWorkload(seed, options);
  const model = expectedState(workload);
  const starting = Date.now();
  const system = await ChaosSystem.start(seed);
  let kept = false;
  try {
    const orderIds = new Map<string, string>();
    await setUp(system, workload);
    const { broker, database } = system.infrastructure.startedInMs;
    const orders = [...model.orders.values()];
    log(
      `seed ${seed}: system up in ${Date.now() - starting} ms (its broker in ${broker} ms, its database in ${database} ms), ` +
        `${workload.buyer.length} buyer, ${workload.erp.length} stock and ` +
        `${workload.shipping.length} shipping operations; ${orders.filter((o) => o.late).length} ` +
        `late-visible orders, ${orders.reduce((n, o) => n + o.packages.length, 0)} packages to ` +
        `confirm, ${orders.filter((o) => o.forbiddenShipment).length} orders that must not ship`,
    );

    const schedule = options.faults ? faultSchedule(seed, options.scheduleProfile) : [];
    const started = Date.now();
    let poisonInjected = 0;
    const faults = (async () => {
      for (const fault of schedule) {
        await sleep(options.faultIntervalMs);
        const began = Date.now();
        const effect = await inject(system, fault);
        poisonInjected += effect.deadLetters;
        log(
          `seed ${seed}: ${describeFault(fault)} (${Date.now() - began} ms${effect.note ? `, ${effect.note}` : ''})`,
        );
      }
    })();
    await Promise.all([playWorkload(system, workload, options, orderIds, log), faults]);
    const spoiled = await disarmFatalFeeds(system);
    if (schedule.some((f) => f.kind === 'amazon-fatal-feeds'))
      log(`seed ${seed}: the FATAL-feed rule made ${spoiled} feeds FATAL`);
    const lastFaultAt = Date.now();
    log(`seed ${seed}: workload and faults done in ${lastFaultAt - started} ms`);

    // Quiescence: check until nothing is wrong, or the time is up (then the last findings stand).
    let violations: Violation[] = [];
    let convergenceMs: number | null = null;
    const deadline = lastFaultAt + options.quiesceTimeoutMs;
    for (;;) {
      violations = await checkSystem(system, model, orderIds, { poisonInjected }).catch((error: Error) => [
        {
          kind: 'lost-order' as const,
          subject: 'checker',
          detail: `could not read the system: ${error.message}`,
        },
      ]);
      if (violations.length === 0) {
        convergenceMs = Date.now() - lastFaultAt;
        break;
      }
      if (Date.now() > deadline) break;
      await sleep(2_000);
    }
    if (violations.length > 0) {
      log(`seed ${seed}: ${JSON.stringify(violations.slice(0, 20), null, 1)}`);
      const ingest = await Promise.all(
        ['/v1/poll-health', '/v1/catch-up-runs', '/v1/ingest-errors?limit=20'].map(async (route) => {
          const res = await system
            .api('order-ingest', 'GET', route)
            .catch((e: Error) => ({ status: 0, body: e.message }));
          return `${route}: ${res.status} ${JSON.stringify(res.body).slice(0, 3000)}`;
        }),
      );
      const ingestLog = system.services.get('order-ingest')?.logs.trimEnd().split('\n').slice(-30).join('\n');
      log(
        `seed ${seed}: order-ingest at the end\n${ingest.join('\n')}\nits last log lines:\n${ingestLog ?? ''}`,
      );
      for (const v of violations.filter((x) => x.kind === 'stale-publish').slice(0, 2))
        log(`seed ${seed}: ${await explainStale(system, v.subject).catch((e: Error) => e.message)}`);
    }
    const [feeds] = await system.db
      .query<{ sent: string }>(
        `SELECT count(*) AS sent FROM availability.publish_attempts WHERE method = 'feed'`,
      )
      .catch(() => [undefined]);
    if (feeds) log(`seed ${seed}: the publisher sent ${feeds.sent} feeds`);
    const report: SeedReport = {
      seed,
      orders: model.orders.size,
      operations: workload.buyer.length + workload.erp.length + workload.shipping.length,
      faults: schedule,
      violations,
      ...summarise(violations),
      convergenceMs,
      workloadMs: lastFaultAt - started,
      feeds: feeds ? { sent: Number(feeds.sent), fatal: spoiled } : null,
    };
    if (options.keep && convergenceMs !== null) {
      options.keep({ system, model, orderIds, poisonInjected });
      kept = true;
    }
    return report;
  } catch (error) {
    log(`seed ${seed} failed: ${(error as Error).stack}\n${system.logs()}`);
    throw error;
  } finally {
    if (!kept) await system.stop();
  }
}

/** Starts a system, plays the workload without faults and hands it to `inspect` before stopping it. */
export async function withSettledSystem<T>(
  seed: number,
  options: RunOptions,
  inspect: (settled: SettledSystem) => Promise<T>,
): Promise<T> {
  const workload = generateWorkload(seed, options);
  const model = expectedState(workload);
  const system = await ChaosSystem.start(seed);
  try {
    const orderIds = new Map<string, string>();
    await setUp(system, workload);
    await playWorkload(system, workload, options, orderIds);
    const deadline = Date.now() + options.quiesceTimeoutMs;
    while ((await checkSystem(system, model, orderIds)).length > 0) {
      if (Date.now() > deadline) throw new Error('the system did not converge without faults');
      await sleep(2_000);
    }
    return await inspect({ system, model, orderIds, poisonInjected: 0 });
  } finally {
    await system.stop();
  }
}

/** The ERP's initial count, the account's rules, the listings at Amazon and at the publisher. */
async function setUp(system: ChaosSystem, workload: Workload): Promise<void> {
  await until('order-ingest to know the account', async () => {
    const res = await system.api('order-ingest', 'GET', `/v1/accounts/${CHAOS_ACCOUNT}`);
    return res.status === 200;
  });
  await expect(
    system.api('order-ingest', 'PATCH', `/v1/accounts/${CHAOS_ACCOUNT}/options`, {
      pollIntervalSeconds: 2,
      overlapSeconds: 1,
    }),
    [200],
  );
  await expect(
    system.api('availability-publisher', 'PUT', `/v1/rules/amazon/${CHAOS_ACCOUNT}`, workload.rules),
    [200],
  );
  for (const { sku, onHand } of workload.skus)
    await expect(
      system.api('inventory-reservation', 'PUT', `/v1/stock/${sku}`, { onHand, asOf: asOf(0) }),
      [200],
    );
  for (const { sku } of workload.skus)
    await until(`availability of ${sku} at the publisher`, async () => {
      return (await system.api('availability-publisher', 'GET', `/v1/desired/${sku}`)).status === 200;
    });
  await expect(
    system.sim('POST', '/_sim/listings', {
      listings: workload.skus.map(({ sku }) => ({
        sku,
        productType: 'HOME',
        quantity: 0,
        marketplaceIds: [CHAOS_MARKETPLACE],
      })),
    }),
    [201],
  );
  await expect(
    system.api('availability-publisher', 'POST', '/v1/listings/import', {
      listings: workload.skus.map(({ sku }) => ({
        channel: 'amazon',
        accountId: CHAOS_ACCOUNT,
        marketplaceId: CHAOS_MARKETPLACE,
        channelSku: sku,
        productType: 'HOME',
        sku,
      })),
    }),
    [200],
  );
}

/** The ERP's counts carry an asOf a fixed time after the initial count, so a replay is stale. */
const ERP_EPOCH = Date.parse('2026-01-01T00:00:00.000Z');
const asOf = (seconds: number) => new Date(ERP_EPOCH + seconds * 1000).toISOString();

/**
 * The two streams at once: the buyers at Amazon; the ERP's stock operations, then its
 * shipping; meanwhile catch-up runs, as the scheduler would start them. Once both streams are
 * done and every late order is visible, one more catch-up run, which must succeed.
 */
async function playWorkload(
  system: ChaosSystem,
  workload: Workload,
  options: RunOptions,
  orderIds: Map<string, string>,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  const settled = new Set<string>();
  const visibleBy = { at: 0 };
  let done = false;
  const catchUps = (async () => {
    while (!done) {
      await sleep(options.catchUpEveryMs);
      if (!done) await requestCatchUp(system).catch(() => undefined);
    }
  })();
  try {
    await Promise.all([
      playBuyers(system, workload.buyer, orderIds, settled, visibleBy, options.buyerPaceMs),
      (async () => {
        await playErp(system, workload.erp, options.buyerPaceMs * 4);
        await playShipping(system, workload.shipping, orderIds, settled, options.shippingPaceMs);
      })(),
    ]);
  } finally {
    done = true;
    await catchUps;
  }
  await sleep(Math.max(0, visibleBy.at - Date.now()));
  await until(
    'a catch-up run after the last late order became visible',
    async () => {
      const runId = await requestCatchUp(system);
      const run = await waitForCatchUp(system, runId);
      log(`catch-up run ${runId}: ${run}`);
      return run === 'succeeded';
    },
    180_000,
  );
}

/** Asks order-ingest for a catch-up run of the account; its id. */
async function requestCatchUp(system: ChaosSystem): Promise<string> {
  const { runId } = await expect<{ runId: string }>(
    system.api('order-ingest', 'POST', `/v1/accounts/${CHAOS_ACCOUNT}/catch-up-runs`),
    [202],
  );
  return runId;
}

async function waitForCatchUp(system: ChaosSystem, runId: string): Promise<string> {
  let status = 'unknown';
  await until(
    `catch-up run ${runId}`,
    async () => {
      const run = await system.api<{ status: string }>('order-ingest', 'GET', `/v1/catch-up-runs/${runId}`);
      status = run.body.status;
      return status === 'succeeded' || status === 'failed';
    },
    60_000,
  );
  return status;
}

/**
 * The buyers at Amazon. `settled` gets each order's ref once its last operation is done (the
 * ERP ships nothing before); `visibleBy` the wall-clock time the last late order shows.
 */
async function playBuyers(
  system: ChaosSystem,
  ops: BuyerOp[],
  orderIds: Map<string, string>,
  settled: Set<string>,
  visibleBy: { at: number },
  paceMs: number,
): Promise<void> {
  const last = new Map(ops.map((op, index) => [op.ref, index]));
  for (const [index, op] of ops.entries()) {
    if (op.kind === 'create') {
      const created = await expect<{ orderId: string }>(
        system.sim('POST', '/_sim/orders', {
          marketplaceId: CHAOS_MARKETPLACE,
          fulfilledBy: 'MERCHANT',
          status: op.status,
          items: op.lines.map((l) => ({ sellerSku: l.sku, quantity: l.quantity })),
          ...(op.visibilityDelayMs === undefined ? {} : { visibilityDelayMs: op.visibilityDelayMs }),
        }),
        [201],
      );
      orderIds.set(op.ref, created.orderId);
      if (op.visibilityDelayMs !== undefined)
        visibleBy.at = Math.max(visibleBy.at, Date.now() + op.visibilityDelayMs / TIME_SCALE + 1_000);
    } else {
      const orderId = orderIds.get(op.ref);
      if (!orderId) throw new Error(`${op.ref} was not created`);
      await expect(system.sim('POST', `/_sim/orders/${orderId}/status`, { status: op.status }), [200]);
    }
    if (last.get(op.ref) === index) settled.add(op.ref);
    await sleep(paceMs);
  }
}

/**
 * The ERP's shipping. A shipment of a paid order is sent until shipment-notifier takes it:
 * the notifier learns of the order and of its payment from events, so it may still call the
 * order unknown or Pending for a moment, and a restarting service refuses connections. A
 * shipment of an order that must not ship is sent once (and again only when unanswered):
 * refused, or taken before the notifier heard of a cancellation and then failing.
 */
async function playShipping(
  system: ChaosSystem,
  ops: ShipOp[],
  orderIds: Map<string, string>,
  settled: Set<string>,
  paceMs: number,
): Promise<void> {
  const shipmentIds = new Map<string, string>();
  const post = (route: string, body: unknown, key: string) =>
    system.api<{ id: string; code?: string }>('shipment-notifier', 'POST', route, body, {
      'idempotency-key': key,
    });
  for (const op of ops) {
    if (op.kind === 'manifest') {
      const body = { reference: op.key, shipmentIds: op.refs.map((ref) => shipmentIds.get(ref)) };
      const manifest = await sendUntil(() => post('/v1/manifests', body, op.key), [201]);
      if (op.repeat) await sendUntil(() => post('/v1/manifests', body, op.key), [201]);
      const ship = () => system.api('shipment-notifier', 'POST', `/v1/manifests/${manifest.id}/ship`);
      await sendUntil(ship, [200]);
      if (op.repeat) await sendUntil(ship, [200]);
      await sleep(paceMs);
      continue;
    }
    await until(`the buyers' last change to ${op.ref}`, async () => settled.has(op.ref), 600_000);
    const orderId = orderIds.get(op.ref);
    if (!orderId) throw new Error(`${op.ref} was not created`);
    // A forbidden shipment the notifier takes anyway must go out (and fail) on its own.
    const body = shipmentBody(orderId, op.packages, op.key, op.kind !== 'shipment' || op.sendImmediately);
    if (op.kind === 'forbidden-shipment') {
      await sendUntil(() => post('/v1/shipments', body, op.key), [201, 409, 422]);
    } else {
      // Not yet known or not yet paid at the notifier: its events are on their way.
      const waitingFor = new Set(['shipment.order-unknown', 'shipment.order-awaiting-payment']);
      const send = () =>
        post('/v1/shipments', body, op.key).then((res) =>
          waitingFor.has(res.body?.code ?? '') ? { ...res, status: 503 } : res,
        );
      const shipment = await sendUntil(send, [201]);
      shipmentIds.set(op.ref, shipment.id);
      if (op.repeat) await sendUntil(send, [201]);
    }
    await sleep(paceMs);
  }
}

function shipmentBody(
  orderId: string,
  packages: PackagePlan[],
  reference: string,
  sendImmediately: boolean,
): Record<string, unknown> {
  // The ERP's clock: shipped a minute ago; the same body on every retry, as the key requires.
  const shipDate = new Date(Date.now() - 60_000).toISOString();
  const lines = (p: PackagePlan) => p.lines.map((l) => ({ sku: l.sku, quantity: l.quantity }));
  const single = packages.length === 1;
  return {
    order: { channel: 'amazon', accountId: CHAOS_ACCOUNT, orderId },
    reference,
    packages: packages.map((p) => ({
      carrier: p.carrier,
      trackingNumber: p.trackingNumber,
      shipDate,
      ...(single ? {} : { lines: lines(p) }),
    })),
    ...(single ? { lines: lines(packages[0]) } : {}),
    sendImmediately,
  };
}

/** Sends until one of `statuses` comes back; no answer and 5xx are retried, anything else is an error. */
async function sendUntil<T>(send: () => Promise<JsonAnswer<T>>, statuses: number[]): Promise<T> {
  const deadline = Date.now() + 180_000;
  for (;;) {
    const res: JsonAnswer<unknown> = await send().catch((error: Error) => ({
      status: 0,
      body: error.message,
    }));
    if (statuses.includes(res.status)) return res.body as T;
    if (res.status !== 0 && res.status < 500)
      throw new Error(`the ERP's request was refused: ${res.status} ${JSON.stringify(res.body)}`);
    if (Date.now() > deadline)
      throw new Error(`the ERP's request never got through: ${JSON.stringify(res.body)}`);
    await sleep(300);
  }
}

/**
 * The ERP retries every request until it gets an answer, as a real integration would: a
 * service being restarted refuses connections for a moment. Counts and adjustments are
 * idempotent (by asOf, by key), so a retry of a request that took effect changes nothing.
 */
async function playErp(system: ChaosSystem, ops: ErpOp[], paceMs: number): Promise<void> {
  for (const op of ops) {
    const send = () =>
      op.kind === 'snapshot'
        ? system.api('inventory-reservation', 'PUT', `/v1/stock/${op.sku}`, {
            onHand: op.onHand,
            asOf: asOf(op.asOfSeconds),
          })
        : system.api('inventory-reservation', 'POST', '/v1/stock/adjustments', {
            idempotencyKey: op.key,
            sku: op.sku,
            delta: op.delta,
            reason: 'chaos workload',
          });
    await retrying(send);
    if (op.kind === 'adjust' && op.repeat) await retrying(send);
    await sleep(paceMs);
  }
}

/** One line per seed, and a total. */
export function formatReports(reports: SeedReport[]): string {
  const header = [
    'seed',
    'orders',
    'ops',
    'throughput',
    'faults',
    'lost',
    'duplicated',
    'oversold>model',
    'stale',
    'other',
    'feeds (FATAL)',
    'workload',
    'converged in',
  ];
  const rows = reports.map((r) => [
    String(r.seed),
    String(r.orders),
    String(r.operations),
    `${(r.operations / (r.workloadMs / 1000)).toFixed(1)} ops/s`,
    String(r.faults.length),
    String(r.lost),
    String(r.duplicated),
    String(r.oversoldBeyondModel),
    String(r.stale),
    String(r.other),
    r.feeds ? `${r.feeds.sent} (${r.feeds.fatal})` : '?',
    `${(r.workloadMs / 1000).toFixed(1)} s`,
    r.convergenceMs === null ? 'never' : `${(r.convergenceMs / 1000).toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/**
 * What a stale publish is judged from, for the run's log: the channel's history of the listing,
 * the publisher's acknowledgements and attempts, every version of the SKU and the publisher's
 * log lines about it.
 */
async function explainStale(system: ChaosSystem, subject: string): Promise<string> {
  const channelSku = subject.split('/').at(-1) ?? subject;
  const history = await system.sim<{ changes: unknown[] }>(
    'GET',
    `/_sim/listings/${encodeURIComponent(channelSku)}/history?sellerId=${CHAOS_SELLER_ID}`,
  );
  const acks = await system.db.query(
    `SELECT envelope->'payload' AS payload FROM availability.outbox
      WHERE routing_key LIKE 'listing.%' AND envelope->'payload'->>'channelSku' = $1 ORDER BY id`,
    [channelSku],
  );
  const listings = await system.api<{ listings: { channelSku: string; sku?: string }[] }>(
    'availability-publisher',
    'GET',
    `/v1/listings?channel=amazon&accountId=${CHAOS_ACCOUNT}&limit=1000`,
  );
  const sku = listings.body.listings?.find((l) => l.channelSku === channelSku)?.sku ?? '';
  const listing = await system.db.query(`SELECT * FROM availability.listings WHERE channel_sku = $1`, [
    channelSku,
  ]);
  const versions = await system.db.query(
    `SELECT envelope->'payload'->>'version' AS version, envelope->'payload'->>'available' AS available,
            envelope->'payload'->'channels' AS channels, envelope->>'occurredAt' AS at, sent_at
       FROM inventory.outbox WHERE routing_key = 'availability.changed' AND envelope->'payload'->>'sku' = $1
      ORDER BY (envelope->'payload'->>'version')::int`,
    [sku],
  );
  const attempts = await system.db.query(
    `SELECT id, method, state, error, item_count, applied_count, failed_count, created_at, settled_at
       FROM availability.publish_attempts ORDER BY created_at DESC LIMIT 30`,
  );
  const desired = await system.db
    .query(`SELECT * FROM availability.desired_quantities WHERE sku = $1`, [sku])
    .catch((e: Error) => [{ error: e.message }]);
  const publisherLog = system.services
    .get('availability-publisher')
    ?.logs.split('\n')
    .filter((line) => line.includes(channelSku))
    .slice(-40)
    .join('\n');
  return [
    `stale publish on ${subject}`,
    `history: ${JSON.stringify(history.body)}`,
    `listing: ${JSON.stringify(listing)}`,
    `acknowledgements and failures: ${JSON.stringify(acks)}`,
    `versions: ${JSON.stringify(versions)}`,
    `desired: ${JSON.stringify(desired)}`,
    `latest attempts: ${JSON.stringify(attempts)}`,
    `publisher log: ${publisherLog ?? ''}`,
  ].join('\n');
}
