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
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const run = promisify(execFile);

export const CHAOS_ACCOUNT = 'chaos-seller';
export const CHAOS_SELLER_ID = 'A2SIMSELLER0001';
export const CHAOS_MARKETPLACE = 'APJ6JRA9NG5V4';
/** The shop simulator's default Shopify shop and WooCommerce store, one account each. */
export const CHAOS_SHOP_DOMAIN = 'holdfast-demo.myshopify.com';
export const CHAOS_WOO_STORE = 'demo';
export const CHAOS_WOO_ACCOUNT = 'chaos-woo';
export type ChaosChannel = 'amazon' | 'shopify' | 'woocommerce';
/** Each channel's one account in the chaos system. */
export const CHAOS_ACCOUNTS: Record<ChaosChannel, string> = {
  amazon: 'chaos-seller',
  shopify: CHAOS_SHOP_DOMAIN,
  woocommerce: CHAOS_WOO_ACCOUNT,
};
/** The shop simulator's control routes of the shop and the store. */
export const SHOPIFY_CONTROL = `/_sim/shopify/shops/${CHAOS_SHOP_DOMAIN}`;
export const WOO_CONTROL = `/_sim/woocommerce/stores/${CHAOS_WOO_STORE}`;
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

/** The shop simulator (Shopify and WooCommerce) as a process from its build, on free ports. */
class ShopSimulatorProcess {
  private child?: ChildProcess;
  output = '';
  apiUrl = '';
  controlUrl = '';

  async start(seed: number): Promise<void> {
    const main = path.join(REPO_ROOT, 'dist', 'apps', 'shop-simulator', 'src', 'main.js');
    const child = spawn(process.execPath, [main], {
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        SHOP_SIM_PORT: '0',
        SHOP_SIM_CONTROL_PORT: '0',
        SIM_SEED: String(seed),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stderr?.on('data', (d: Buffer) => (this.output += d.toString()));
    // It prints one JSON line with its URLs when ready.
    const ready = await new Promise<{ apiUrl: string; controlUrl: string }>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`shop simulator did not start: ${this.output}`)),
        30_000,
      );
      child.once('exit', (code) => reject(new Error(`shop simulator exited with ${code}: ${this.output}`)));
      createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
        try {
          const parsed = JSON.parse(line) as { shopSimulator?: string; apiUrl: string; controlUrl: string };
          if (parsed.shopSimulator === 'ready') {
            clearTimeout(timer);
            resolve(parsed);
          }
        } catch {
          this.output += `${line}\n`;
        }
      });
    });
    this.apiUrl = ready.apiUrl;
    this.controlUrl = ready.controlUrl;
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

/** The services' configuration of the simulator's shop and store (secrets as env references). */
function shopEnv(shops: ShopSimulatorProcess): Record<string, string> {
  return {
    SHOPIFY_SHOPS: JSON.stringify([
      {
        shopDomain: CHAOS_SHOP_DOMAIN,
        accessToken: { env: 'CHAOS_SHOPIFY_TOKEN' },
        webhookSecret: { env: 'CHAOS_SHOPIFY_WEBHOOK_SECRET' },
      },
    ]),
    SHOPIFY_ENDPOINT: shops.apiUrl,
    CHAOS_SHOPIFY_TOKEN: 'shpat_holdfast_simulator_token',
    CHAOS_SHOPIFY_WEBHOOK_SECRET: 'holdfast-shopify-webhook-secret',
    WOOCOMMERCE_STORES: JSON.stringify([
      {
        accountId: CHAOS_WOO_ACCOUNT,
        storeUrl: `${shops.apiUrl}/woocommerce/${CHAOS_WOO_STORE}`,
        consumerKey: { env: 'CHAOS_WOO_CK' },
        consumerSecret: { env: 'CHAOS_WOO_CS' },
        webhookSecret: { env: 'CHAOS_WOO_WEBHOOK_SECRET' },
      },
    ]),
    CHAOS_WOO_CK: 'ck_holdfast_simulator',
    CHAOS_WOO_CS: 'cs_holdfast_simulator',
    CHAOS_WOO_WEBHOOK_SECRET: 'holdfast-woo-webhook-secret',
    // Reconciliation finds what a lost webhook (order-ingest down) did not bring.
    SHOP_RECONCILE_INTERVAL_SECONDS: '2',
    SHOP_RECONCILE_OVERLAP_SECONDS: '5',
    SHOP_RECONCILE_FIRST_LOOKBACK_MINUTES: '5',
  };
}

/**
 * The whole system as processes: the SP-API simulator as Amazon, the shop simulator as a
 * Shopify shop and a WooCommerce store, and the four services on a database and broker
 * namespace of their own, configured for one account at each.
 */
export class ChaosSystem {
  readonly services = new Map<ServiceName, ServiceProcess>();

  private constructor(
    readonly db: TestDatabase,
    readonly namespace: string,
    readonly simulator: SimulatorProcess,
    readonly shops: ShopSimulatorProcess,
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
      new ShopSimulatorProcess(),
      directory,
    );
    try {
      await simulator.start(seed);
      await system.shops.start(seed);
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
        ...shopEnv(system.shops),
      };
      for (const app of SERVICES) {
        const service = new ServiceProcess({ app, httpPort: await freePort(), env });
        await service.migrate();
        system.services.set(app, service);
      }
      for (const service of system.services.values()) await startAgain(service);
      // The shops' order webhooks go to order-ingest (its port survives restarts).
      const intake = system.service('order-ingest').baseUrl;
      await system.shop('PUT', `${SHOPIFY_CONTROL}/webhooks`, {
        url: `${intake}/v1/webhooks/shopify/${CHAOS_SHOP_DOMAIN}`,
      });
      await system.shop('PUT', `${WOO_CONTROL}/webhooks`, {
        url: `${intake}/v1/webhooks/woocommerce/${CHAOS_WOO_ACCOUNT}`,
      });
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

  /** A call to the shop simulator's control API. */
  async shop<T = unknown>(method: string, route: string, body?: unknown): Promise<JsonAnswer<T>> {
    return callJson<T>(`${this.shops.controlUrl}${route}`, method, body);
  }

  /** kill -9 a service, then start it again (a crash and the orchestrator's restart). */
  async crash(name: ServiceName): Promise<void> {
    const service = this.service(name);
    await service.kill9();
    await startAgain(service);
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
    await this.shops.stop().catch(() => undefined);
    await deleteNamespace(this.namespace).catch(() => undefined);
    await this.db.drop().catch(() => undefined);
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/**
 * Starts a stopped service. On a loaded machine a service can take longer to answer
 * than ServiceProcess waits (30 s): while its process lives, it is given longer.
 */
async function startAgain(service: ServiceProcess): Promise<void> {
  try {
    await service.start();
  } catch (error) {
    if (service.pid === undefined) throw error;
    await waitFor(
      `${service.options.app} to answer after a restart`,
      async () => {
        if (service.pid === undefined)
          throw new Error(`${service.options.app} exited: ${service.logs.slice(-2000)}`);
        const response = await fetch(`${service.baseUrl}/health/ready`).catch(() => null);
        return response !== null && response.status < 500;
      },
      { timeoutMs: 90_000, intervalMs: 500 },
    );
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
