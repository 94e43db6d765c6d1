import { Topology } from '@holdfast/messaging';
import {
  deleteNamespace,
  freePort,
  ServiceProcess,
  ShopSimulatorProcess,
  TEST_AMQP_URL,
  TestDatabase,
  uniqueNamespace,
  waitFor,
} from '@holdfast/testing';
import { connect, type Channel, type ChannelModel } from 'amqplib';

/** The simulator's default shop and store, and the secrets it signs their webhooks with. */
export const SHOP_DOMAIN = 'holdfast-demo.myshopify.com';
export const SHOPIFY_WEBHOOK_SECRET = 'holdfast-shopify-webhook-secret';
export const WOO_STORE = 'demo';
export const WOO_ACCOUNT = 'woo-demo';
export const WOO_WEBHOOK_SECRET = 'holdfast-woo-webhook-secret';

/** The shop simulator from its build, with the calls the shop suites use. */
export class ShopSimulator extends ShopSimulatorProcess {
  static override start(env: Record<string, string> = {}): Promise<ShopSimulator> {
    return ShopSimulator.launch({ env, fromBuild: true });
  }

  /** A recorded webhook delivery: exact headers, body, every attempt. */
  delivery(deliveryId: string): Promise<any> {
    return this.ok('GET', `/_sim/webhooks/${deliveryId}`);
  }
}

/** Where order-ingest (at `baseUrl`) takes the simulator's Shopify and WooCommerce webhooks. */
export function shopifyWebhookUrl(baseUrl: string): string {
  return `${baseUrl}/v1/webhooks/shopify/${SHOP_DOMAIN}`;
}

export function wooWebhookUrl(baseUrl: string): string {
  return `${baseUrl}/v1/webhooks/woocommerce/${WOO_ACCOUNT}`;
}

/** Points the simulator's shop and store webhooks at order-ingest at `baseUrl`. */
export async function pointShopWebhooksAt(sim: ShopSimulator, baseUrl: string): Promise<void> {
  await sim.ok('PUT', `/_sim/shopify/shops/${SHOP_DOMAIN}/webhooks`, { url: shopifyWebhookUrl(baseUrl) });
  await sim.ok('PUT', `/_sim/woocommerce/stores/${WOO_STORE}/webhooks`, { url: wooWebhookUrl(baseUrl) });
}

export interface ObservedEvent {
  messageId: string;
  type: string;
  channel: string;
  accountId: string;
  orderId: string;
  payload: any;
}

/**
 * order-ingest (as processes) with the simulator's Shopify shop and WooCommerce store configured,
 * the shops' webhooks pointed at it, the real broker and a database of the suite's own, and a
 * queue recording every order event the outbox relay publishes (duplicates included).
 */
export class ShopIntakeSystem {
  readonly replicas: ServiceProcess[] = [];
  readonly events: ObservedEvent[] = [];
  private connection?: ChannelModel;
  private channel?: Channel;

  private constructor(
    readonly db: TestDatabase,
    readonly namespace: string,
    readonly sim: ShopSimulator,
    private readonly env: Record<string, string>,
  ) {}

  static async start(
    suite: string,
    { env = {} }: { env?: Record<string, string> } = {},
  ): Promise<ShopIntakeSystem> {
    const sim = await ShopSimulator.start();
    const db = await TestDatabase.create(suite);
    const namespace = uniqueNamespace(suite);
    const system = new ShopIntakeSystem(db, namespace, sim, {
      DATABASE_URL: db.url,
      AMQP_URL: TEST_AMQP_URL,
      AMQP_NAMESPACE: namespace,
      OUTBOX_POLL_MS: '50',
      ORDER_INGEST_TICK_MS: '100',
      ORDER_INGEST_LEASE_TTL_MS: '3000',
      SHOPIFY_SHOPS: JSON.stringify([
        {
          shopDomain: SHOP_DOMAIN,
          accessToken: { env: 'SHOPIFY_DEMO_TOKEN' },
          webhookSecret: { env: 'SHOPIFY_DEMO_WEBHOOK_SECRET' },
        },
      ]),
      SHOPIFY_ENDPOINT: sim.apiUrl,
      SHOPIFY_DEMO_TOKEN: 'shpat_holdfast_simulator_token',
      SHOPIFY_DEMO_WEBHOOK_SECRET: SHOPIFY_WEBHOOK_SECRET,
      WOOCOMMERCE_STORES: JSON.stringify([
        {
          accountId: WOO_ACCOUNT,
          storeUrl: `${sim.apiUrl}/woocommerce/${WOO_STORE}`,
          consumerKey: { env: 'WOO_DEMO_CK' },
          consumerSecret: { env: 'WOO_DEMO_CS' },
          webhookSecret: { env: 'WOO_DEMO_WEBHOOK_SECRET' },
        },
      ]),
      WOO_DEMO_CK: 'ck_holdfast_simulator',
      WOO_DEMO_CS: 'cs_holdfast_simulator',
      WOO_DEMO_WEBHOOK_SECRET: WOO_WEBHOOK_SECRET,
      SHOP_RECONCILE_INTERVAL_SECONDS: '2',
      SHOP_RECONCILE_OVERLAP_SECONDS: '5',
      SHOP_RECONCILE_FIRST_LOOKBACK_MINUTES: '5',
      ...env,
    });
    await system.observe();
    await system.addReplica();
    await system.pointWebhooksAt(system.service);
    return system;
  }

  get service(): ServiceProcess {
    return this.replicas[0];
  }

  shopifyWebhookUrl(replica = this.service): string {
    return shopifyWebhookUrl(replica.baseUrl);
  }

  wooWebhookUrl(replica = this.service): string {
    return wooWebhookUrl(replica.baseUrl);
  }

  async pointWebhooksAt(replica: ServiceProcess): Promise<void> {
    await pointShopWebhooksAt(this.sim, replica.baseUrl);
  }

  async addReplica(extraEnv: Record<string, string> = {}): Promise<ServiceProcess> {
    const replica = new ServiceProcess({ app: 'order-ingest', httpPort: await freePort(), env: this.env });
    if (this.replicas.length === 0) await replica.migrate();
    await replica.start(extraEnv);
    this.replicas.push(replica);
    return replica;
  }

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
        channel: order.channel,
        accountId: order.accountId,
        orderId: order.orderId,
        payload: envelope.payload,
      });
      this.channel?.ack(message);
    });
  }

  eventsOf(channel: string, orderId: string | number): ObservedEvent[] {
    return this.events.filter((e) => e.channel === channel && e.orderId === String(orderId));
  }

  async eventFor(
    channel: string,
    orderId: string | number,
    type: string,
    timeoutMs = 30_000,
  ): Promise<ObservedEvent> {
    return waitFor(
      `${type} for ${channel} order ${orderId}`,
      () => this.eventsOf(channel, orderId).find((e) => e.type === type),
      { timeoutMs, intervalMs: 50 },
    );
  }

  /** Order events in the outbox for one order, in the order they were written. */
  async outboxTypes(accountId: string, orderId: string | number): Promise<string[]> {
    const rows = await this.db.query<{ routing_key: string }>(
      `SELECT routing_key FROM order_ingest.outbox
        WHERE envelope->'payload'->'order'->>'accountId' = $1 AND envelope->'payload'->'order'->>'orderId' = $2 ORDER BY id`,
      [accountId, String(orderId)],
    );
    return rows.map((r) => r.routing_key);
  }

  async firstSeenBy(accountId: string, orderId: string | number): Promise<string | null> {
    const rows = await this.db.query<{ first_seen_by: string }>(
      `SELECT first_seen_by FROM order_ingest.order_snapshots WHERE account_id = $1 AND order_id = $2`,
      [accountId, String(orderId)],
    );
    return rows[0]?.first_seen_by ?? null;
  }

  async deliveriesStored(): Promise<number> {
    const [row] = await this.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM order_ingest.webhook_deliveries`,
    );
    return Number(row.n);
  }

  /** Waits until every shop's reconciliation has completed `runs` more runs than `after` says. */
  async reconciliationRuns(): Promise<Record<string, number>> {
    const rows = await this.db.query<{ channel: string; runs_succeeded: string }>(
      `SELECT channel, runs_succeeded FROM order_ingest.shop_reconcile_state`,
    );
    return Object.fromEntries(rows.map((r) => [r.channel, Number(r.runs_succeeded)]));
  }

  async stop(): Promise<void> {
    await Promise.allSettled(this.replicas.map((r) => r.stop()));
    await this.sim.stop().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
    await deleteNamespace(this.namespace).catch(() => undefined);
    await this.db.drop();
  }
}
