#!/usr/bin/env node
// Dead-letter queues: list, inspect and replay.
//
//   node tools/dlq.mjs list                         consumer queues with dead letters, and counts
//   node tools/dlq.mjs show <queue> [--limit N]     the dead letters of a consumer queue (why, when, body)
//   node tools/dlq.mjs replay <queue> [messageId…]  move them (all, or the given ids) back to the queue
//
// <queue> is the consumer queue (e.g. holdfast.inventory-reservation.orders), not its .dlq.
// Uses AMQP_URL and AMQP_NAMESPACE like the services. Replay republishes with confirms
// before removing from the DLQ: a crash may duplicate (the consumer's inbox absorbs it),
// never lose.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const built = path.join(root, 'dist/libs/messaging/src/index.js');
if (!existsSync(built))
  execFileSync(process.execPath, [path.join(root, 'tools/build.mjs')], { stdio: 'inherit' });
const require = createRequire(import.meta.url);
const { DeadLetterQueue } = require(built);

const url = process.env.AMQP_URL ?? 'amqp://guest:guest@127.0.0.1:5672';
const namespace = process.env.AMQP_NAMESPACE ?? 'holdfast';
const [command, queue, ...rest] = process.argv.slice(2);

function usage(message) {
  if (message) console.error(message);
  console.error('usage: dlq.mjs list | show <queue> [--limit N] | replay <queue> [messageId ...]');
  process.exit(2);
}

async function dlqQueues() {
  // The broker's own listing: every queue named <namespace>.*.dlq.
  const out = execFileSync('rabbitmqctl', ['list_queues', 'name', 'messages', '-q', '--no-table-headers'], {
    encoding: 'utf8',
  });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter(([name]) => name && name.startsWith(`${namespace}.`) && name.endsWith('.dlq'))
    .map(([name, count]) => ({ queue: name.slice(0, -'.dlq'.length), deadLetters: Number(count) }));
}

const dlq = await DeadLetterQueue.open(url, namespace);
try {
  if (command === 'list') {
    console.table(await dlqQueues());
  } else if (command === 'show') {
    if (!queue) usage('show needs a queue');
    const limitAt = rest.indexOf('--limit');
    const limit = limitAt >= 0 ? Number(rest[limitAt + 1]) : 50;
    if (!Number.isInteger(limit) || limit < 1) usage('--limit takes a positive whole number');
    const letters = await dlq.list(queue, limit);
    for (const l of letters) {
      console.log(JSON.stringify({ ...l, body: safeJson(l.body) }, null, 2));
    }
    console.log(`${letters.length} dead letter(s) shown for ${queue}`);
  } else if (command === 'replay') {
    if (!queue) usage('replay needs a queue');
    const replayed = await dlq.replay(queue, rest.length ? rest : undefined);
    console.log(`replayed ${replayed} message(s) to ${queue}`);
  } else {
    usage(command ? `unknown command ${command}` : undefined);
  }
} finally {
  await dlq.close();
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
