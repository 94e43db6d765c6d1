import { Topology } from '@holdfast/messaging';
import {
  deleteNamespace,
  freePort,
  ServiceProcess,
  SpApiSimulatorProcess as BaseSimulator,
  TEST_AMQP_URL,
  TEST_API_KEY,
  TEST_API_SCOPES,
  TestDatabase,
  uniqueNamespace,
  waitFor,
} from '@holdfast/testing';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** A key with orders:read and accounts:read only: no buyer data, no writes. */
export const READER_API_KEY = 'holdfast-order-reader-key-00112233';
/** Amazon-time runs this many times faster in the simulator and in order-ingest. */
export const TIME_SCALE = 60;
export const SELLER_ID = 'A2SIMSELLER0001';
export const ACCOUNT_ID = 'sim-eu';
export const IT = 'APJ6JRA9NG5V4';
export const DE = 'A1PA6795UKMFR9';

const sha = (key: string) => createHash('sha256').update(key).digest('hex');

export interface SimStats {
  operations: Record<
    string,
    { calls: number; succeeded: number; throttled: number; invalid: number; serverErrors: number }
  >;
}

/** The SP-API simulator (time-scaled, its CA written for order-ingest) with the calls these suites use. */
export class SpApiSimulatorProcess extends BaseSimulator {
  static start(directory: string, env: Record<string, string> = {}): Promise<SpApiSimulatorProcess> {
    return SpApiSimulatorProcess.launch({
      caDirectory: directory,
      env: { SIM_TIME_SCALE: String(TIME_SCALE), ...env },
    });
  }

  async createOrder(input: Record<string, unknown>): Promise<any> {
    const res = await this.control('POST', '/_sim/orders', { marketplaceId: IT, ...input });
    if (res.status !== 201) throw new Error(`create order: ${JSON.stringify(res.body)}`);
    return res.body.order;
  }

  async setStatus(orderId: string, status: string): Promise<void> {
    const res = await this.control('POST', `/_sim/orders/${orderId}/status`, { status });
    if (res.status !== 200) throw new Error(`status change: ${JSON.stringify(res.body)}`);
  }

  async stats(): Promise<SimStats> {
    return (await this.control<SimStats>('GET', '/_sim/stats')).body;
  }

  async calls(operation: string): Promise<{ calls: number; throttled: number }> {
    const op = (await this.stats()).operations[operation];
    return { calls: op?.calls ?? 0, throttled: op?.throttled ?? 0 };
  }
}

export interface ObservedEvent {
  messageId: string;
  type: string;
  orderId: string;
  status: string;
  fulfilledBy: string;
  payload: any;
  /** When the observer queue received it (Date.now()). */
  receivedAt: number;
}

/**
 * order-ingest (one or more replicas, as processes) against the simulator, the real
 * broker and a database of the suite's own, with a queue that records every order event
 * the outbox relay publishes (duplicates included).
 */
export class OrderIngestSystem {
  readonly replicas: ServiceProcess[] = [];
  readonly events: ObservedEvent[] = [];
  private connection?: ChannelModel;
  private channel?: Channel;

  private constructor(
    readonly db: TestDatabase,
    readonly namespace: string,
    readonly sim: SpApiSimulatorProcess,
    private readonly directory: string,
    private readonly env: Record<string, string>,
  ) {}

  static async start(
    suite: string,
    {
      env = {},
      simEnv = {},
      replicas = 1,
      prepare,
    }: {
      env?: Record<string, string>;
      simEnv?: Record<string, string>;
      replicas?: number;
      /** Runs against the simulator before order-ingest starts (seed orders, install faults). */
      prepare?: (sim: SpApiSimulatorProcess) => Promise<void>;
    } = {},
  ): Promise<OrderIngestSystem> {
    const directory = mkdtempSync(path.join(tmpdir(), `hf-${suite}-`));
    const sim = await SpApiSimulatorProcess.start(directory, simEnv);
    await prepare?.(sim);
    const accounts = [
      {
        accountId: ACCOUNT_ID,
        sellerId: SELLER_ID,
        region: 'eu',
        marketplaceIds: [IT, DE],
        refreshToken: { env: 'SIM_REFRESH_TOKEN' },
        clientId: { env: 'SIM_LWA_CLIENT_ID' },
        clientSecret: { env: 'SIM_LWA_CLIENT_SECRET' },
      },
    ];
    const system = new OrderIngestSystem(
      await TestDatabase.create(suite),
      uniqueNamespace(suite),
      sim,
      directory,
      {
        DATABASE_URL: '',
        AMQP_URL: TEST_AMQP_URL,
        OUTBOX_POLL_MS: '50',
        API_KEYS: [
          `test:${TEST_API_SCOPES.join(',')}:${sha(TEST_API_KEY)}`,
          `reader:orders:read,accounts:read:${sha(READER_API_KEY)}`,
        ].join(';'),
        AMAZON_ACCOUNTS: JSON.stringify(accounts),
        SIM_REFRESH_TOKEN: 'Atzr|holdfast-system-test',
        SIM_LWA_CLIENT_ID: 'amzn1.application-oa2-client.test',
        SIM_LWA_CLIENT_SECRET: 'test-secret',
        SPAPI_ENDPOINT: sim.spApiUrl,
        SPAPI_CA_FILE: sim.caFile,
        SPAPI_TIME_SCALE: String(TIME_SCALE),
        PII_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
        ORDER_INGEST_TICK_MS: '100',
        ORDER_INGEST_LEASE_TTL_MS: '3000',
        ORDER_INGEST_FIRST_POLL_LOOKBACK_MINUTES: '5',
        ...env,
      },
    );
    system.env['DATABASE_URL'] = system.db.url;
    system.env['AMQP_NAMESPACE'] = system.namespace;
    await system.observe();
    for (let i = 0; i < replicas; i++) await system.addReplica();
    return system;
  }

  /** A queue of the test's own bound to every order event: what consumers would receive. */
  private async observe(): Promise<void> {
    this.connection = await connect(TEST_AMQP_URL);
    this.channel = await this.connection.createChannel();
    const exchange = Topology.eventsExchange(this.namespace);
    await this.channel.assertExchange(exchange, 'topic', { durable: true });
    const queue = `${this.namespace}.test-observer`;
    await this.channel.assertQueue(queue, { durable: false, autoDelete: true });
    await this.channel.bindQueue(queue, exchange, 'order.*');
    await this.channel.consume(queue, (message) => {
      if (!message) return;
      const envelope = JSON.parse(message.content.toString('utf8'));
      const order = envelope.payload.order;
      this.events.push({
        messageId: envelope.messageId,
        type: envelope.type,
        orderId: order.orderId,
        status: order.status,
        fulfilledBy: order.fulfilledBy,
        payload: envelope.payload,
        receivedAt: Date.now(),
      });
      this.channel?.ack(message);
    });
  }

  /** Starts one more replica (migrating first when it is the first). */
  async addReplica(extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    const replica = new ServiceProcess({ app: 'order-ingest', httpPort: await freePort(), env: this.env });
    if (this.replicas.length === 0) await replica.migrate();
    await replica.start(extraEnv);
    this.replicas.push(replica);
    return replica;
  }

  get service(): ServiceProcess {
    return this.replicas[0];
  }

  async http<T = any>(
    method: string,
    pathname: string,
    body?: unknown,
    { key = TEST_API_KEY, replica = this.service }: { key?: string; replica?: ServiceProcess } = {},
  ): Promise<{ status: number; body: T; contentType: string | null }> {
    const res = await fetch(`${replica.baseUrl}${pathname}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: (text ? JSON.parse(text) : undefined) as T,
      contentType: res.headers.get('content-type'),
    };
  }

  async setOptions(options: Record<string, unknown>): Promise<void> {
    const res = await this.http('PATCH', `/v1/accounts/${ACCOUNT_ID}/options`, options);
    if (res.status !== 200) throw new Error(`options: ${JSON.stringify(res.body)}`);
  }

  eventsOf(orderId: string): ObservedEvent[] {
    return this.events.filter((e) => e.orderId === orderId);
  }

  /** Waits until an event of `type` for the order was published, and returns it. */
  async eventFor(orderId: string, type: string, timeoutMs = 20_000): Promise<ObservedEvent> {
    return waitFor(
      `${type} for ${orderId}`,
      () => this.events.find((e) => e.orderId === orderId && e.type === type),
      {
        timeoutMs,
        intervalMs: 50,
      },
    );
  }

  /** Distinct event ids (duplicate deliveries count once) per type for an order. */
  distinctEvents(orderId: string): Record<string, number> {
    const ids = new Map<string, Set<string>>();
    for (const e of this.eventsOf(orderId)) {
      if (!ids.has(e.type)) ids.set(e.type, new Set());
      ids.get(e.type)!.add(e.messageId);
    }
    return Object.fromEntries([...ids].map(([type, set]) => [type, set.size]));
  }

  async outboxTypes(orderId: string): Promise<string[]> {
    const rows = await this.db.query<{ routing_key: string }>(
      `SELECT routing_key FROM order_ingest.outbox WHERE envelope->'payload'->'order'->>'orderId' = $1 ORDER BY id`,
      [orderId],
    );
    return rows.map((r) => r.routing_key);
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.replicas.map((r) => r.stop()));
    await this.sim.stop().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    await deleteNamespace(this.namespace).catch(() => undefined);
    await this.db.drop();
    rmSync(this.directory, { recursive: true, force: true });
  }
}
