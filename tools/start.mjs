#!/usr/bin/env node
// The README's start command: makes sure RabbitMQ and PostgreSQL run, builds, migrates
// every service's schema, then starts the SP-API simulator (the default "Amazon") and the
// four services as processes. Ctrl-C stops them all cleanly (SIGTERM, then wait).
//
// Environment: DATABASE_URL, AMQP_URL, AMQP_NAMESPACE as the services read them;
// API_KEYS, or a development key is configured and printed. SPAPI_ENDPOINT (default the
// simulator) points the Amazon adapters elsewhere.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEV_API_KEY, SERVICES as services, startEnvironment } from './start-plan.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const node = process.execPath;
const env = startEnvironment(process.env);

const step = (text) => console.log(`\n▸ ${text}`);
if (!existsSync(path.join(root, 'node_modules'))) {
  step('installing dependencies (npm ci)');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
}
step('checking RabbitMQ and PostgreSQL');
execFileSync(node, [path.join(root, 'tools/ensure-infra.mjs')], { stdio: 'inherit' });
step('building');
execFileSync(node, [path.join(root, 'tools/build.mjs')], { stdio: 'inherit' });

const present = services.filter((s) => existsSync(path.join(root, `dist/apps/${s.app}/src/main.js`)));
step('migrating schemas');
for (const s of present.filter((s) => s.migrate !== false)) {
  execFileSync(node, [`dist/apps/${s.app}/src/main.js`, 'migrate'], { cwd: root, env, stdio: 'inherit' });
}

step('starting services');
const children = new Map();
for (const s of present) {
  const child = spawn(node, [`dist/apps/${s.app}/src/main.js`], {
    cwd: root,
    env: { ...env, HTTP_PORT: String(s.port), ...(s.env ?? {}) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const prefix = `[${s.app}]`.padEnd(26);
  const relay = (stream) => (chunk) => {
    for (const line of chunk.toString().split('\n').filter(Boolean)) stream.write(`${prefix} ${line}\n`);
  };
  child.stdout.on('data', relay(process.stdout));
  child.stderr.on('data', relay(process.stderr));
  child.on('exit', (code, signal) => {
    children.delete(s.app);
    if (!stopping) (console.error(`${prefix} exited (${signal ?? code}); stopping everything`), stop(1));
  });
  children.set(s.app, child);
}

async function ready(s) {
  for (let i = 0; i < 120; i++) {
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
async function stop(code = 0) {
  if (stopping) return;
  stopping = true;
  console.log('\n▸ stopping');
  const exits = [...children.values()].map((c) => new Promise((r) => c.once('exit', r)));
  for (const c of children.values()) c.kill('SIGTERM');
  await Promise.race([Promise.all(exits), new Promise((r) => setTimeout(r, 15_000))]);
  for (const c of children.values()) c.kill('SIGKILL');
  process.exit(code);
}
process.on('SIGINT', () => void stop(0));
process.on('SIGTERM', () => void stop(0));

const results = await Promise.all(present.map(ready));
if (results.some((ok) => !ok)) {
  console.error('some services did not become ready; see their output above');
  await stop(1);
}
console.log('\nHoldfast is running. Ctrl-C stops it.\n');
for (const s of present) {
  const docs =
    s.app === 'sp-api-simulator'
      ? `http://127.0.0.1:${s.port}/_sim/openapi.json`
      : `http://127.0.0.1:${s.port}/docs`;
  console.log(`  ${s.app.padEnd(24)} http://127.0.0.1:${s.port}   API docs: ${docs}`);
}
if (!process.env.API_KEYS)
  console.log(`\n  development API key: ${DEV_API_KEY}   (header: Authorization: Bearer ${DEV_API_KEY})`);
