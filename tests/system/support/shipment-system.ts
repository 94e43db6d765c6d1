import type { Envelope, OrderSnapshot } from '@holdfast/contracts';
import { Topology } from '@holdfast/messaging';
import { SpApiSimulatorProcess, TEST_AMQP_URL, TEST_API_KEY, waitFor } from '@holdfast/testing';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { amazonOrder, HoldfastSystem, type AppName } from './holdfast-system';

/** A JSON body as the tests read it: checked by the assertions, not by the compiler. */

export type Json = any;

export interface SimPackage {
  orderId: string;
  packageReferenceId: string;
  carrierCode: string;
  carrierName?: string;
  trackingNumber: string;
  items: { orderItemId: string; quantity: number }[];
  dropped: boolean;
}

/** An object read from JSON: named members typed, the rest left to the assertions. */
export interface JsonObject {
  [member: string]: Json;
}

export interface SimOperationStats {
  calls: number;
  succeeded: number;
  throttled: number;
  invalid: number;
  serverErrors: number;
}

export const IT = 'APJ6JRA9NG5V4';
export const SIM_SELLER = 'A2SIMSELLER0001';
export const ACCOUNT = 'seller-1';

/** The SP-API simulator with the calls the shipment suites use. */
export class SimulatorProcess extends SpApiSimulatorProcess {
  static start(env: Record<string, string> = {}): Promise<SimulatorProcess> {
    return SimulatorProcess.launch({ env });
  }

  /** An order at the simulator; returns its id and its items (orderItemId, sellerSku, quantityOrdered). */
  async createOrder(
    items: { sku: string; quantity: number }[],
    status = 'UNSHIPPED',
  ): Promise<{
    orderId: string;
    items: { orderItemId: string; sellerSku: string; quantityOrdered: number }[];
  }> {
    const res = await this.control<{
      orderId: string;
      order: { items: { orderItemId: string; sellerSku: string; quantityOrdered: number }[] };
    }>('POST', '/_sim/orders', {
      marketplaceId: IT,
      status,
      items: items.map((i) => ({ sellerSku: i.sku, quantity: i.quantity })),
    });
    if (res.status !== 201) throw new Error(`simulator refused the order: ${JSON.stringify(res.body)}`);
    return { orderId: res.body.orderId, items: res.body.order.items };
  }

  async packages(orderId?: string): Promise<SimPackage[]> {
    const res = await this.control<{ shipments: SimPackage[] }>(
      'GET',
      `/_sim/shipments${orderId ? `?orderId=${orderId}` : ''}`,
    );
    return res.body.shipments;
  }

  async order(orderId: string): Promise<JsonObject & { status: string }> {
    return (await this.control<JsonObject & { status: string }>('GET', `/_sim/orders/${orderId}`)).body;
  }

  async stats(operation: string): Promise<SimOperationStats> {
    const res = await this.control<{ operations: Record<string, SimOperationStats> }>('GET', '/_sim/stats');
    return (
      res.body.operations[operation] ?? { calls: 0, succeeded: 0, throttled: 0, invalid: 0, serverErrors: 0 }
    );
  }
}

/** Every `shipment.*` event the notifier publishes, as the broker routes it. */
export class ShipmentEventObserver {
  readonly events: Envelope[] = [];

  private constructor(private readonly connection: ChannelModel) {}

  static async start(namespace: string): Promise<ShipmentEventObserver> {
    const connection = await connect(TEST_AMQP_URL);
    const channel: Channel = await connection.createChannel();
    const observer = new ShipmentEventObserver(connection);
    const exchange = Topology.eventsExchange(namespace);
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue(`${namespace}.shipment-observer`, {
      exclusive: true,
      durable: false,
    });
    await channel.bindQueue(queue, exchange, 'shipment.*');
    await channel.consume(
      queue,
      (message) => {
        if (message) observer.events.push(JSON.parse(message.content.toString()) as Envelope);
      },
      { noAck: true },
    );
    return observer;
  }

  of(type: 'shipment.confirmed' | 'shipment.failed', shipmentId?: string): Envelope[] {
    return this.events.filter(
      (e) =>
        e.type === type &&
        (shipmentId === undefined || (e.payload as { shipmentId: string }).shipmentId === shipmentId),
    );
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}

/** Settings that make the sender's clocks fit a test: short polls, backoffs, grace and verification delay. */
export const FAST_SENDER_ENV: Record<string, string> = {
  SHIPMENT_SENDER_POLL_MS: '100',
  SHIPMENT_RETRY_BASE_MS: '200',
  SHIPMENT_RETRY_MAX_MS: '2000',
  SHIPMENT_INFLIGHT_GRACE_MS: '2500',
  SHIPMENT_CALL_TIMEOUT_MS: '2000',
  SHIPMENT_LEASE_TTL_MS: '3000',
  SHIPMENT_VERIFY_AFTER_MS: '400',
  SPAPI_THROTTLE_BASE_MS: '200',
};

export interface ShipmentSystem {
  system: HoldfastSystem;
  sim: SimulatorProcess;
  events: ShipmentEventObserver;
  stop(): Promise<void>;
}

/**
 * The simulator, then the services (the notifier configured with one Amazon account whose
 * calls go to the simulator), then an observer of shipment events.
 */
export async function startShipmentSystem(
  suite: string,
  options: { apps?: AppName[]; env?: Record<string, string>; simEnv?: Record<string, string> } = {},
): Promise<ShipmentSystem> {
  const sim = await SimulatorProcess.start({ SIM_TIME_SCALE: '10', ...options.simEnv });
  let system: HoldfastSystem;
  try {
    system = await HoldfastSystem.start(suite, options.apps ?? ['shipment-notifier'], {
      AMAZON_ACCOUNTS: JSON.stringify([
        {
          accountId: ACCOUNT,
          sellerId: SIM_SELLER,
          region: 'eu',
          marketplaceIds: [IT],
          refreshToken: { env: 'TEST_SPAPI_REFRESH_TOKEN' },
          clientId: { env: 'TEST_SPAPI_CLIENT_ID' },
          clientSecret: { env: 'TEST_SPAPI_CLIENT_SECRET' },
        },
      ]),
      TEST_SPAPI_REFRESH_TOKEN: 'Atzr|holdfast-system-test',
      TEST_SPAPI_CLIENT_ID: 'amzn1.application-oa2-client.test',
      TEST_SPAPI_CLIENT_SECRET: 'test-secret',
      SPAPI_ENDPOINT: sim.spApiUrl,
      SPAPI_TLS_INSECURE: 'true',
      ...FAST_SENDER_ENV,
      ...options.env,
    });
  } catch (error) {
    await sim.stop();
    throw error;
  }
  const events = await ShipmentEventObserver.start(system.namespace);
  return {
    system,
    sim,
    events,
    stop: async () => {
      await events.close();
      await system.stop();
      await sim.stop();
    },
  };
}

/** An HTTP call to the notifier with the test key and any extra headers (Idempotency-Key). */
export async function notifier<T = Json>(
  system: HoldfastSystem,
  method: string,
  route: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: T; headers: Headers }> {
  const res = await fetch(`${system.service('shipment-notifier').baseUrl}${route}`, {
    method,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_API_KEY}`, ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
}

/** Publishes the order as order-ingest would, with the simulator's order item ids as line ids, and waits for the notifier to know it. */
export async function announceOrder(
  system: HoldfastSystem,
  order: { orderId: string; items: { orderItemId: string; sellerSku: string; quantityOrdered: number }[] },
  status: OrderSnapshot['status'],
): Promise<Envelope> {
  const key =
    ({ pending: 'order.placed', confirmed: 'order.confirmed', canceled: 'order.canceled' } as const)[
      status as 'pending' | 'confirmed' | 'canceled'
    ] ?? 'order.updated';
  const envelope = await system.publisher.publish(
    key,
    amazonOrder(
      order.orderId,
      status,
      order.items.map((i) => ({
        lineId: i.orderItemId,
        channelSku: i.sellerSku,
        quantityOrdered: i.quantityOrdered,
      })),
      { accountId: ACCOUNT, marketplaceId: IT },
    ),
  );
  await waitFor(`order ${order.orderId} ${status} at the notifier`, async () => {
    const rows = await system.db.query<{ status: string }>(
      'SELECT status FROM shipment_notifier.order_states WHERE order_id = $1',
      [order.orderId],
    );
    return rows[0]?.status === status;
  });
  return envelope;
}

/** A one-package shipment body for the whole order. */
export function shipmentFor(
  order: { orderId: string; items: { orderItemId: string; quantityOrdered: number }[] },
  pkg: { carrier: string; trackingNumber: string; shipDate?: string },
): Record<string, unknown> {
  return {
    order: { channel: 'amazon', accountId: ACCOUNT, orderId: order.orderId },
    packages: [
      {
        carrier: pkg.carrier,
        trackingNumber: pkg.trackingNumber,
        shipDate: pkg.shipDate ?? new Date().toISOString(),
      },
    ],
    lines: order.items.map((i) => ({ lineId: i.orderItemId, quantity: i.quantityOrdered })),
  };
}

/** Waits until the shipment reaches one of `states` and returns it. */
export async function waitForShipment(
  system: HoldfastSystem,
  id: string,
  states: string[],
  timeoutMs = 30_000,
): Promise<JsonObject> {
  return waitFor(
    `shipment ${id} to be ${states.join(' or ')}`,
    async () => {
      const res = await notifier<JsonObject>(system, 'GET', `/v1/shipments/${id}`);
      return typeof res.body?.['status'] === 'string' && states.includes(res.body['status'])
        ? res.body
        : undefined;
    },
    { timeoutMs, intervalMs: 150 },
  );
}
