#!/usr/bin/env node
// Benchmark: 10,000 changed SKUs to Amazon (the SP-API simulator), availability-publisher
// against a naive one-PATCH-per-SKU client under the same usage plans.
//
//   node tools/bench/availability-publisher.mjs [--listings 10000] [--scale 10] [--naive-seconds 30]
//     [--budget-seconds 900] [--no-build]
//
// Starts the simulator and availability-publisher as processes from dist/ (built first with
// tools/build.mjs unless --no-build), in a database and broker namespace of its own, with
// Amazon time running `--scale` times faster in both (usage plans refill that much faster,
// Amazon's delays shrink by it; the publisher's coalescing windows are real time and do not).
//
// 1. Publishes availability for N internal SKUs, imports N listings (one per SKU) and times
//    the first publication of all of them.
// 2. Publishes availability.changed for all N SKUs at once and times until the simulator
//    holds every new quantity.
// 3. Stops the publisher and sends one patchListingsItem per SKU straight to the simulator at
//    the plan's rate (5/s, burst 5, Amazon time) for at most --naive-seconds, then waits for
//    them to apply; the time for N is extrapolated from the measured rate.
// API calls come from the simulator's /_sim/stats. Everything it started is stopped and its
// database and queues are removed, also on failure or Ctrl-C; the whole run is bounded.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { request as httpsRequest, Agent } from 'node:https';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connect } from 'amqplib';
import pg from 'pg';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const LISTINGS = option('listings', 10_000);
const SCALE = option('scale', 10);
const NAIVE_SECONDS = option('naive-seconds', 30);
const BUDGET_MS = option('budget-seconds', 900) * 1000;
const BUILD = !args.includes('--no-build');

const PG_ADMIN = process.env.BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const SELLER = 'A2SIMSELLER0001';
const ACCOUNT = 'bench-seller';
const IT = 'APJ6JRA9NG5V4';
const API_KEY = `bench-${randomBytes(8).toString('hex')}`;
const PATCH_PLAN = { rate: 5, burst: 5 }; // Amazon's default for patchListingsItem
const runId = randomBytes(4).toString('hex');
const DATABASE = `holdfast_bench_${runId}`;
const NAMESPACE = `bench-${runId}`;
const sku = (i) => `BENCH-${String(i).padStart(5, '0')}`;

const children = [];
let amqp;
let db;
const log = (...m) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}]`, ...m);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function waitFor(what, check, timeoutMs, intervalMs = 250) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(intervalMs);
  }
}

function startProcess(name, main, env, extraArgs = []) {
  const child = spawn(process.execPath, [main, ...extraArgs], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output = (output + d).slice(-20_000)));
  child.stderr.on('data', (d) => (output = (output + d).slice(-20_000)));
  const entry = { name, child, output: () => output };
  children.push(entry);
  return entry;
}

async function stopProcess(entry) {
  const { child } = entry;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  await exited;
  clearTimeout(timer);
}

async function cleanup() {
  for (const entry of children.reverse()) await stopProcess(entry).catch(() => undefined);
  await amqp?.close().catch(() => undefined);
  await db?.end().catch(() => undefined);
  try {
    const out = execFileSync('rabbitmqctl', ['list_queues', 'name', '--formatter', 'json', '-q'], {
      encoding: 'utf8',
    });
    const queues = JSON.parse(out || '[]')
      .map((q) => q.name)
      .filter((n) => n.startsWith(`${NAMESPACE}.`));
    const c = await connect(AMQP_URL);
    const ch = await c.createChannel();
    for (const q of queues) await ch.deleteQueue(q);
    await ch.deleteExchange(`${NAMESPACE}.events`);
    await ch.deleteExchange(`${NAMESPACE}.dead-letter`);
    await c.close();
  } catch (error) {
    log(`could not remove the broker namespace ${NAMESPACE}: ${error.message}`);
  }
  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin
    .query(`DROP DATABASE IF EXISTS ${DATABASE} WITH (FORCE)`)
    .catch((e) => log(`drop database: ${e.message}`));
  await admin.end();
}

async function control(sim, method, route, body) {
  const res = await fetch(`${sim.controlUrl}${route}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function api(publisher, method, route, body) {
  const res = await fetch(`${publisher.url}${route}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

const stats = async (sim) => (await control(sim, 'GET', '/_sim/stats')).body.operations;
function delta(before, after) {
  const calls = {};
  const throttledBy = {};
  for (const [op, s] of Object.entries(after)) {
    const n = s.calls - (before[op]?.calls ?? 0);
    if (n > 0) calls[op] = n;
    const t = s.throttled - (before[op]?.throttled ?? 0);
    if (t > 0) throttledBy[op] = t;
  }
  const throttled = Object.values(throttledBy).reduce((a, b) => a + b, 0);
  return { calls, total: Object.values(calls).reduce((a, b) => a + b, 0), throttled, throttledBy };
}

async function allOnAmazon(sim, quantityOf, count = LISTINGS) {
  const res = await control(sim, 'GET', `/_sim/listings?sellerId=${SELLER}`);
  const byId = new Map(res.body.listings.map((l) => [l.sku, l.quantity]));
  let missing = 0;
  for (let i = 0; i < count; i++) if (byId.get(sku(i)) !== quantityOf(i)) missing++;
  return missing;
}

async function publishAvailability(channel, i, available, version) {
  // The contracts as built: the envelope exactly as the services write it.
  const { createEnvelope } = require(path.join(root, 'dist/libs/contracts/src/index.js'));
  const envelope = createEnvelope('availability.changed', {
    sku: sku(i),
    onHand: available,
    reserved: 0,
    available,
    version,
  });
  channel.publish(`${NAMESPACE}.events`, 'availability.changed', Buffer.from(JSON.stringify(envelope)), {
    persistent: true,
    contentType: 'application/json',
    messageId: envelope.messageId,
    type: envelope.type,
    correlationId: envelope.correlationId,
    headers: {},
  });
}

async function publishAll(quantityOf, version) {
  const channel = await amqp.createConfirmChannel();
  for (let i = 0; i < LISTINGS; i++) {
    await publishAvailability(channel, i, quantityOf(i), version);
    if (i % 1000 === 999) await channel.waitForConfirms();
  }
  await channel.waitForConfirms();
  await channel.close();
}

/** One HTTPS call to the simulator's SP-API with an access token (self-signed certificate). */
function spApi(sim, method, route, token, body) {
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const req = httpsRequest(
      `${sim.spApiUrl}${route}`,
      {
        method,
        agent: sim.agent,
        headers: {
          'content-type': 'application/json',
          ...(token ? { 'x-amz-access-token': token } : {}),
          ...(data ? { 'content-length': data.length } : {}),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (d) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode, body: text ? JSON.parse(text) : undefined }));
      },
    );
    req.on('error', reject);
    if (data) req.write(data);
    req.end();
  });
}

async function naiveRun(sim) {
  const token = (
    await spApi(sim, 'POST', '/auth/o2/token', undefined, {
      grant_type: 'refresh_token',
      refresh_token: 'Atzr|bench-naive',
      client_id: 'amzn1.application-oa2-client.bench',
      client_secret: 'bench-secret',
    })
  ).body.access_token;
  const before = await stats(sim);
  const rate = PATCH_PLAN.rate * SCALE; // per real second
  const quantityOf = (i) => 300 + (i % 13);
  const startedAt = Date.now();
  const deadline = startedAt + NAIVE_SECONDS * 1000;
  let tokens = PATCH_PLAN.burst;
  let last = startedAt;
  let sent = 0;
  const inFlight = new Set();
  const again = [];
  let throttled = 0;
  let failed = 0;
  // A naive client still retries a 429 (Amazon did nothing); the retry costs another call.
  while ((sent < LISTINGS || again.length > 0 || inFlight.size > 0) && Date.now() < deadline) {
    if (sent >= LISTINGS && again.length === 0) {
      await Promise.race(inFlight);
      continue;
    }
    const now = Date.now();
    tokens = Math.min(PATCH_PLAN.burst, tokens + ((now - last) / 1000) * rate);
    last = now;
    if (tokens < 1) {
      await sleep(Math.max(1, ((1 - tokens) / rate) * 1000));
      continue;
    }
    tokens -= 1;
    const i = again.length > 0 ? again.shift() : sent++;
    const call = spApi(
      sim,
      'PATCH',
      `/listings/2021-08-01/items/${SELLER}/${sku(i)}?marketplaceIds=${IT}`,
      token,
      {
        productType: 'HOME',
        patches: [
          {
            op: 'merge',
            path: '/attributes/fulfillment_availability',
            value: [{ fulfillment_channel_code: 'DEFAULT', quantity: quantityOf(i) }],
          },
        ],
      },
    )
      .then((r) => {
        if (r.status === 429) {
          throttled++;
          again.push(i);
        } else if (r.status !== 200) failed++;
      })
      .catch(() => failed++)
      .finally(() => inFlight.delete(call));
    inFlight.add(call);
  }
  await Promise.all(inFlight);
  const sentFor = Date.now() - startedAt;
  const applied = sent - again.length;
  const missing = await waitFor(
    'the naive PATCHes applied',
    async () => ((await allOnAmazon(sim, quantityOf, applied)) === 0 ? 1 : 0),
    60_000,
    100,
  ).then(
    () => 0,
    () => null,
  );
  const appliedAfter = Date.now() - startedAt;
  const used = delta(before, await stats(sim));
  const measuredRate = applied / (sentFor / 1000); // SKUs per real second
  return {
    sent: applied,
    sentForMs: sentFor,
    appliedAfterMs: appliedAfter,
    allApplied: missing === 0,
    throttled,
    failed,
    used,
    measuredRate,
    extrapolatedMs: (LISTINGS / measuredRate) * 1000 + (appliedAfter - sentFor),
  };
}

/** Nothing pending, in flight or open: every listing confirmed (processing report, read-back). */
async function idle(publisher) {
  await waitFor(
    'the publisher idle',
    async () => {
      const a = (await api(publisher, 'GET', '/v1/publishing/accounts')).body.accounts[0];
      return a.pending === 0 && a.inFlight === 0 && a.openAttempts === 0;
    },
    300_000,
    250,
  );
}

async function main() {
  const budget = setTimeout(() => {
    log(`over the ${BUDGET_MS / 1000} s budget: stopping`);
    cleanup().finally(() => process.exit(2));
  }, BUDGET_MS);
  if (BUILD)
    execFileSync(process.execPath, [path.join(root, 'tools/build.mjs')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });

  const admin = new pg.Client({ connectionString: PG_ADMIN });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${DATABASE}`);
  await admin.end();
  const databaseUrl = PG_ADMIN.replace(/\/[^/]*$/, `/${DATABASE}`);

  const [spPort, controlPort, httpPort] = [await freePort(), await freePort(), await freePort()];
  const simProcess = startProcess(
    'sp-api-simulator',
    path.join(root, 'dist/apps/sp-api-simulator/src/main.js'),
    {
      SPAPI_SIM_PORT: String(spPort),
      SPAPI_SIM_CONTROL_PORT: String(controlPort),
      SIM_TIME_SCALE: String(SCALE),
    },
  );
  const sim = {
    spApiUrl: `https://127.0.0.1:${spPort}`,
    controlUrl: `http://127.0.0.1:${controlPort}`,
    agent: new Agent({ rejectUnauthorized: false, keepAlive: true, maxSockets: 20 }),
  };
  await waitFor(
    'the simulator',
    async () => (await fetch(`${sim.controlUrl}/_sim/health`)).status === 200,
    30_000,
  );
  const seeded = await control(sim, 'POST', '/_sim/listings', {
    listings: Array.from({ length: LISTINGS }, (_, i) => ({
      sku: sku(i),
      productType: 'HOME',
      quantity: 0,
      marketplaceIds: [IT],
    })),
  });
  if (seeded.status !== 201) throw new Error(`seeding the simulator: ${JSON.stringify(seeded.body)}`);

  const env = {
    DATABASE_URL: databaseUrl,
    AMQP_URL,
    AMQP_NAMESPACE: NAMESPACE,
    HTTP_PORT: String(httpPort),
    HTTP_HOST: '127.0.0.1',
    HTTP_BODY_LIMIT: '4mb',
    API_KEYS: `bench:listings:read,listings:write,availability:read,availability:write:${createHash('sha256').update(API_KEY).digest('hex')}`,
    AMAZON_ACCOUNTS: JSON.stringify([
      {
        accountId: ACCOUNT,
        sellerId: SELLER,
        region: 'eu',
        marketplaceIds: [IT],
        refreshToken: { env: 'BENCH_REFRESH_TOKEN' },
        clientId: { env: 'BENCH_CLIENT_ID' },
        clientSecret: { env: 'BENCH_CLIENT_SECRET' },
      },
    ]),
    BENCH_REFRESH_TOKEN: 'Atzr|bench-publisher',
    BENCH_CLIENT_ID: 'amzn1.application-oa2-client.bench',
    BENCH_CLIENT_SECRET: 'bench-secret',
    SPAPI_ENDPOINT: sim.spApiUrl,
    SPAPI_TLS_INSECURE: 'true',
    SPAPI_TIME_SCALE: String(SCALE),
  };
  const main = path.join(root, 'dist/apps/availability-publisher/src/main.js');
  execFileSync(process.execPath, [main, 'migrate'], {
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const publisherProcess = startProcess('availability-publisher', main, env);
  const publisher = { url: `http://127.0.0.1:${httpPort}` };
  await waitFor(
    'availability-publisher',
    async () => (await fetch(`${publisher.url}/health/ready`)).status < 500,
    60_000,
  ).catch(() => {
    throw new Error(`availability-publisher did not start: ${publisherProcess.output().slice(-3000)}`);
  });
  amqp = await connect(AMQP_URL);

  // 1. Availability for every SKU, then N new listings: their first publication.
  const initialQuantity = (i) => 10 + (i % 7);
  await publishAll(initialQuantity, 1);
  db = new pg.Client({ connectionString: databaseUrl });
  db.on('error', () => undefined);
  await db.connect();
  await waitFor(
    `${LISTINGS} availabilities at the publisher`,
    async () =>
      (await db.query('SELECT count(*)::int AS n FROM availability.desired_quantities')).rows[0].n ===
      LISTINGS,
    300_000,
    500,
  );
  let before = await stats(sim);
  let startedAt = Date.now();
  const imported = await api(publisher, 'POST', '/v1/listings/import', {
    listings: Array.from({ length: LISTINGS }, (_, i) => ({
      channel: 'amazon',
      accountId: ACCOUNT,
      channelSku: sku(i),
      productType: 'HOME',
      sku: sku(i),
    })),
  });
  if (imported.status !== 200) throw new Error(`import: ${JSON.stringify(imported.body)}`);
  await waitFor(
    'the first publication on Amazon',
    async () => (await allOnAmazon(sim, initialQuantity)) === 0,
    600_000,
    500,
  );
  const initial = { ms: Date.now() - startedAt, ...delta(before, await stats(sim)) };
  await idle(publisher);
  initial.settledMs = Date.now() - startedAt;
  initial.untilSettled = delta(before, await stats(sim));
  log('initial publication', JSON.stringify(initial));

  // 2. All N SKUs change at once.
  const waveQuantity = (i) => 20 + (i % 11);
  before = await stats(sim);
  startedAt = Date.now();
  await publishAll(waveQuantity, 2);
  const publishedMs = Date.now() - startedAt;
  let consumedMs = null;
  await waitFor(
    'the wave on Amazon',
    async () => {
      if (consumedMs === null) {
        const n = (
          await db.query('SELECT count(*)::int AS n FROM availability.desired_quantities WHERE version = 2')
        ).rows[0].n;
        if (n === LISTINGS) consumedMs = Date.now() - startedAt;
      }
      return (await allOnAmazon(sim, waveQuantity)) === 0;
    },
    600_000,
    500,
  );
  const wave = { ms: Date.now() - startedAt, publishedMs, consumedMs, ...delta(before, await stats(sim)) };
  await idle(publisher);
  wave.settledMs = Date.now() - startedAt;
  wave.untilSettled = delta(before, await stats(sim));
  log('wave', JSON.stringify(wave));
  const attempts = (await api(publisher, 'GET', '/v1/publishing/attempts?limit=50')).body.attempts;
  await db.end();
  db = undefined;
  await stopProcess(publisherProcess);

  // 3. Naive: one PATCH per SKU at the plan's rate, straight to the simulator.
  const naive = await naiveRun(sim);
  log('naive', JSON.stringify(naive));
  clearTimeout(budget);

  const amazon = (ms) =>
    `${(ms / 1000).toFixed(1)} s real ≈ ${((ms * SCALE) / 60_000).toFixed(1)} min Amazon time`;
  const methods = (list) => list.reduce((acc, a) => ({ ...acc, [a.method]: (acc[a.method] ?? 0) + 1 }), {});
  const report = [
    `listings: ${LISTINGS}, SIM_TIME_SCALE=SPAPI_TIME_SCALE=${SCALE}, publisher settings: defaults`,
    `first publication of ${LISTINGS} new listings: ${amazon(initial.ms)}; ${initial.total} SP-API calls ${JSON.stringify(initial.calls)}; throttled ${initial.throttled}`,
    `${LISTINGS} SKUs changed at once: ${amazon(wave.ms)} until all applied (events published in ${(wave.publishedMs / 1000).toFixed(1)} s, consumed after ${((wave.consumedMs ?? NaN) / 1000).toFixed(1)} s, all applied ${((wave.ms - (wave.consumedMs ?? NaN)) / 1000).toFixed(1)} s after that); ${wave.total} SP-API calls ${JSON.stringify(wave.calls)}; throttled ${wave.throttled}`,
    `  until every listing was confirmed (processing reports read): ${(wave.settledMs / 1000).toFixed(1)} s, ${wave.untilSettled.total} SP-API calls ${JSON.stringify(wave.untilSettled.calls)}; throttled ${wave.untilSettled.throttled}`,
    `publisher attempts (latest 50) by method: ${JSON.stringify(methods(attempts))}`,
    `naive one PATCH per SKU at 5/s (burst 5): ${naive.sent} sent in ${(naive.sentForMs / 1000).toFixed(1)} s (bounded at ${NAIVE_SECONDS} s), all applied: ${naive.allApplied}, throttled ${naive.throttled}, failed ${naive.failed}; ${naive.used.total} calls`,
    `naive, extrapolated to ${LISTINGS}: ${LISTINGS} calls, ${amazon(naive.extrapolatedMs)}`,
  ];
  console.log(report.join('\n'));
}

let exitCode = 0;
process.on('SIGINT', () => {
  log('interrupted: cleaning up');
  cleanup().finally(() => process.exit(130));
});
try {
  await main();
} catch (error) {
  exitCode = 1;
  log(error.stack ?? String(error));
  for (const c of children) if (c.output()) log(`${c.name} output (tail):\n${c.output().slice(-3000)}`);
} finally {
  await cleanup();
}
process.exit(exitCode);
