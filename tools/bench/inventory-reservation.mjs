#!/usr/bin/env node
// inventory-reservation: order-line events per second from publish (order.placed on the
// broker, in the service's own namespace) to the availability.changed that carries them,
// with the service running as a process from dist/, beside two raw ceilings measured in
// the same run:
//   (a) RabbitMQ alone: the same messages published (with confirms, into a quorum queue
//       like the service's) and consumed with acks, no work;
//   (b) PostgreSQL alone: one transaction per event of the ledger's shape (inbox row,
//       order head upsert, SKU head lock and update, reservation row, history row,
//       outbox row).
// Then p50/p99 latency at half the service's measured maximum rate.
//
//   node tools/build.mjs apps/inventory-reservation
//   node tools/bench/inventory-reservation.mjs [--events 20000] [--skus 50] [--latency-seconds 15]
//       [--prefetch 250] [--pg-clients 1,4] [--timeout-seconds 300]
//
// An availability.changed is observed at a queue bound to the service's events exchange,
// so the time is publish → committed and relayed by the outbox: an upper bound on
// publish → commit. The k-th order for a SKU is done when an event shows that SKU's
// reserved count at k (one service process, one orders consumer: batches are applied in
// queue order). Everything is bounded (events, seconds) and removed afterwards: its own
// database, its own broker namespace, the service process.
import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(path.join(root, 'package.json'));
const amqp = require('amqplib');
const { Client } = require('pg');
const main = path.join(root, 'dist', 'apps', 'inventory-reservation', 'src', 'main.js');
if (!existsSync(main)) {
  console.error(
    'dist/ has no inventory-reservation: run `node tools/build.mjs apps/inventory-reservation` first',
  );
  process.exit(2);
}
const { createEnvelope, revisionOf } = require(
  path.join(root, 'dist', 'libs', 'contracts', 'src', 'index.js'),
);

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}
const EVENTS = Number(arg('events', 20_000));
const SKUS = Number(arg('skus', 50));
const LATENCY_SECONDS = Number(arg('latency-seconds', 15));
const PREFETCH = Number(arg('prefetch', 250));
const PG_CLIENTS = String(arg('pg-clients', '1,4')).split(',').map(Number);
const TIMEOUT_SECONDS = Number(arg('timeout-seconds', 300));
const AMQP_URL = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const PG_ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const suffix = `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
const namespace = `bench-inv-${suffix}`;
const database = `bench_inv_${suffix}`;
const databaseUrl = PG_ADMIN_URL.replace(/\/[^/]*$/, `/${database}`);
const eventsExchange = `${namespace}.events`;
const apiKey = randomBytes(24).toString('hex');
const log = (...a) => console.error(`[bench ${new Date().toISOString().slice(11, 23)}]`, ...a);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

let clock = Date.parse('2026-01-01T00:00:00Z');
/** One order.placed with one line: one order-line event. */
function orderEnvelope(orderId, sku) {
  clock += 1;
  const updatedAt = new Date(clock).toISOString();
  return createEnvelope('order.placed', {
    order: {
      channel: 'shopify',
      accountId: 'bench',
      orderId,
      marketplaceId: null,
      status: 'pending',
      channelStatus: 'pending',
      fulfilledBy: 'MERCHANT',
      purchasedAt: updatedAt,
      updatedAt,
      revision: revisionOf(updatedAt),
      lines: [{ lineId: 'L1', channelSku: sku, quantityOrdered: 1, quantityShipped: 0, quantityCanceled: 0 }],
    },
  });
}

/** Publishes with confirms as the services' publishers do, waiting when the channel asks for it. */
async function publishAll(channel, exchange, routingKey, envelopes, onPublish) {
  const confirms = [];
  for (const envelope of envelopes) {
    const body = Buffer.from(JSON.stringify(envelope));
    const options = {
      persistent: true,
      messageId: envelope.messageId,
      type: envelope.type,
      contentType: 'application/json',
    };
    onPublish?.(envelope);
    let ok = true;
    confirms.push(
      new Promise((resolve, reject) => {
        ok = channel.publish(exchange, routingKey ?? envelope.type, body, options, (err) =>
          err ? reject(err) : resolve(),
        );
      }),
    );
    if (!ok) await new Promise((r) => channel.once('drain', r));
    else if (confirms.length % 200 === 0) await new Promise((r) => setImmediate(r));
  }
  await Promise.all(confirms);
}

// ---------------------------------------------------------------------------------------
const cleanups = [];
let service;

async function cleanup() {
  while (cleanups.length > 0) {
    const step = cleanups.pop();
    await step().catch((e) => log(`cleanup: ${e.message}`));
  }
}

async function deleteNamespace() {
  const { stdout } = await promisify(execFile)('rabbitmqctl', [
    'list_queues',
    'name',
    '--formatter',
    'json',
    '-q',
  ]);
  const queues = JSON.parse(stdout || '[]')
    .map((q) => q.name)
    .filter((n) => n.startsWith(`${namespace}.`));
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const q of queues) await channel.deleteQueue(q);
    await channel.deleteExchange(eventsExchange);
    await channel.deleteExchange(`${namespace}.dead-letter`);
  } finally {
    await connection.close();
  }
}

async function createDatabase() {
  const admin = new Client({ connectionString: PG_ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  await admin.end();
  cleanups.push(async () => {
    const a = new Client({ connectionString: PG_ADMIN_URL });
    await a.connect();
    await a.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await a.end();
  });
}

function serviceEnv(port) {
  return {
    ...process.env,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    DATABASE_POOL_SIZE: '4',
    AMQP_URL,
    AMQP_NAMESPACE: namespace,
    AMQP_PREFETCH: String(PREFETCH),
    OUTBOX_POLL_MS: '50',
    HTTP_HOST: '127.0.0.1',
    HTTP_PORT: String(port),
    API_KEYS: `bench:stock:read,stock:write:${createHash('sha256').update(apiKey).digest('hex')}`,
  };
}

async function startService(port) {
  const env = serviceEnv(port);
  await promisify(execFile)(process.execPath, [main, 'migrate'], { env });
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  child.stderr.on('data', (d) => (output = (output + d.toString()).slice(-4000)));
  cleanups.push(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000).then(() => child.kill('SIGKILL'))]);
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}: ${output}`);
    const res = await fetch(`http://127.0.0.1:${port}/health/ready`).catch(() => null);
    if (res?.status === 200) break;
    if (Date.now() > deadline) throw new Error(`service not ready: ${output}`);
    await sleep(100);
  }
  return { child, port, output: () => output };
}

// --- (b) raw PostgreSQL: one transaction of the ledger's shape per event ---------------
async function postgresCeiling(clients, events) {
  const pool = await Promise.all(
    Array.from({ length: clients }, async () => {
      const c = new Client({ connectionString: databaseUrl });
      await c.connect();
      return c;
    }),
  );
  const setup = pool[0];
  const skus = Array.from({ length: SKUS }, (_, i) => `RAW${clients}-${i}`);
  await setup.query(
    `INSERT INTO inventory.stock (sku, on_hand, shared_on_hand) SELECT s, 1000000, 1000000 FROM unnest($1::text[]) s`,
    [skus],
  );
  let next = 0;
  const start = now();
  const worker = async (c) => {
    for (;;) {
      const i = next++;
      if (i >= events) return;
      const envelope = orderEnvelope(`RAW${clients}-O${i}`, skus[i % SKUS]);
      const o = envelope.payload.order;
      const sku = o.lines[0].channelSku;
      await c.query('BEGIN');
      await c.query(
        `INSERT INTO inventory.inbox (consumer, message_id) VALUES ('bench.raw', $1) ON CONFLICT DO NOTHING`,
        [envelope.messageId],
      );
      await c.query(
        `INSERT INTO inventory.order_revisions (channel, account_id, order_id, revision, status, fulfilled_by)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (channel, account_id, order_id) DO UPDATE
           SET revision = EXCLUDED.revision WHERE inventory.order_revisions.revision < EXCLUDED.revision`,
        [o.channel, o.accountId, o.orderId, o.revision, o.status, o.fulfilledBy],
      );
      await c.query(`SELECT sku, on_hand, reserved, version FROM inventory.stock WHERE sku = $1 FOR UPDATE`, [
        sku,
      ]);
      await c.query(
        `INSERT INTO inventory.reservations (channel, account_id, order_id, line_id, sku, channel_sku, ordered, quantity, state, revision)
         VALUES ($1, $2, $3, 'L1', $4, $4, 1, 1, 'pending', $5)`,
        [o.channel, o.accountId, o.orderId, sku, o.revision],
      );
      await c.query(
        `INSERT INTO inventory.reservation_history (channel, account_id, order_id, line_id, sku, from_state, to_state,
            from_quantity, to_quantity, fulfilled, revision, cause_type, cause_message_id)
         VALUES ($1, $2, $3, 'L1', $4, NULL, 'pending', 0, 1, 0, $5, 'order.placed', $6)`,
        [o.channel, o.accountId, o.orderId, sku, o.revision, envelope.messageId],
      );
      const [head] = (
        await c.query(
          `UPDATE inventory.stock SET reserved = reserved + 1, version = version + 1, updated_at = now()
            WHERE sku = $1 RETURNING on_hand, reserved, version`,
          [sku],
        )
      ).rows;
      const out = createEnvelope('availability.changed', {
        sku,
        onHand: head.on_hand,
        reserved: head.reserved,
        available: head.on_hand - head.reserved,
        version: head.version,
      });
      await c.query(
        `INSERT INTO inventory.outbox (message_id, routing_key, envelope, headers) VALUES ($1, $2, $3, '{}')`,
        [out.messageId, out.type, JSON.stringify(out)],
      );
      await c.query('COMMIT');
    }
  };
  await Promise.all(pool.map(worker));
  const seconds = (now() - start) / 1000;
  // Leave the service's tables as the service would find them: these rows are not its own.
  await setup.query(`DELETE FROM inventory.outbox`);
  await Promise.all(pool.map((c) => c.end()));
  return { clients, events, seconds, perSecond: events / seconds };
}

// --- (a) raw RabbitMQ: publish → consume the same messages, no work -------------------
async function rabbitCeiling(envelopes) {
  const connection = await amqp.connect(AMQP_URL);
  try {
    const channel = await connection.createConfirmChannel();
    const queue = `${namespace}.bench.raw`;
    await channel.assertQueue(queue, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    const consumerChannel = await connection.createChannel();
    await consumerChannel.prefetch(PREFETCH);
    let received = 0;
    let done;
    const finished = new Promise((r) => (done = r));
    await consumerChannel.consume(queue, (m) => {
      JSON.parse(m.content.toString('utf8')); // what any consumer does at least
      consumerChannel.ack(m);
      if (++received === envelopes.length) done(now());
    });
    const start = now();
    await publishAll(channel, '', queue, envelopes);
    const end = await finished;
    await channel.close();
    await consumerChannel.close();
    return {
      events: envelopes.length,
      seconds: (end - start) / 1000,
      perSecond: envelopes.length / ((end - start) / 1000),
    };
  } finally {
    await connection.close();
  }
}

// --- the service ------------------------------------------------------------------------
/** Watches availability.changed: per SKU, when each reserved count was first seen. */
async function observe() {
  const connection = await amqp.connect(AMQP_URL);
  const channel = await connection.createChannel();
  await channel.assertExchange(eventsExchange, 'topic', { durable: true });
  const queue = `${namespace}.bench.observer`;
  await channel.assertQueue(queue, { durable: false, autoDelete: true });
  await channel.bindQueue(queue, eventsExchange, 'availability.changed');
  await channel.bindQueue(queue, eventsExchange, 'stock.oversold');
  const waiters = new Map(); // sku → [{ reserved, resolve }]
  const seen = new Map(); // sku → highest reserved seen
  const oversold = [];
  await channel.consume(
    queue,
    (m) => {
      const t = now();
      const envelope = JSON.parse(m.content.toString('utf8'));
      if (envelope.type === 'stock.oversold') return void oversold.push(envelope.payload);
      const { sku, reserved } = envelope.payload;
      if (reserved <= (seen.get(sku) ?? -1)) return;
      seen.set(sku, reserved);
      const list = waiters.get(sku);
      if (!list) return;
      while (list.length > 0 && list[0].reserved <= reserved) list.shift().resolve(t);
    },
    { noAck: true },
  );
  cleanups.push(() => connection.close());
  return {
    oversold,
    seen,
    /** Resolves with the time the SKU's reserved count first reached `reserved`. */
    when(sku, reserved) {
      if ((seen.get(sku) ?? -1) >= reserved) return Promise.resolve(now());
      return new Promise((resolve) => {
        const list = waiters.get(sku) ?? [];
        list.push({ reserved, resolve });
        list.sort((a, b) => a.reserved - b.reserved);
        waiters.set(sku, list);
      });
    },
  };
}

/** Publishes `count` orders (paced at `rate` per second, or at once) and measures each one's latency. */
async function serviceRun({ channel, observer, reservedSoFar, label, count, rate }) {
  const skus = Array.from({ length: SKUS }, (_, i) => `SKU-${i}`);
  const orders = Array.from({ length: count }, (_, i) => {
    const sku = skus[i % SKUS];
    reservedSoFar.set(sku, (reservedSoFar.get(sku) ?? 0) + 1);
    return { envelope: orderEnvelope(`${label}-${i}`, sku), sku, target: reservedSoFar.get(sku) };
  });
  const latencies = new Array(count);
  const completions = [];
  const index = new Map(orders.map((o, i) => [o.envelope.messageId, i]));
  // Each message's clock starts when it is handed to the broker client.
  const onPublish = (envelope) => {
    const i = index.get(envelope.messageId);
    const t0 = now();
    completions.push(
      observer.when(orders[i].sku, orders[i].target).then((t) => {
        latencies[i] = t - t0;
        return t;
      }),
    );
  };
  const start = now();
  if (!rate) {
    await publishAll(
      channel,
      eventsExchange,
      undefined,
      orders.map((o) => o.envelope),
      onPublish,
    );
  } else {
    // Paced in 10 ms ticks; a tick that runs late publishes what it owes.
    const pending = [];
    for (let i = 0; i < count;) {
      const due = Math.min(count, Math.floor(((now() - start) / 1000) * rate) + 1);
      if (due > i)
        pending.push(
          publishAll(
            channel,
            eventsExchange,
            undefined,
            orders.slice(i, due).map((o) => o.envelope),
            onPublish,
          ),
        );
      i = Math.max(i, due);
      await sleep(10);
    }
    await Promise.all(pending);
  }
  const publishedAt = now();
  const end = (await Promise.all(completions)).reduce((a, b) => Math.max(a, b), 0);
  const sorted = latencies.slice().sort((a, b) => a - b);
  return {
    label,
    events: count,
    publishSeconds: (publishedAt - start) / 1000,
    seconds: (end - start) / 1000,
    perSecond: count / ((end - start) / 1000),
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1],
  };
}

async function run() {
  log(
    `namespace ${namespace}, database ${database}; ${EVENTS} events over ${SKUS} SKUs, prefetch ${PREFETCH}`,
  );
  cleanups.push(deleteNamespace);
  await createDatabase();
  const port = await freePort();
  await promisify(execFile)(process.execPath, [main, 'migrate'], { env: serviceEnv(port) });

  const results = {
    machine: {
      cpus: os.cpus().length,
      model: os.cpus()[0]?.model,
      memoryGiB: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      load: os.loadavg(),
    },
  };
  log('raw RabbitMQ ceiling…');
  results.rabbit = await rabbitCeiling(
    Array.from({ length: EVENTS }, (_, i) => orderEnvelope(`MQ-${i}`, `SKU-${i % SKUS}`)),
  );
  log(`  ${results.rabbit.perSecond.toFixed(0)}/s`);
  results.postgres = [];
  for (const clients of PG_CLIENTS) {
    log(`raw PostgreSQL ceiling, ${clients} connection(s)…`);
    const r = await postgresCeiling(clients, Math.min(EVENTS, 10_000));
    results.postgres.push(r);
    log(`  ${r.perSecond.toFixed(0)}/s`);
  }

  log('starting the service from dist/…');
  service = await startService(port);
  const observer = await observe();
  const skus = Array.from({ length: SKUS }, (_, i) => `SKU-${i}`);
  for (const sku of skus) {
    const res = await fetch(`http://127.0.0.1:${port}/v1/stock/${sku}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ onHand: 1_000_000, asOf: 1 }),
    });
    if (res.status !== 200) throw new Error(`seeding ${sku}: ${res.status} ${await res.text()}`);
  }
  for (const sku of skus) await observer.when(sku, 0);

  const connection = await amqp.connect(AMQP_URL);
  cleanups.push(() => connection.close());
  const channel = await connection.createConfirmChannel();
  const reservedSoFar = new Map();
  // A short warm-up (JIT, pools, plans), not counted.
  await serviceRun({ channel, observer, reservedSoFar, label: 'warm', count: Math.min(2_000, EVENTS) });
  log('service at full speed…');
  results.service = await serviceRun({ channel, observer, reservedSoFar, label: 'max', count: EVENTS });
  log(`  ${results.service.perSecond.toFixed(0)}/s`);
  const halfRate = results.service.perSecond / 2;
  log(`service at half that rate (${halfRate.toFixed(0)}/s) for ${LATENCY_SECONDS} s…`);
  results.half = await serviceRun({
    channel,
    observer,
    reservedSoFar,
    label: 'half',
    count: Math.round(halfRate * LATENCY_SECONDS),
    rate: halfRate,
  });
  results.half.rate = halfRate;

  // The ledger agrees: every order reserved exactly once, nothing oversold.
  const db = new Client({ connectionString: databaseUrl });
  await db.connect();
  const { rows } = await db.query(
    `SELECT sum(reserved)::int AS reserved, (SELECT count(*)::int FROM inventory.reservations WHERE sku LIKE 'SKU-%') AS rows
       FROM inventory.stock WHERE sku LIKE 'SKU-%'`,
  );
  const batches = await db.query(
    `SELECT count(*)::int AS messages, count(DISTINCT xmin::text)::int AS transactions FROM inventory.inbox WHERE consumer <> 'bench.raw'`,
  );
  await db.end();
  const expected = [...reservedSoFar.values()].reduce((a, b) => a + b, 0);
  if (rows[0].reserved !== expected || rows[0].rows !== expected) {
    throw new Error(
      `ledger disagrees: reserved ${rows[0].reserved}, rows ${rows[0].rows}, expected ${expected}`,
    );
  }
  results.ledger = { reserved: expected, ...batches.rows[0], oversoldEvents: observer.oversold.length };
  results.machine.loadAfter = os.loadavg();

  const pgBest = Math.max(...results.postgres.map((p) => p.perSecond));
  const f = (n) => Math.round(n).toLocaleString('en-US');
  const ms = (n) => `${n.toFixed(0)} ms`;
  console.log(
    [
      `| measurement | events | events/s | p50 | p99 |`,
      `| --- | ---: | ---: | ---: | ---: |`,
      `| RabbitMQ alone: publish → consume, no work (quorum queue, confirms, prefetch ${PREFETCH}) | ${f(results.rabbit.events)} | ${f(results.rabbit.perSecond)} | | |`,
      ...results.postgres.map(
        (p) =>
          `| PostgreSQL alone: one ledger-shaped transaction per event, ${p.clients} connection(s) | ${f(p.events)} | ${f(p.perSecond)} | | |`,
      ),
      `| inventory-reservation, publish → availability.changed, as fast as it goes | ${f(results.service.events)} | ${f(results.service.perSecond)} | ${ms(results.service.p50)} | ${ms(results.service.p99)} |`,
      `| inventory-reservation at half that rate (${f(results.half.rate)}/s for ${LATENCY_SECONDS} s) | ${f(results.half.events)} | ${f(results.half.perSecond)} | ${ms(results.half.p50)} | ${ms(results.half.p99)} |`,
      '',
      `Transactions: ${f(results.ledger.transactions)} for ${f(results.ledger.messages)} order messages (the service's, warm-up included): batches of ${(results.ledger.messages / results.ledger.transactions).toFixed(1)} on average.`,
      `Target throughput ≥ raw PostgreSQL per-event ceiling (${f(pgBest)}/s): ${results.service.perSecond >= pgBest ? 'met' : 'NOT met'} (${f(results.service.perSecond)}/s).`,
      `Target p99 ≤ 250 ms at half rate: ${results.half.p99 <= 250 ? 'met' : 'NOT met'} (${ms(results.half.p99)}).`,
      `Machine: ${results.machine.cpus} cores, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}; load average before ${results.machine.load.map((l) => l.toFixed(1)).join(' ')}, after ${results.machine.loadAfter.map((l) => l.toFixed(1)).join(' ')}.`,
    ].join('\n'),
  );
  console.log(`\n${JSON.stringify(results)}`);
}

const timer = setTimeout(() => {
  log(`timed out after ${TIMEOUT_SECONDS} s; cleaning up`);
  cleanup().finally(() => process.exit(1));
}, TIMEOUT_SECONDS * 1000);
process.once('SIGINT', () => cleanup().finally(() => process.exit(130)));
run()
  .then(async () => {
    await cleanup();
    clearTimeout(timer);
  })
  .catch(async (error) => {
    log(`failed: ${error.stack ?? error.message}`);
    if (service) log(`service output: ${service.output()}`);
    await cleanup();
    clearTimeout(timer);
    process.exitCode = 1;
  });
