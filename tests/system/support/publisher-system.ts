import type { AvailabilityChangedPayload, Envelope } from '@holdfast/contracts';
import { Topology } from '@holdfast/messaging';
import { SpApiSimulatorProcess, TEST_AMQP_URL } from '@holdfast/testing';
import { connect, type ChannelModel } from 'amqplib';

/** The simulator's default seller, and the Holdfast account id the publisher knows it by. */
export const SIM_SELLER = 'A2SIMSELLER0001';
export const ACCOUNT = 'seller-1';
export const IT = 'APJ6JRA9NG5V4';
export const DE = 'A1PA6795UKMFR9';

/** Amazon time runs this many times faster in the simulator and in the publisher's limiter. */
export const TIME_SCALE = 60;

export interface SimListing {
  sku: string;
  quantity: number | null;
  fulfillmentChannelCode: string;
  pendingPatches: number;
  history: {
    source: string;
    reference: string;
    /** Simulator time (ISO) when Amazon received the change, and when it applied it. */
    receivedAt: string;
    appliedAt: string;
    quantityBefore: number | null;
    quantityAfter: number | null;
  }[];
}

/**
 * Changes to one SKU that a PATCH and a feed had in flight at the same time: a PATCH
 * received while a feed carrying the SKU was received but not yet applied, or the other
 * way round. Either could overwrite the other with an older quantity.
 */
export function patchAndFeedOverlaps(listing: SimListing): string[] {
  const span = (h: SimListing['history'][number]) =>
    [Date.parse(h.receivedAt), Date.parse(h.appliedAt)] as const;
  const patches = listing.history.filter((h) => h.source === 'patch');
  const feeds = listing.history.filter((h) => h.source === 'feed');
  const overlaps: string[] = [];
  for (const p of patches) {
    const [pFrom, pTo] = span(p);
    for (const f of feeds) {
      const [fFrom, fTo] = span(f);
      if (pFrom < fTo && fFrom < pTo) overlaps.push(`${listing.sku}: ${p.reference} and ${f.reference}`);
    }
  }
  return overlaps;
}

export interface OperationStats {
  calls: number;
  succeeded: number;
  throttled: number;
  invalid: number;
  serverErrors: number;
  faultsInjected: number;
}

/** The SP-API simulator, time-scaled, with the calls the publisher suites use. */
export class AmazonSimulator extends SpApiSimulatorProcess {
  static start(env: Record<string, string> = {}): Promise<AmazonSimulator> {
    return AmazonSimulator.launch({ env: { SIM_TIME_SCALE: String(TIME_SCALE), ...env } });
  }

  async seedListings(
    listings: { sku: string; productType?: string; quantity?: number; fulfillmentChannelCode?: string }[],
  ): Promise<void> {
    for (let i = 0; i < listings.length; i += 10_000) {
      const res = await this.control('POST', '/_sim/listings', {
        listings: listings
          .slice(i, i + 10_000)
          .map((l) => ({ productType: 'HOME', quantity: 0, marketplaceIds: [IT, DE], ...l })),
      });
      if (res.status !== 201) throw new Error(`seeding listings failed: ${JSON.stringify(res.body)}`);
    }
  }

  /** GET /_sim/listings/{sku}: what Amazon holds for the SKU (the acceptance tests' source of truth). */
  async listing(sku: string): Promise<SimListing> {
    const res = await this.control<SimListing>('GET', `/_sim/listings/${encodeURIComponent(sku)}`);
    if (res.status !== 200) throw new Error(`no simulator listing ${sku}: ${JSON.stringify(res.body)}`);
    return res.body;
  }

  async quantity(sku: string): Promise<number | null> {
    return (await this.listing(sku)).quantity;
  }

  /** Every listing's quantity, by SKU. */
  async quantities(): Promise<Map<string, number | null>> {
    const res = await this.control<{ listings: { sku: string; quantity: number | null }[] }>(
      'GET',
      `/_sim/listings?sellerId=${SIM_SELLER}`,
    );
    return new Map(res.body.listings.map((l) => [l.sku, l.quantity]));
  }

  async stats(): Promise<Record<string, OperationStats>> {
    return (await this.control<{ operations: Record<string, OperationStats> }>('GET', '/_sim/stats')).body
      .operations;
  }

  async addFault(fault: Record<string, unknown>): Promise<string> {
    const res = await this.control<{ faultId: string }>('POST', '/_sim/faults', fault);
    if (res.status !== 201) throw new Error(`fault refused: ${JSON.stringify(res.body)}`);
    return res.body.faultId;
  }

  async clearFaults(): Promise<void> {
    await this.control('DELETE', '/_sim/faults');
  }
}

/** Calls per operation between two stats snapshots. */
export function callsBetween(
  before: Record<string, OperationStats>,
  after: Record<string, OperationStats>,
): Record<string, number> {
  const calls: Record<string, number> = {};
  for (const [operation, stats] of Object.entries(after)) {
    const delta = stats.calls - (before[operation]?.calls ?? 0);
    if (delta > 0) calls[operation] = delta;
  }
  return calls;
}

export function throttledBetween(
  before: Record<string, OperationStats>,
  after: Record<string, OperationStats>,
): number {
  return Object.entries(after).reduce(
    (sum, [operation, stats]) => sum + stats.throttled - (before[operation]?.throttled ?? 0),
    0,
  );
}

/**
 * The availability-publisher's environment for the simulator: one Amazon account
 * (`seller-1` = the simulator's default seller, marketplace IT), the simulator's time scale,
 * and short timings so tests take seconds.
 */
export function publisherEnv(
  sim: AmazonSimulator,
  overrides: Record<string, string> = {},
): Record<string, string> {
  return {
    AMAZON_ACCOUNTS: JSON.stringify([
      {
        accountId: ACCOUNT,
        sellerId: SIM_SELLER,
        region: 'eu',
        marketplaceIds: [IT, DE],
        refreshToken: { env: 'SIM_REFRESH_TOKEN' },
        clientId: { env: 'SIM_CLIENT_ID' },
        clientSecret: { env: 'SIM_CLIENT_SECRET' },
      },
    ]),
    SIM_REFRESH_TOKEN: 'Atzr|holdfast-publisher-test',
    SIM_CLIENT_ID: 'amzn1.application-oa2-client.publisher-test',
    SIM_CLIENT_SECRET: 'publisher-test-secret',
    SPAPI_ENDPOINT: sim.spApiUrl,
    SPAPI_TLS_INSECURE: 'true',
    SPAPI_TIME_SCALE: String(TIME_SCALE),
    SPAPI_TIMEOUT_MS: '2000',
    SPAPI_RETRY_BASE_MS: '50',
    PUBLISH_POLL_MS: '50',
    PUBLISH_QUIET_MS: '300',
    PUBLISH_PATCH_MAX_WAIT_MS: '1000',
    PUBLISH_FEED_MAX_WAIT_MS: '20000',
    PUBLISH_RETRY_BASE_MS: '200',
    PUBLISH_RETRY_MAX_MS: '2000',
    PUBLISH_LEASE_TTL_MS: '3000',
    AMAZON_FEED_DURATION_MS: '60000',
    ...overrides,
  };
}

/** An availability.changed payload (the totals; no per-channel figures). */
export function availability(
  sku: string,
  available: number,
  version: number,
  reserved = 0,
): AvailabilityChangedPayload {
  return { sku, onHand: available + reserved, reserved, available, version };
}

/**
 * Every listing.* event the publisher emits, as the broker routes them. Binding a queue also
 * gives the publisher's outbox somewhere to deliver them (the relay publishes with `mandatory`).
 */
export class ListingEventObserver {
  readonly events: Envelope[] = [];

  private constructor(private readonly connection: ChannelModel) {}

  static async start(namespace: string): Promise<ListingEventObserver> {
    const connection = await connect(TEST_AMQP_URL);
    const channel = await connection.createChannel();
    const observer = new ListingEventObserver(connection);
    const exchange = Topology.eventsExchange(namespace);
    await channel.assertExchange(exchange, 'topic', { durable: true });
    const { queue } = await channel.assertQueue(`${namespace}.listing-observer`, {
      exclusive: true,
      durable: false,
    });
    await channel.bindQueue(queue, exchange, 'listing.*');
    await channel.consume(
      queue,
      (message) => {
        if (message) observer.events.push(JSON.parse(message.content.toString()) as Envelope);
      },
      { noAck: true },
    );
    return observer;
  }

  of(type: string, channelSku?: string): Envelope[] {
    return this.events.filter(
      (e) =>
        e.type === type &&
        (channelSku === undefined || (e.payload as { channelSku: string }).channelSku === channelSku),
    );
  }

  async stop(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
