import { ChaosSystem, CHAOS_ACCOUNT, CHAOS_MARKETPLACE } from './chaos-system';
import { describeFault, faultSchedule, inject, type ScheduledFault, type ScheduleProfile } from './faults';
import { expect, retrying, sleep, until } from './support';
import { checkSystem, summarise, type Violation } from './checker';
import { expectedState, type ExpectedState } from './model';
import { generateWorkload, type BuyerOp, type ErpOp, type Workload, type WorkloadOptions } from './workload';

export interface RunOptions extends WorkloadOptions {
  /** Inject faults while the workload runs (off: the same workload on a calm system). */
  faults: boolean;
  /** Pause between two faults. */
  faultIntervalMs: number;
  /** Pause between two buyer operations at Amazon. */
  buyerPaceMs: number;
  /** How long the system may take to converge after the last fault. */
  quiesceTimeoutMs: number;
  /** The fault schedule's profile: `long` kills every service, `ci` one (see faultSchedule). */
  scheduleProfile?: ScheduleProfile;
  log?: (line: string) => void;
}

export const CI_RUN: RunOptions = {
  orders: 40,
  skus: 3,
  faults: true,
  faultIntervalMs: 1_500,
  // The buyers' stream lasts about as long as the fault schedule, so faults land mid-workload.
  buyerPaceMs: 1_000,
  quiesceTimeoutMs: 90_000,
};

export interface SeedReport {
  seed: number;
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
  try {
    const orderIds = new Map<string, string>();
    await setUp(system, workload);
    const { broker, database } = system.infrastructure.startedInMs;
    log(
      `seed ${seed}: system up in ${Date.now() - starting} ms (its broker in ${broker} ms, its database in ${database} ms), ` +
        `${workload.buyer.length} buyer and ${workload.erp.length} ERP operations`,
    );

    const schedule = options.faults ? faultSchedule(seed, options.scheduleProfile) : [];
    const started = Date.now();
    let workloadDone = false;
    const buyers = playBuyers(system, workload.buyer, orderIds, options.buyerPaceMs);
    const erp = playErp(system, workload.erp, options.buyerPaceMs * 4);
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
    await Promise.all([buyers, erp, faults]).finally(() => (workloadDone = true));
    const lastFaultAt = Date.now();
    log(`seed ${seed}: workload and faults done in ${lastFaultAt - started} ms${workloadDone ? '' : '?'}`);

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
    if (violations.length > 0) log(`seed ${seed}: ${JSON.stringify(violations.slice(0, 20), null, 1)}`);
    const [feeds] = await system.db
      .query<{ sent: string; fatal: string }>(
        `SELECT count(*) AS sent, count(*) FILTER (WHERE error LIKE '%FATAL%') AS fatal
           FROM availability.publish_attempts WHERE method = 'feed'`,
      )
      .catch(() => [{ sent: '?', fatal: '?' }]);
    log(`seed ${seed}: the publisher sent ${feeds.sent} feeds, ${feeds.fatal} of them FATAL`);
    return {
      seed,
      operations: workload.buyer.length + workload.erp.length,
      faults: schedule,
      violations,
      ...summarise(violations),
      convergenceMs,
      workloadMs: lastFaultAt - started,
    };
  } catch (error) {
    log(`seed ${seed} failed: ${(error as Error).stack}\n${system.logs()}`);
    throw error;
  } finally {
    await system.stop();
  }
}

/** Starts a system, plays the workload without faults and hands it to `inspect` before stopping it. */
export async function withSettledSystem<T>(
  seed: number,
  options: RunOptions,
  inspect: (system: ChaosSystem, model: ExpectedState, orderIds: Map<string, string>) => Promise<T>,
): Promise<T> {
  const workload = generateWorkload(seed, options);
  const model = expectedState(workload);
  const system = await ChaosSystem.start(seed);
  try {
    const orderIds = new Map<string, string>();
    await setUp(system, workload);
    await Promise.all([
      playBuyers(system, workload.buyer, orderIds, options.buyerPaceMs),
      playErp(system, workload.erp, options.buyerPaceMs * 4),
    ]);
    const deadline = Date.now() + options.quiesceTimeoutMs;
    while ((await checkSystem(system, model, orderIds)).length > 0) {
      if (Date.now() > deadline) throw new Error('the system did not converge without faults');
      await sleep(2_000);
    }
    return await inspect(system, model, orderIds);
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

async function playBuyers(
  system: ChaosSystem,
  ops: BuyerOp[],
  orderIds: Map<string, string>,
  paceMs: number,
): Promise<void> {
  for (const op of ops) {
    if (op.kind === 'create') {
      const created = await expect<{ orderId: string }>(
        system.sim('POST', '/_sim/orders', {
          marketplaceId: CHAOS_MARKETPLACE,
          fulfilledBy: 'MERCHANT',
          status: op.status,
          items: op.lines.map((l) => ({ sellerSku: l.sku, quantity: l.quantity })),
        }),
        [201],
      );
      orderIds.set(op.ref, created.orderId);
    } else {
      const orderId = orderIds.get(op.ref);
      if (!orderId) throw new Error(`${op.ref} was not created`);
      await expect(system.sim('POST', `/_sim/orders/${orderId}/status`, { status: op.status }), [200]);
    }
    await sleep(paceMs);
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
    'ops',
    'faults',
    'lost',
    'duplicated',
    'oversold>model',
    'stale',
    'other',
    'workload',
    'converged in',
  ];
  const rows = reports.map((r) => [
    String(r.seed),
    String(r.operations),
    String(r.faults.length),
    String(r.lost),
    String(r.duplicated),
    String(r.oversoldBeyondModel),
    String(r.stale),
    String(r.other),
    `${(r.workloadMs / 1000).toFixed(1)} s`,
    r.convergenceMs === null ? 'never' : `${(r.convergenceMs / 1000).toFixed(1)} s`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}
