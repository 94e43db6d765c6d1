#!/usr/bin/env node
// Makes sure RabbitMQ and PostgreSQL are reachable at the configured URLs (AMQP_URL,
// DATABASE_URL, or the local defaults). If one is local and down, starts the local server;
// otherwise, when Docker is available, `docker compose up -d` for it; otherwise says
// exactly what to install. Used by the start and test commands.
import { execSync, spawnSync } from 'node:child_process';
import { readdirSync, existsSync } from 'node:fs';
import net from 'node:net';

const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';

function endpoint(url, defaultPort) {
  const u = new URL(url);
  return { host: u.hostname || '127.0.0.1', port: Number(u.port || defaultPort) };
}

function reachable({ host, port }, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

const isLocal = ({ host }) => ['127.0.0.1', 'localhost', '::1'].includes(host);
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
const dockerUsable = () => has('docker') && spawnSync('docker', ['info'], { stdio: 'ignore' }).status === 0;

async function waitUntil(target, seconds) {
  for (let i = 0; i < seconds * 4; i++) {
    if (await reachable(target)) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const services = [
  {
    name: 'PostgreSQL',
    target: endpoint(process.env.DATABASE_URL ?? DEFAULT_DATABASE_URL, 5432),
    composeService: 'postgres',
    startLocal: () => {
      if (!has('pg_ctlcluster') || !existsSync('/etc/postgresql')) return false;
      const version = readdirSync('/etc/postgresql')[0];
      execSync(`pg_ctlcluster --skip-systemctl-redirect ${version} main start`, { stdio: 'inherit' });
      return true;
    },
    install: 'install PostgreSQL 15+ (Debian: apt-get install postgresql) or Docker, or set DATABASE_URL',
  },
  {
    name: 'RabbitMQ',
    target: endpoint(process.env.AMQP_URL ?? DEFAULT_AMQP_URL, 5672),
    composeService: 'rabbitmq',
    startLocal: () => {
      if (!has('rabbitmq-server')) return false;
      execSync('rabbitmq-server -detached', { stdio: 'inherit' });
      return true;
    },
    install: 'install RabbitMQ 3.10+ (Debian: apt-get install rabbitmq-server) or Docker, or set AMQP_URL',
  },
];

let failed = false;
for (const service of services) {
  const where = `${service.target.host}:${service.target.port}`;
  if (await reachable(service.target)) continue;
  console.log(`${service.name} is not reachable at ${where}; starting it`);
  let started = false;
  if (isLocal(service.target)) {
    try {
      started = service.startLocal();
    } catch (error) {
      console.error(`could not start the local ${service.name}: ${error.message}`);
    }
    if (!started && dockerUsable()) {
      execSync(`docker compose up -d ${service.composeService}`, { stdio: 'inherit' });
      started = true;
    }
  }
  if (started && (await waitUntil(service.target, service.name === 'RabbitMQ' ? 60 : 30))) {
    console.log(`${service.name} is up at ${where}`);
    continue;
  }
  failed = true;
  console.error(
    isLocal(service.target)
      ? `${service.name} is down at ${where} and could not be started: ${service.install}.`
      : `${service.name} at ${where} is not reachable; it is remote, so start it there or fix the URL.`,
  );
}
process.exit(failed ? 1 : 0);
