#!/usr/bin/env node
// The README's start command: makes sure RabbitMQ and PostgreSQL run, builds, migrates
// every service's schema, starts the SP-API simulator (the default "Amazon") and the four
// services as processes, then plays the demo scenario against them and draws a live summary
// (tools/demo). Ctrl-C stops everything cleanly (SIGTERM to each process, then wait).
//
//   npm start                 the demo: a fresh `holdfast_demo` database and `holdfast-demo`
//                             broker namespace, the scenario, the live summary
//   npm start -- --no-demo    only the processes
//
// Environment: DATABASE_URL, AMQP_URL, AMQP_NAMESPACE as the services read them (given either,
// nothing is reset and the demo plays on that data); API_KEYS, or a development key (HOLDFAST_DEV_API_KEY) is
// configured and printed; SPAPI_ENDPOINT points the Amazon adapters at real Amazon instead of
// the simulator (then there is no scenario); HOLDFAST_PORTS=3001,3002,3003,3004 and
// SPAPI_SIM_PORT / SPAPI_SIM_CONTROL_PORT move the listeners; HOLDFAST_SKIP_BUILD=true uses
// the existing dist/.
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO, DEV_API_KEY, startPlan } from './start-plan.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const node = process.execPath;
const { services, env, demo, freshDemo } = startPlan(process.env, process.argv.slice(2));
const { database: DEMO_DATABASE, namespace: DEMO_NAMESPACE, account: DEMO_ACCOUNT, marketplace: DEMO_MARKETPLACE } = DEMO;

const step = (text) => console.log(`\n▸ ${text}`);
if (!existsSync(path.join(root, 'node_modules'))) {
  step('installing dependencies (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
step('checking RabbitMQ and PostgreSQL');
execFileSync(node, [path.join(root, 'tools/ensure-infra.mjs')], { stdio: 'inherit' });
if (process.env.HOLDFAST_SKIP_BUILD !== 'true') {
  step('building');
  execFileSync(node, [path.join(root, 'tools/build.mjs')], { stdio: 'inherit' });
}

if (freshDemo) {
  step(`a fresh database ${DEMO_DATABASE} and broker namespace ${DEMO_NAMESPACE} for the demo`);
  await resetDemoDatabase();
  await deleteDemoQueues();
}

const present = services.filter((s) => existsSync(path.join(root, `dist/apps/${s.app}/src/main.js`)));
step('migrating schemas');
for (const s of present.filter((s) => s.migrate !== false)) {
  execFileSync(node, [`dist/apps/${s.app}/src/main.js`, 'migrate'], { cwd: root, env, stdio: 'inherit' });
}

// On a terminal the demo redraws the screen, so the services' output goes to log files and
// its last lines are shown under the summary; otherwise it is printed with a prefix.
const drawing = demo && process.stdout.isTTY === true;
const logDir = path.join(root, 'tmp', 'logs');
const recentLines = [];
if (drawing) mkdirSync(logDir, { recursive: true });

step('starting services');
const children = new Map();
for (const s of present) {
  const child = spawn(node, [`dist/apps/${s.app}/src/main.js`], {
    cwd: root,
    env: { ...env, HTTP_PORT: String(s.port), ...(s.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${s.app}]`.padEnd(26);
  if (drawing) {
    const file = createWriteStream(path.join(logDir, `${s.app}.log`), { flags: 'a' });
    const keep = (chunk) => {
      file.write(chunk);
      for (const line of chunk.toString().split('\n').filter(Boolean)) {
        recentLines.push(`${prefix} ${line}`);
        if (recentLines.length > 4) recentLines.shift();
      }
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
  } else {
    const relay = (stream) => (chunk) => {
      for (const line of chunk.toString().split('\n').filter(Boolean)) stream.write(`${prefix} ${line}\n`);
    };
    child.stdout.on('data', relay(process.stdout));
    child.stderr.on('data', relay(process.stderr));
  }
  child.on('exit', (code, signal) => {
    children.delete(s.app);
    if (!stopping) {
      console.error(`${prefix} exited (${signal ?? code}); stopping everything`);
      for (const line of recentLines) console.error(line);
      void stop(1);
    }
  });
  children.set(s.app, child);
}

async function ready(s) {
  for (let i = 0; i < 120 && !stopping; i++) {
    const ok = await fetch(`http://127.0.0.1:${s.port}${s.health ?? '/health/ready'}`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return true;
    await new Promise((r) => setTimeout(r, 500));
  }
  return false;
}

let stopping = false;
const stopDemo = new AbortController();
let demoFinished = Promise.resolve();
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  stopDemo.abort();
  await demoFinished;
  console.log('\n▸ stopping');
  const exits = [...children.values()].map((c) => new Promise((r) => c.once('exit', r)));
  for (const c of children.values()) c.kill('SIGTERM');
  await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 15_000))]);
  for (const c of children.values()) c.kill('SIGKILL');
  console.log('▸ stopped');
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const results = await Promise.all(present.map(ready));
if (stopping) await new Promise(() => {});
if (results.some((ok) => !ok)) {
  console.error('some services did not become ready; see their output above');
  await stop(1);
}
const urls = present.map((s) => {
  const docs =
    s.app === 'sp-api-simulator'
      ? `http://127.0.0.1:${s.port}/_sim/openapi.json`
      : `http://127.0.0.1:${s.port}/docs`;
  return `  ${s.app.padEnd(24)} http://127.0.0.1:${s.port}   API docs: ${docs}`;
});
const keyLine = process.env.API_KEYS
  ? []
  : [`  development API key: ${DEV_API_KEY}   (header: Authorization: Bearer ${DEV_API_KEY})`];

if (!demo) {
  console.log('\nHoldfast is running. Ctrl-C stops it.\n');
  for (const line of [...urls, '', ...keyLine]) console.log(line);
} else {
  const byApp = Object.fromEntries(present.map((s) => [s.app, `http://127.0.0.1:${s.port}`]));
  console.log('\nHoldfast is running; the demo scenario starts. Ctrl-C stops everything.\n');
  // The demo module is built with the apps (tools/build.mjs).
  const { runLiveDemo } = require(path.join(root, 'dist/tools/demo/live-demo.js'));
  if (drawing) process.stdout.write('\x1b[2J');
  demoFinished = runLiveDemo(
    {
      simulator: byApp['sp-api-simulator'],
      orderIngest: byApp['order-ingest'],
      inventory: byApp['inventory-reservation'],
      publisher: byApp['availability-publisher'],
      notifier: byApp['shipment-notifier'],
      apiKey: DEV_API_KEY,
      accountId: DEMO_ACCOUNT,
      marketplaceId: DEMO_MARKETPLACE,
    },
    {
      out: process.stdout,
      signal: stopDemo.signal,
      paceMs: Number(process.env.HOLDFAST_DEMO_PACE_MS ?? 2500),
      recentLogLines: () => [...recentLines],
      footer: [
        '',
        ...urls,
        ...keyLine,
        ...(drawing ? [`  service logs: ${path.relative(process.cwd(), logDir) || '.'}/<service>.log`] : []),
      ],
    },
  ).then(
    () => undefined,
    (error) => console.error(`the demo stopped: ${error?.stack ?? error}`),
  );
}

/** Drops and recreates the demo's own database, so every demo starts from nothing. */
async function resetDemoDatabase() {
  const { Client } = require('pg');
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${DEMO_DATABASE} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DEMO_DATABASE}`);
  } finally {
    await admin.end();
  }
}

/**
 * Events left in the demo namespace's queues by an earlier demo that was killed would name
 * orders the fresh database never saw: delete those queues (they are declared again at start).
 * Needs rabbitmqctl to list them; without it, a note.
 */
async function deleteDemoQueues() {
  const namespace = DEMO_NAMESPACE;
  let names;
  try {
    const listed = execFileSync('rabbitmqctl', ['list_queues', 'name', '--formatter', 'json', '-q'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    names = JSON.parse(listed || '[]')
      .map((q) => q.name)
      .filter((n) => n.startsWith(`${namespace}.`));
  } catch {
    console.log('  (rabbitmqctl is not available: queues of an earlier demo, if any, are kept)');
    return;
  }
  if (names.length === 0) return;
  const amqp = require('amqplib');
  const connection = await amqp.connect(env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672');
  try {
    const channel = await connection.createChannel();
    for (const name of names) await channel.deleteQueue(name);
  } finally {
    await connection.close();
  }
}
