import { gzipSync } from 'node:zlib';
import { LwaAuthority } from '../auth/lwa-authority';
import type { SimulatorConfig } from '../config/simulator-config';
import type {
  CreateOrderInput,
  GenerateOrdersInput,
  ScenarioInput,
  SeedListingInput,
} from '../control/control-schemas';
import { FaultInjector, type FaultRuleInput } from '../faults/fault-injector';
import { FeedBook, type SimFeed } from '../feeds/feed-book';
import { FeedDocuments } from '../feeds/feed-documents';
import { processListingsFeed } from '../feeds/listings-feed-processor';
import { ListingBook, type ListingChangeRequest } from '../listings/listing-book';
import type { SimListing } from '../listings/listing';
import { OPERATION_NAMES, type OperationName, type UsagePlan } from '../models/operation-catalog';
import type { SpApiModels } from '../models/sp-api-models';
import { CarrierList, DEFAULT_CARRIER_CODES } from '../orders/carrier-list';
import { EU_MARKETPLACE_IDS } from '../orders/marketplaces';
import { moveOrder, wholeSeconds, type FulfillmentStatus, type SimOrder } from '../orders/order';
import { OrderBook } from '../orders/order-book';
import { OrderFactory } from '../orders/order-factory';
import { PaginationTokens } from '../orders/pagination-tokens';
import { UsagePlanLimiter } from '../rate-limit/usage-plan-limiter';
import { CallStatistics } from '../stats/call-statistics';
import { SeededRandom } from '../support/seeded-random';
import { SimulatorClock } from '../support/simulator-clock';
import { DueWork } from './due-work';

/** A control-API request that cannot be carried out; becomes application/problem+json. */
export class ControlProblem extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
  ) {
    super(detail ?? title);
  }
}

function listingWorkLabel(sellerId: string, sku: string): string {
  return `listing:${sellerId}\u0000${sku}`;
}

const GZIP_THRESHOLD_BYTES = 256 * 1024;

/**
 * Everything the simulated Amazon knows: sellers and tokens, orders, listings, feeds, usage plans,
 * faults and statistics, plus the work Amazon finishes later. Both servers share one instance.
 */
export class SimulatedAmazon {
  readonly clock: SimulatorClock;
  readonly lwa: LwaAuthority;
  readonly limiter: UsagePlanLimiter;
  readonly faults: FaultInjector;
  readonly stats = new CallStatistics();
  readonly orders = new OrderBook();
  readonly feeds: FeedBook;
  readonly carriers: CarrierList;
  readonly dueWork = new DueWork();
  readonly paginationTokens = new PaginationTokens();
  listings!: ListingBook;
  documents!: FeedDocuments;
  private orderFactory!: OrderFactory;
  private generatorRandom!: SeededRandom;
  /** Origin of the SP-API server, for the document URLs it hands out. */
  publicUrl = 'https://127.0.0.1:8443';
  private scenario?: ScenarioInput;

  constructor(
    readonly config: SimulatorConfig,
    readonly models: SpApiModels,
    clock?: SimulatorClock,
  ) {
    this.clock = clock ?? new SimulatorClock(config.timeScale);
    this.lwa = new LwaAuthority(this.clock, {
      accessTokenTtlSeconds: config.accessTokenTtlSeconds,
      defaultSellerId: config.defaultSellerId,
      acceptUnknownRefreshTokens: config.acceptUnknownRefreshTokens,
      clientId: config.lwaClientId,
      clientSecret: config.lwaClientSecret,
    });
    const defaults = new Map<OperationName, UsagePlan>(
      OPERATION_NAMES.map((name) => [name, models.operation(name).usagePlan]),
    );
    this.limiter = new UsagePlanLimiter(this.clock, defaults);
    this.faults = new FaultInjector(config.seed);
    this.feeds = new FeedBook(50_000_000_000 + new SeededRandom(config.seed).int(0, 9_999_999) * 1000);
    this.carriers = new CarrierList({
      codes: config.carrierCodes ?? [...DEFAULT_CARRIER_CODES],
      byMarketplace: {},
      otherRejectedIn: [],
    });
    this.seedRandomStreams();
  }

  now(): number {
    return this.clock.now();
  }

  /** Runs whatever Amazon would have finished by now. Called before every request. */
  advance(): void {
    this.dueWork.runDue(this.now());
  }

  /** An Amazon-time duration in real milliseconds. */
  scaled(amazonMs: number): number {
    return this.clock.scaled(amazonMs);
  }

  // ---- orders ------------------------------------------------------------------------------

  createOrder(input: CreateOrderInput): SimOrder {
    const now = this.now();
    const createdAt = input.createdAt === undefined ? undefined : Date.parse(input.createdAt);
    if (createdAt !== undefined && createdAt > now) {
      throw new ControlProblem(400, 'Invalid order', 'createdAt must not lie in the future');
    }
    if (input.orderId && this.orders.has(input.orderId)) {
      throw new ControlProblem(409, 'Order exists', `order ${input.orderId} already exists`);
    }
    if (input.fulfilledBy === 'AMAZON' && input.status === 'PARTIALLY_SHIPPED') {
      throw new ControlProblem(
        400,
        'Invalid order',
        'Amazon-fulfilled orders are not created partially shipped',
      );
    }
    const order = this.orderFactory.build(
      {
        sellerId: input.sellerId ?? this.config.defaultSellerId,
        marketplaceId: input.marketplaceId,
        fulfilledBy: input.fulfilledBy,
        status: input.status,
        items: input.items,
        orderId: input.orderId,
        sellerOrderId: input.sellerOrderId,
        createdAt,
        visibleAfterMs: this.scaled(input.visibilityDelayMs ?? 0),
      },
      now,
      (orderId) => this.orders.has(orderId),
    );
    this.orders.add(order);
    return order;
  }

  generateOrders(input: GenerateOrdersInput): SimOrder[] {
    const random = this.generatorRandom;
    const marketplaces = input.marketplaceIds ?? [...EU_MARKETPLACE_IDS];
    const sellerId = input.sellerId ?? this.config.defaultSellerId;
    const skus = input.skus ?? this.defaultSkus(sellerId);
    const now = this.now();
    const created: SimOrder[] = [];
    for (let i = 0; i < input.count; i++) {
      const lineCount = random.int(1, Math.min(input.maxLines, skus.length));
      const chosen = new Set<string>();
      while (chosen.size < lineCount) chosen.add(random.pick(skus));
      const fulfilledBy =
        input.fulfilledBy === 'MIXED' ? random.pick(['MERCHANT', 'AMAZON'] as const) : input.fulfilledBy;
      const createdAt =
        input.createdWithinMs > 0 ? now - random.next() * this.scaled(input.createdWithinMs) : undefined;
      created.push(
        this.createOrder({
          sellerId,
          marketplaceId: random.pick(marketplaces),
          fulfilledBy,
          status:
            fulfilledBy === 'AMAZON' && input.status === 'PARTIALLY_SHIPPED' ? 'UNSHIPPED' : input.status,
          items: [...chosen].map((sku) => ({ sellerSku: sku, quantity: random.int(1, input.maxQuantity) })),
          createdAt: createdAt === undefined ? undefined : new Date(createdAt).toISOString(),
          visibilityDelayMs: input.visibilityDelayMs,
        }),
      );
    }
    return created;
  }

  changeOrderStatus(orderId: string, status: FulfillmentStatus): SimOrder {
    const order = this.orders.get(orderId);
    if (!order) throw new ControlProblem(404, 'Order not found', `no order ${orderId}`);
    try {
      moveOrder(order, status, wholeSeconds(this.now()), 'control');
    } catch (error) {
      throw new ControlProblem(409, 'Transition not allowed', (error as Error).message);
    }
    return order;
  }

  private defaultSkus(sellerId: string): string[] {
    const skus = this.listings
      .list(sellerId)
      .filter((l) => l.fulfillmentChannelCode === 'DEFAULT')
      .map((l) => l.sku);
    return skus.length > 0
      ? skus
      : Array.from({ length: 20 }, (_, i) => `SIM-SKU-${String(i + 1).padStart(4, '0')}`);
  }

  // ---- listings ----------------------------------------------------------------------------

  seedListing(sku: string, input: SeedListingInput): SimListing {
    return this.listings.seed(
      {
        sellerId: input.sellerId ?? this.config.defaultSellerId,
        sku,
        productType: input.productType,
        quantity: input.quantity,
        fulfillmentChannelCode: input.fulfillmentChannelCode,
        leadTimeToShipMaxDays: input.leadTimeToShipMaxDays,
        marketplaceIds: input.marketplaceIds ?? [...EU_MARKETPLACE_IDS],
        itemName: input.itemName,
        asin: input.asin,
      },
      wholeSeconds(this.now()),
    );
  }

  /** An ACCEPTED listing change: Amazon applies it later. */
  queueListingChange(change: ListingChangeRequest): number {
    const dueAt = change.receivedAt + this.scaled(this.config.delays.patchApplyMs);
    this.dueWork.schedule(dueAt, listingWorkLabel(change.sellerId, change.sku), (at) => {
      this.listings.apply(change, at);
    });
    return dueAt;
  }

  /** Accepted PATCHes for a SKU that Amazon has not applied yet. */
  pendingListingChanges(sellerId: string, sku: string): number {
    return this.dueWork.pending(listingWorkLabel(sellerId, sku));
  }

  // ---- feeds -------------------------------------------------------------------------------

  submitFeed(feed: SimFeed): void {
    this.feeds.add(feed);
    this.dueWork.schedule(feed.processingEndTime, 'feed', (at) => this.finishFeed(feed, at));
  }

  private finishFeed(feed: SimFeed, at: number): void {
    const input = this.documents.get(feed.inputFeedDocumentId);
    const { outcome, report } = processListingsFeed(
      feed,
      input?.content ?? Buffer.alloc(0),
      this.models,
      this.listings,
      at,
    );
    if (this.config.responseValidation !== 'off') {
      const problems = this.models.validateProcessingReport(report);
      if (problems.length > 0) this.stats.recordViolation('feedProcessingReport', 200, problems);
    }
    const json = Buffer.from(JSON.stringify(report));
    const gzip =
      this.config.reportCompression === 'always' ||
      (this.config.reportCompression === 'auto' && json.length > GZIP_THRESHOLD_BYTES);
    const result = this.documents.create(
      feed.sellerId,
      'result',
      'application/json; charset=UTF-8',
      at,
      gzip ? gzipSync(json) : json,
      gzip ? 'GZIP' : undefined,
    );
    feed.outcome = outcome;
    feed.resultFeedDocumentId = result.feedDocumentId;
    feed.summary = {
      messagesProcessed: report.summary.messagesProcessed,
      messagesAccepted: report.summary.messagesAccepted,
      messagesInvalid: report.summary.messagesInvalid,
      errors: report.summary.errors,
      warnings: report.summary.warnings,
    };
  }

  // ---- scenario and reset ------------------------------------------------------------------

  applyScenario(scenario: ScenarioInput): void {
    this.scenario = scenario;
    this.loadScenario(scenario);
  }

  reset(reloadScenario: boolean): void {
    this.lwa.reset();
    this.limiter.reset();
    this.faults.reset();
    this.stats.reset();
    this.orders.reset();
    this.feeds.reset();
    this.carriers.reset();
    this.dueWork.clear();
    this.paginationTokens.reset();
    this.seedRandomStreams();
    if (reloadScenario && this.scenario) this.loadScenario(this.scenario);
  }

  addFault(input: FaultRuleInput): string {
    return this.faults.add(input).id;
  }

  private loadScenario(scenario: ScenarioInput): void {
    for (const seller of scenario.sellers ?? [])
      this.lwa.registerRefreshToken(seller.refreshToken, seller.sellerId);
    if (scenario.carriers) this.carriers.update(scenario.carriers);
    for (const plan of scenario.usagePlans ?? []) {
      this.limiter.override(
        plan.operation as OperationName,
        { rate: plan.rate, burst: plan.burst },
        plan.sellerId,
      );
    }
    for (const listing of scenario.listings ?? []) this.seedListing(listing.sku, listing);
    for (const order of scenario.orders ?? []) this.createOrder(order);
    for (const batch of scenario.generate ?? []) this.generateOrders(batch);
    for (const fault of scenario.faults ?? [])
      this.addFault({ ...fault, operation: fault.operation as OperationName | '*' });
  }

  private seedRandomStreams(): void {
    const seed = this.config.seed;
    this.orderFactory = new OrderFactory(SeededRandom.derive(seed, 'orders'));
    this.generatorRandom = SeededRandom.derive(seed, 'generator');
    this.listings = new ListingBook(
      { autoCreate: this.config.autoCreateListings },
      SeededRandom.derive(seed, 'listings'),
    );
    this.documents = new FeedDocuments(SeededRandom.derive(seed, 'documents'));
  }
}
