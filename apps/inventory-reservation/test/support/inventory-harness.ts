import {
  parseEnvelope,
  revisionOf,
  type AnyEnvelope,
  type Envelope,
  type EventPayload,
  type OrderLine,
  type OrderSnapshot,
  type RoutingKey,
} from '@holdfast/contracts';
import { AmqpConnection, EventPublisher, resolveMessagingOptions, Topology } from '@holdfast/messaging';
import { loadServiceEnv, startService, type ServiceDefinition } from '@holdfast/runtime';
import {
  deleteNamespace,
  TEST_AMQP_URL,
  TEST_API_KEY,
  TestDatabase,
  uniqueNamespace,
  uniqueSuffix,
} from '@holdfast/testing';
import type { INestApplication } from '@nestjs/common';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { inventoryReservationService } from '../../src/service';

/** Events the services publish, as an observer queue bound to the suite's exchange sees them. */
export class EventObserver {
  readonly received: AnyEnvelope[] = [];
  private constructor(
    private readonly connection: ChannelModel,
    private readonly channel: Channel,
  ) {}

  static async start(namespace: string, keys: RoutingKey[], sink: RoutingKey[] = []): Promise<EventObserver> {
    const connection = await connect(TEST_AMQP_URL);
    const channel = await connection.createChannel();
    await channel.assertExchange(Topology.eventsExchange(namespace), 'topic', { durable: true });
    const queue = `${namespace}.observer.${uniqueSuffix()}`;
    await channel.assertQueue(queue, { durable: false, autoDelete: true });
    for (const key of keys) await channel.bindQueue(queue, Topology.eventsExchange(namespace), key);
    if (sink.length > 0) {
      // Routed (so the relay's mandatory publish succeeds) and dropped at once: for floods
      // of events a test does not read.
      const drain = `${namespace}.sink.${uniqueSuffix()}`;
      await channel.assertQueue(drain, { durable: false, autoDelete: true, arguments: { 'x-max-length': 0 } });
      for (const key of sink) await channel.bindQueue(drain, Topology.eventsExchange(namespace), key);
    }
    const observer = new EventObserver(connection, channel);
    await channel.consume(
      queue,
      (m) => {
        if (m) observer.received.push(parseEnvelope(JSON.parse(m.content.toString('utf8'))));
      },
      { noAck: true },
    );
    return observer;
  }

  of<K extends RoutingKey>(type: K): Envelope<K>[] {
    return this.received.filter((e) => e.type === type) as unknown as Envelope<K>[];
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

export interface InventoryAppOptions {
  env?: Record<string, string>;
  definition?: ServiceDefinition;
  /** Events the observer keeps (default: availability.changed and stock.oversold). */
  observe?: RoutingKey[];
  /** Events routed to a queue that drops them. */
  sink?: RoutingKey[];
}

/**
 * inventory-reservation in-process (one or several instances on one database and broker
 * namespace), with a publisher standing where order-ingest would, and an observer of
 * what the service publishes.
 */
export class InventoryHarness {
  readonly apps: INestApplication[] = [];
  publisher!: EventPublisher;
  observer!: EventObserver;
  private connection!: AmqpConnection;

  private constructor(
    readonly db: TestDatabase,
    readonly namespace: string,
    private readonly baseEnv: Record<string, string>,
  ) {}

  static async start(suite: string, options: InventoryAppOptions & { instances?: number } = {}): Promise<InventoryHarness> {
    const harness = new InventoryHarness(await TestDatabase.create(suite), uniqueNamespace(suite), options.env ?? {});
    harness.observer = await EventObserver.start(
      harness.namespace,
      options.observe ?? ['availability.changed', 'stock.oversold'],
      options.sink,
    );
    for (let i = 0; i < (options.instances ?? 1); i++) {
      await harness.addInstance({ MIGRATE_ON_START: i === 0 ? 'true' : 'false' }, options.definition);
    }
    harness.connection = new AmqpConnection(
      resolveMessagingOptions({ url: TEST_AMQP_URL, namespace: harness.namespace, serviceName: `${suite}-test` }),
    );
    harness.publisher = new EventPublisher(harness.connection, `${suite}-test`);
    return harness;
  }

  envFor(extra: Record<string, string> = {}): Record<string, string> {
    return {
      DATABASE_URL: this.db.url,
      AMQP_URL: TEST_AMQP_URL,
      AMQP_NAMESPACE: this.namespace,
      AMQP_RETRY_DELAYS_MS: '200,400,800',
      HTTP_PORT: '0',
      HTTP_HOST: '127.0.0.1',
      OUTBOX_POLL_MS: '50',
      DATABASE_POOL_SIZE: '4',
      LOG_LEVEL: process.env['LOG_LEVEL'] ?? 'warn',
      API_KEYS: process.env['INVENTORY_TEST_API_KEYS'] ?? testApiKeys(),
      ...this.baseEnv,
      ...extra,
    };
  }

  async addInstance(extraEnv: Record<string, string> = {}, definition = inventoryReservationService): Promise<INestApplication> {
    const env = loadServiceEnv(definition, this.envFor(extraEnv));
    const app = await startService(definition, env);
    this.apps.push(app);
    return app;
  }

  get baseUrl(): string {
    const address = (this.apps[0].getHttpServer() as { address(): AddressInfo }).address();
    return `http://127.0.0.1:${address.port}`;
  }

  async http<T = any>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${TEST_API_KEY}`,
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async publish<K extends RoutingKey>(type: K, payload: EventPayload<K>): Promise<Envelope<K>> {
    return this.publisher.publish(type, payload);
  }

  query<T extends Record<string, unknown> = Record<string, any>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return this.db.query<T>(sql, params);
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.apps.map((a) => a.close()));
    await this.observer?.close();
    await this.publisher?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    await deleteNamespace(this.namespace).catch(() => undefined);
    await this.db.drop();
  }
}

function testApiKeys(): string {
  // The key ServiceProcess accepts too (libs/testing), with the scopes this service checks.
  return `test:stock:read,stock:write:${createHash('sha256').update(TEST_API_KEY).digest('hex')}`;
}

let clock = Date.parse('2026-11-20T10:00:00.000Z');

/** An order snapshot as order-ingest emits it; every call moves the revision forward. */
export function orderSnapshot(
  orderId: string,
  status: OrderSnapshot['status'],
  lines: (Partial<OrderLine> & Pick<OrderLine, 'channelSku' | 'quantityOrdered'>)[],
  overrides: Partial<OrderSnapshot> = {},
): { order: OrderSnapshot } {
  clock += 1000;
  const updatedAt = new Date(clock).toISOString();
  return {
    order: {
      channel: 'amazon',
      accountId: 'seller-1',
      orderId,
      marketplaceId: 'APJ6JRA9NG5V4',
      status,
      channelStatus: status.toUpperCase(),
      fulfilledBy: 'MERCHANT',
      purchasedAt: '2026-11-20T09:59:00.000Z',
      updatedAt,
      revision: revisionOf(updatedAt),
      lines: lines.map((l, i) => ({
        lineId: `${orderId}-L${i + 1}`,
        quantityShipped: 0,
        quantityCanceled: 0,
        ...l,
      })),
      ...overrides,
    },
  };
}

export type LedgerTotals = {
  sku: string;
  on_hand: number;
  reserved: number;
  version: number;
  active: number;
  levels: number;
};

/** Every SKU head beside what its rows say: reserved vs Σ active, on-hand vs Σ levels. */
export async function ledgerTotals(db: { query: InventoryHarness['query'] }): Promise<LedgerTotals[]> {
  return db.query<LedgerTotals>(
    `SELECT s.sku, s.on_hand, s.reserved, s.version,
            coalesce((SELECT sum(quantity) FROM inventory.reservations r
                       WHERE r.sku = s.sku AND r.state IN ('pending', 'committed')), 0)::int AS active,
            coalesce((SELECT sum(on_hand) FROM inventory.stock_levels l WHERE l.sku = s.sku), 0)::int AS levels
       FROM inventory.stock s ORDER BY s.sku`,
  );
}
