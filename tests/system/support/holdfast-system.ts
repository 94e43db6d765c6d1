import { revisionOf, type OrderLine, type OrderSnapshot } from '@holdfast/contracts';
import { AmqpConnection, EventPublisher, resolveMessagingOptions } from '@holdfast/messaging';
import {
  deleteNamespace,
  freePort,
  ServiceProcess,
  TEST_AMQP_URL,
  TEST_API_KEY,
  TestDatabase,
  uniqueNamespace,
} from '@holdfast/testing';

export type AppName =
  'order-ingest' | 'inventory-reservation' | 'availability-publisher' | 'shipment-notifier';

/**
 * The services of one system test, each a real process from its build, sharing one
 * database (each in its own schema, as in production) and one broker namespace of
 * the suite's own. `publisher` stands where order-ingest's outbox relay would.
 */
export class HoldfastSystem {
  readonly services = new Map<AppName, ServiceProcess>();
  publisher!: EventPublisher;
  private connection!: AmqpConnection;

  private constructor(
    readonly db: TestDatabase,
    readonly namespace: string,
  ) {}

  static async start(
    suite: string,
    apps: AppName[],
    env: Record<string, string> = {},
  ): Promise<HoldfastSystem> {
    const system = new HoldfastSystem(await TestDatabase.create(suite), uniqueNamespace(suite));
    for (const app of apps) {
      const service = new ServiceProcess({
        app,
        httpPort: await freePort(),
        env: {
          DATABASE_URL: system.db.url,
          AMQP_URL: TEST_AMQP_URL,
          AMQP_NAMESPACE: system.namespace,
          OUTBOX_POLL_MS: '50',
          ...env,
        },
      });
      await service.migrate();
      system.services.set(app, service);
    }
    await Promise.all([...system.services.values()].map((s) => s.start()));
    system.connection = new AmqpConnection(
      resolveMessagingOptions({
        url: TEST_AMQP_URL,
        namespace: system.namespace,
        serviceName: `${suite}-test`,
      }),
    );
    system.publisher = new EventPublisher(system.connection, `${suite}-test`);
    return system;
  }

  service(app: AppName): ServiceProcess {
    const s = this.services.get(app);
    if (!s) throw new Error(`${app} is not part of this system`);
    return s;
  }

  async http<T = unknown>(
    app: AppName,
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }> {
    const response = await fetch(`${this.service(app).baseUrl}${path}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}` },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async stop(): Promise<void> {
    await Promise.allSettled([...this.services.values()].map((s) => s.stop()));
    await this.publisher?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    await deleteNamespace(this.namespace).catch(() => undefined);
    await this.db.drop();
  }
}

let clock = Date.parse('2026-11-20T10:00:00.000Z');

/** An order snapshot as order-ingest emits it; every call moves the revision forward. */
export function amazonOrder(
  orderId: string,
  status: OrderSnapshot['status'],
  lines: Array<Partial<OrderLine> & Pick<OrderLine, 'channelSku' | 'quantityOrdered'>>,
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
      channelStatus: {
        pending: 'PENDING',
        confirmed: 'UNSHIPPED',
        partially_shipped: 'PARTIALLY_SHIPPED',
        shipped: 'SHIPPED',
        canceled: 'CANCELLED',
      }[status],
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
