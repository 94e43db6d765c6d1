import {
  deleteNamespace,
  freePort,
  REPO_ROOT,
  ServiceProcess,
  TEST_AMQP_URL,
  TEST_API_KEY,
  TestDatabase,
  uniqueNamespace,
  waitFor,
} from '@holdfast/testing';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CHAOS_ACCOUNT = 'chaos-seller';
export const CHAOS_SELLER_ID = 'A2SIMSELLER0001';
export const CHAOS_MARKETPLACE = 'APJ6JRA9NG5V4';
/** Amazon time runs this many times faster in the simulator and in the services. */
export const TIME_SCALE = 60;

export const SERVICES = [
  'order-ingest',
  'inventory-reservation',
  'availability-publisher',
  'shipment-notifier',
] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface JsonAnswer<T> {
  status: number;
  body: T;
}

/** The SP-API simulator as a process from its build, on free ports. */
class SimulatorProcess {
  private child?: ChildProcess;
  output = '';

  constructor(
    readonly spApiPort: number,
    readonly controlPort: number,
    readonly caFile: string,
  ) {}

  get controlUrl(): string {
    return `http://127.0.0.1:${this.controlPort}`;
  }

  async start(seed: number): Promise<void> {
    const main = path.join(REPO_ROOT, 'dist', 'apps', 'sp-api-simulator', 'src', 'main.js');
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        SPAPI_SIM_PORT: String(this.spApiPort),
        SPAPI_SIM_CONTROL_PORT: String(this.controlPort),
        SPAPI_SIM_CA_OUT: this.caFile,
        SIM_TIME_SCALE: String(TIME_SCALE),
        SIM_SEED: String(seed),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    await waitFor(
      'the SP-API simulator',
      async () => {
        if (child.exitCode !== null) throw new Error(`simulator exited: ${this.output.slice(-2000)}`);
        const res = await fetch(`${this.controlUrl}/_sim/health`).catch(() => null);
        return res?.status === 200 && existsSync(this.caFile);
      },
      { timeoutMs: 30_000, intervalMs: 100 },
    );
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/**
 * The whole system as processes: the SP-API simulator as Amazon, and the four services on
 * a database and broker namespace of their own, configured for one Amazon account.
 */
export class ChaosSystem {
  readonly services = new Map<ServiceName, ServiceProcess>();

  private constructor(
    readonly db: TestDatabase,
    readonly namespace: string,
    readonly simulator: SimulatorProcess,
    private readonly directory: string,
  ) {}

  static async start(seed: number): Promise<ChaosSystem> {
    const directory = mkdtempSync(path.join(tmpdir(), 'hf-chaos-'));
    const simulator = new SimulatorProcess(
      await freePort(),
      await freePort(),
      path.join(directory, 'sp-api-simulator-ca.pem'),
    );
    const system = new ChaosSystem(
      await TestDatabase.create(`chaos_${seed}`),
      uniqueNamespace('chaos'),
      simulator,
      directory,
    );
    try {
      await simulator.start(seed);
      const env: Record<string, string> = {
        DATABASE_URL: system.db.url,
        AMQP_URL: TEST_AMQP_URL,
        AMQP_NAMESPACE: system.namespace,
        OUTBOX_POLL_MS: '50',
        AMAZON_ACCOUNTS: JSON.stringify([
          {
            accountId: CHAOS_ACCOUNT,
            sellerId: CHAOS_SELLER_ID,
            region: 'eu',
            marketplaceIds: [CHAOS_MARKETPLACE],
            refreshToken: { env: 'CHAOS_REFRESH_TOKEN' },
            clientId: { env: 'CHAOS_LWA_CLIENT_ID' },
            clientSecret: { env: 'CHAOS_LWA_CLIENT_SECRET' },
          },
        ]),
        CHAOS_REFRESH_TOKEN: 'Atzr|holdfast-chaos',
        CHAOS_LWA_CLIENT_ID: 'amzn1.application-oa2-client.chaos',
        CHAOS_LWA_CLIENT_SECRET: 'chaos-secret',
        SPAPI_ENDPOINT: `https://127.0.0.1:${simulator.spApiPort}`,
        SPAPI_CA_FILE: simulator.caFile,
        SPAPI_TIME_SCALE: String(TIME_SCALE),
        PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ORDER_INGEST_TICK_MS: '100',
        // Short leases, so a replica killed while holding one is replaced within seconds.
        ORDER_INGEST_LEASE_TTL_MS: '3000',
        PUBLISH_LEASE_TTL_MS: '3000',
        ORDER_INGEST_FIRST_POLL_LOOKBACK_MINUTES: '5',
      };
      for (const app of SERVICES) {
        const service = new ServiceProcess({ app, httpPort: await freePort(), env });
        await service.migrate();
        system.services.set(app, service);
      }
      for (const service of system.services.values()) await service.start();
    } catch (error) {
      await system.stop();
      throw error;
    }
    return system;
  }

  service(name: ServiceName): ServiceProcess {
    const s = this.services.get(name);
    if (!s) throw new Error(`${name} is not running`);
    return s;
  }

  /** A call to a service's API with a key holding every scope. */
  async api<T = unknown>(
    name: ServiceName,
    method: string,
    route: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<JsonAnswer<T>> {
    return callJson<T>(`${this.service(name).baseUrl}${route}`, method, body, TEST_API_KEY, headers);
  }

  /** A call to the simulator's control API. */
  async sim<T = unknown>(method: string, route: string, body?: unknown): Promise<JsonAnswer<T>> {
    return callJson<T>(`${this.simulator.controlUrl}${route}`, method, body);
  }

  /** kill -9 a service, then start it again (a crash and the orchestrator's restart). */
  async crash(name: ServiceName): Promise<void> {
    const service = this.service(name);
    await service.kill9();
    await service.start();
  }

  /**
   * Closes the broker connections of one service process, found by its sockets: connections
   * are named after the service, and other systems on the same broker use the same names.
   */
  async closeBrokerConnections(name: ServiceName): Promise<number> {
    const pid = this.service(name).pid;
    if (pid === undefined) return 0;
    const { stdout: sockets } = await run('ss', ['-tnpH', 'state', 'established', '( dport = :5672 )']);
    const ports = new Set(
      sockets
        .split('\n')
        .filter((line) => line.includes(`pid=${pid},`))
        .map((line) => line.trim().split(/\s+/)[2]?.split(':').pop())
        .filter((p): p is string => Boolean(p)),
    );
    if (ports.size === 0) return 0;
    const { stdout } = await run('rabbitmqctl', [
      'list_connections',
      'pid',
      'peer_port',
      '-q',
      '--no-table-headers',
    ]);
    const pids = stdout
      .split('\n')
      .map((line) => line.trim().split('\t'))
      .filter(([, port]) => port !== undefined && ports.has(port.trim()))
      .map(([connectionPid]) => connectionPid);
    for (const connectionPid of pids)
      await run('rabbitmqctl', ['close_connection', connectionPid, 'closed by the chaos runner']);
    return pids.length;
  }

  /** Messages waiting in the namespace's dead-letter queues, per queue. */
  async deadLetters(): Promise<Record<string, number>> {
    const { stdout } = await run('rabbitmqctl', [
      'list_queues',
      'name',
      'messages',
      '--formatter',
      'json',
      '-q',
    ]);
    const queues = JSON.parse(stdout || '[]') as { name: string; messages: number }[];
    return Object.fromEntries(
      queues
        .filter((q) => q.name.startsWith(`${this.namespace}.`) && q.name.endsWith('.dlq'))
        .map((q) => [q.name, q.messages]),
    );
  }

  logs(): string {
    return [...this.services.entries()].map(([name, s]) => `--- ${name}\n${s.logs.slice(-3000)}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.services.values()].map((s) => s.stop()));
    await this.simulator.stop().catch(() => undefined);
    await deleteNamespace(this.namespace).catch(() => undefined);
    await this.db.drop().catch(() => undefined);
    rmSync(this.directory, { recursive: true, force: true });
  }
}

async function callJson<T>(
  url: string,
  method: string,
  body?: unknown,
  apiKey?: string,
  extraHeaders: Record<string, string> = {},
): Promise<JsonAnswer<T>> {
  const headers: Record<string, string> = { accept: 'application/json', ...extraHeaders };
  if (body !== undefined) headers['content-type'] = 'application/json';
  if (apiKey) headers['authorization'] = `Bearer ${apiKey}`;
  const response = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = text;
    }
  }
  return { status: response.status, body: parsed as T };
}
