import {
  OtlpCollector,
  freePort,
  ServiceProcess,
  SpApiSimulatorProcess,
  TEST_API_KEY,
  uniqueNamespace,
  waitFor,
} from '@holdfast/testing';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ChaosDatabase, PrivateBroker, PrivateDatabase } from './infrastructure';
import { FaultProxy } from './tcp-proxy';

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

/**
 * What the services stand on, the chaos system's own: a RabbitMQ node and a PostgreSQL
 * cluster in the run's directory (so restarting them disturbs nothing else on the machine),
 * each behind a fault-injecting TCP proxy the services connect through.
 */
export class ChaosInfrastructure {
  readonly startedInMs: { broker: number; database: number } = { broker: 0, database: 0 };
  broker?: PrivateBroker;
  database?: PrivateDatabase;
  brokerProxy?: FaultProxy;
  databaseProxy?: FaultProxy;

  static async start(directory: string): Promise<ChaosInfrastructure> {
    const infra = new ChaosInfrastructure();
    const timed = async <T>(start: () => Promise<T>, key: 'broker' | 'database'): Promise<T> => {
      const began = Date.now();
      const started = await start();
      infra.startedInMs[key] = Date.now() - began;
      return started;
    };
    try {
      const [broker, database] = await Promise.allSettled([
        timed(() => PrivateBroker.start(path.join(directory, 'rabbitmq')), 'broker'),
        timed(() => PrivateDatabase.start(path.join(directory, 'postgres'), DATABASE_NAME), 'database'),
      ]);
      if (broker.status === 'fulfilled') infra.broker = broker.value;
      if (database.status === 'fulfilled') infra.database = database.value;
      if (broker.status === 'rejected') throw broker.reason;
      if (database.status === 'rejected') throw database.reason;
      infra.brokerProxy = await FaultProxy.start(broker.value.port);
      infra.databaseProxy = await FaultProxy.start(database.value.port);
    } catch (error) {
      await infra.stop();
      throw error;
    }
    return infra;
  }

  private require<T>(part: T | undefined): T {
    if (!part) throw new Error('the infrastructure is not running');
    return part;
  }

  /** What the services use: through the proxies. */
  get serviceAmqpUrl(): string {
    return `amqp://guest:guest@127.0.0.1:${this.require(this.brokerProxy).port}`;
  }

  get serviceDatabaseUrl(): string {
    return `postgres://postgres@127.0.0.1:${this.require(this.databaseProxy).port}/${DATABASE_NAME}`;
  }

  /** What the runner and the checker use: straight to the servers. */
  get amqpUrl(): string {
    return this.require(this.broker).url;
  }

  get databaseUrl(): string {
    return this.require(this.database).url(DATABASE_NAME);
  }

  async stop(): Promise<void> {
    await this.brokerProxy?.close().catch(() => undefined);
    await this.databaseProxy?.close().catch(() => undefined);
    await this.broker?.stop().catch(() => undefined);
    await this.database?.stop().catch(() => undefined);
  }
}

const DATABASE_NAME = 'holdfast';

/**
 * The whole system as processes: the SP-API simulator as Amazon, and the four services on
 * a database and broker of their own (behind fault proxies), configured for one Amazon account.
 */
export class ChaosSystem {
  readonly services = new Map<ServiceName, ServiceProcess>();
  readonly db: ChaosDatabase;
  /** Every span the services export (the PII scan reads them). */
  traces?: OtlpCollector;
  /** Amazon time runs this many times faster in the simulator and in the services. */
  readonly timeScale = TIME_SCALE;

  private constructor(
    readonly infrastructure: ChaosInfrastructure,
    readonly namespace: string,
    readonly simulator: SpApiSimulatorProcess,
    private readonly directory: string,
  ) {
    this.db = new ChaosDatabase(infrastructure.databaseUrl);
  }

  static async start(seed: number): Promise<ChaosSystem> {
    const directory = mkdtempSync(path.join(tmpdir(), 'hf-chaos-'));
    let infrastructure: ChaosInfrastructure;
    try {
      infrastructure = await ChaosInfrastructure.start(directory);
    } catch (error) {
      rmSync(directory, { recursive: true, force: true });
      throw error;
    }
    let simulator: SpApiSimulatorProcess;
    try {
      simulator = await SpApiSimulatorProcess.launch({
        caDirectory: directory,
        env: { SIM_TIME_SCALE: String(TIME_SCALE), SIM_SEED: String(seed) },
        // Long: on a machine loaded by other runs a process boot can take a minute.
        startTimeoutMs: 120_000,
      });
    } catch (error) {
      await infrastructure.stop().catch(() => undefined);
      rmSync(directory, { recursive: true, force: true });
      throw error;
    }
    const system = new ChaosSystem(infrastructure, uniqueNamespace('chaos'), simulator, directory);
    try {
      if (feedsPreferred(seed)) {
        const plan = await system.sim('POST', '/_sim/usage-plans', FEED_SEED_PATCH_PLAN);
        if (plan.status !== 200) throw new Error(`the simulator refused the PATCH plan: ${plan.status}`);
      }
      // Spans batched for a second: the scan reads them after the workload, not as they happen.
      system.traces = await OtlpCollector.start({ scheduleDelayMs: 1_000 });
      const env: Record<string, string> = {
        ...system.traces.env,
        // Everything down to info is kept, so the PII scan reads what an operator's logs would hold.
        LOG_LEVEL: 'info',
        DATABASE_URL: infrastructure.serviceDatabaseUrl,
        AMQP_URL: infrastructure.serviceAmqpUrl,
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
        SPAPI_ENDPOINT: simulator.spApiUrl,
        SPAPI_CA_FILE: simulator.caFile,
        SPAPI_TIME_SCALE: String(TIME_SCALE),
        PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ORDER_INGEST_TICK_MS: '100',
        // Short leases, so a replica killed while holding one is replaced within seconds.
        ORDER_INGEST_LEASE_TTL_MS: '3000',
        PUBLISH_LEASE_TTL_MS: '3000',
        SHIPMENT_LEASE_TTL_MS: '3000',
        // shipment-notifier's timings are real time (it has no time scale). A package whose
        // sender was killed mid-call is reconciled once its attempt is older than this grace,
        // which must exceed the longest call (30 s timeout): 5 minutes by default, longer than
        // a seed waits to converge (seed 11 ended with a package still in flight).
        SHIPMENT_INFLIGHT_GRACE_MS: '45000',
        ORDER_INGEST_FIRST_POLL_LOOKBACK_MINUTES: '5',
        // The publisher gives up on an SP-API call after 3 s, so the simulator's slow answers time out.
        SPAPI_TIMEOUT_MS: '3000',
      };
      for (const app of SERVICES) {
        const service = new ServiceProcess({
          app,
          httpPort: await freePort(),
          // Four services, a simulator and the broker on a small machine shared with other work:
          // a start (or a restart after kill -9) may take well over the default 30 s.
          startTimeoutMs: 90_000,
          env: app === 'availability-publisher' ? { ...env, ...publisherEnv(seed) } : env,
        });
        system.services.set(app, service);
      }
      // All at once: each service migrates its own schema, and a process boot is slow on a
      // loaded machine.
      await Promise.all(
        [...system.services.values()].map(async (service) => {
          await service.migrate();
          await startAgain(service);
        }),
      );
    } catch (error) {
      const logs = system.logs();
      await system.stop();
      throw new Error(`the chaos system did not start: ${(error as Error).message}\n${logs}`);
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
    await startAgain(service);
  }

  /** SIGTERM a service, wait for it to drain and exit, then start a new process (a rolling deploy). */
  async redeploy(name: ServiceName): Promise<void> {
    const service = this.service(name);
    // As an orchestrator does: SIGTERM, then SIGKILL once the grace period (30 s) is over.
    await service.stop('SIGTERM').catch(() => service.kill9());
    await startAgain(service);
  }

  private get broker(): PrivateBroker {
    const broker = this.infrastructure.broker;
    if (!broker) throw new Error('the broker is not running');
    return broker;
  }

  /**
   * Closes the broker connections of one service, found by the name its client gives them:
   * the node is this system's own, so nothing else carries that name there.
   */
  async closeBrokerConnections(name: ServiceName): Promise<number> {
    const stdout = await this.broker.ctl(
      'list_connections',
      'pid',
      'client_properties',
      '-q',
      '--no-table-headers',
    );
    const pids = stdout
      .split('\n')
      .filter((line) => line.includes(`{"connection_name","${name}"}`))
      .map((line) => line.split('\t')[0]);
    for (const connectionPid of pids)
      await this.broker.ctl('close_connection', connectionPid, 'closed by the chaos runner');
    return pids.length;
  }

  /**
   * Messages waiting in the namespace's dead-letter queues, per queue. rabbitmqctl names the
   * queues; the counts come from a passive declare, which asks the queue itself: rabbitmqctl's
   * count of a quorum queue is a metric refreshed every few seconds, and read right after a
   * publish it said 0. Nothing consumes a dead-letter queue, so its ready count is all it holds.
   */
  async deadLetters(): Promise<Record<string, number>> {
    const stdout = await this.broker.ctl('list_queues', 'name', '--formatter', 'json', '-q');
    const names = (JSON.parse(stdout || '[]') as { name: string }[])
      .map((q) => q.name)
      .filter((name) => name.startsWith(`${this.namespace}.`) && name.endsWith('.dlq'));
    if (names.length === 0) return {};
    const { connect } = await import('amqplib');
    const connection = await connect(this.infrastructure.amqpUrl);
    try {
      const channel = await connection.createChannel();
      const counts: Record<string, number> = {};
      for (const name of names) counts[name] = (await channel.checkQueue(name)).messageCount;
      await channel.close();
      return counts;
    } finally {
      await connection.close();
    }
  }

  /** The bindings of the namespace's events exchange: which queue a routing key reaches. */
  async eventBindings(): Promise<{ routingKey: string; queue: string }[]> {
    const stdout = await this.broker.ctl(
      'list_bindings',
      'source_name',
      'routing_key',
      'destination_name',
      '--formatter',
      'json',
      '-q',
    );
    const bindings = JSON.parse(stdout || '[]') as {
      source_name: string;
      routing_key: string;
      destination_name: string;
    }[];
    return bindings
      .filter((b) => b.source_name === `${this.namespace}.events`)
      .map((b) => ({ routingKey: b.routing_key, queue: b.destination_name }));
  }

  logs(): string {
    return [...this.services.entries()].map(([name, s]) => `--- ${name}\n${s.logs.slice(-3000)}`).join('\n');
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.services.values()].map((s) => s.stop()));
    await this.simulator.stop().catch(() => undefined);
    await this.traces?.stop().catch(() => undefined);
    // The broker node and the database cluster are the run's own: they go with its directory.
    await this.infrastructure.stop();
    rmSync(this.directory, { recursive: true, force: true });
  }
}

/**
 * With three SKUs the publisher's choice is PATCH (a feed pays off past hundreds of SKUs), so
 * feeds, and the FATAL-feed fault, would never be exercised. On odd seeds Amazon (the
 * simulator) gives the seller a PATCH usage plan of one call per 2,000 s of Amazon time (about
 * 33 s here), and the publisher is configured with it too (it would learn it anyway from
 * `x-amzn-RateLimit-Limit`): after a PATCH, what follows within those seconds goes by feed.
 * Even seeds keep Amazon's plan, and PATCH.
 */
export function feedsPreferred(seed: number): boolean {
  return seed % 2 === 1;
}

const FEED_SEED_PATCH_PLAN = {
  operation: 'patchListingsItem',
  sellerId: CHAOS_SELLER_ID,
  rate: 0.0005,
  burst: 1,
};

function publisherEnv(seed: number): Record<string, string> {
  // A feed waits for 3 s of quiet, at most 30 s, to carry a whole burst; the workload's changes
  // never pause for 3 s, so feeds would go out every 30 s: here they wait at most 5 s.
  return feedsPreferred(seed)
    ? {
        SPAPI_USAGE_PLANS: 'patchListingsItem=0.0005/1',
        PUBLISH_FEED_QUIET_MS: '1000',
        PUBLISH_FEED_MAX_WAIT_MS: '5000',
      }
    : {};
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
