import type { AvailabilityOutcome, ShopAvailabilityTarget } from '@holdfast/channels-web-shop';
import { Logger } from '@nestjs/common';
import type {
  BacklogView,
  ChannelAccountDescriptor,
  ChannelPublisher,
  DeliveryDecision,
  DeliveryProgress,
  ItemOutcome,
  ListingDefinition,
  ListingLookup,
  PublishItem,
} from '../domain/channel-publisher';

type Failed = Extract<ItemOutcome, { result: 'failed' }>;

/** The only way quantities reach a web shop: its availability API, absolute values, many SKUs per call. */
export const WEB_SHOP_METHOD = 'api';

/** How a shop adapter's error reads to the core: its kind, and a code for operators. */
export interface ShopCallFailure {
  /** throttled: the shop's limit outlasted the adapter's retries; transient: 5xx or no answer (may have applied); rejected: 4xx; malformed: unreadable answer (may have applied). */
  kind: 'throttled' | 'transient' | 'rejected' | 'malformed' | 'unknown';
  code: string;
  message: string;
}

export interface WebShopPublisherOptions {
  channel: 'shopify' | 'woocommerce';
  /** One availability target per configured shop (its adapter owns the shop's throttle). */
  targets: readonly ShopAvailabilityTarget[];
  /** Listings per attempt (one setAvailable call; the adapter splits it into the shop's batches). */
  maxItems: number;
  /** Coalescing: quiet time, and the longest a change waits for more to join. */
  quietMs: number;
  worthWaitingMs: number;
  /** How long a SKU waits after a call whose outcome is unknown before anything else is sent. */
  uncertainHoldMs: number;
  /** The longest channel SKU the shop takes. */
  maxSkuLength: number;
  /** Reads an adapter error (ShopifyApiError, WooCommerceApiError). */
  classify: (error: unknown) => ShopCallFailure;
}

/**
 * A web shop (Shopify, WooCommerce) as a quantity channel. Everything channel-neutral is the
 * core's (listings, rules, coalescing, versions, leases, retries, events); this adapter sends
 * one batch at a time per shop through the shop's `ShopAvailabilityTarget`, whose client
 * already paces the calls (Shopify's cost bucket, WooCommerce's request rate) and retries
 * throttling and 5xx within its own limits.
 *
 * A shop answers synchronously with one outcome per SKU, so nothing stays open: `applied`
 * means the shop answered that it holds the quantity (Shopify's mutation succeeded without a
 * user error for it; WooCommerce's batch answered the item without an error).
 */
export class WebShopChannelPublisher implements ChannelPublisher {
  readonly channel: 'shopify' | 'woocommerce';
  readonly requiresProductType = false;
  private readonly logger: Logger;
  private readonly byAccount: Map<string, ShopAvailabilityTarget>;

  constructor(private readonly options: WebShopPublisherOptions) {
    this.channel = options.channel;
    this.logger = new Logger(`WebShopChannelPublisher:${options.channel}`);
    this.byAccount = new Map(options.targets.map((t) => [t.accountId, t]));
  }

  accounts(): ChannelAccountDescriptor[] {
    return [...this.byAccount.keys()].map((accountId) => ({
      channel: this.channel,
      accountId,
      marketplaceIds: null,
    }));
  }

  checkListing(listing: ListingDefinition): string[] {
    if (!this.byAccount.has(listing.accountId))
      return [`no ${this.channel} account ${listing.accountId} is configured`];
    const problems: string[] = [];
    if (listing.marketplaceId !== null) problems.push(`a ${this.channel} listing has no marketplaceId`);
    if (listing.productType !== null) problems.push(`a ${this.channel} listing has no productType`);
    if (listing.channelSku.length > this.options.maxSkuLength)
      problems.push(`a ${this.channel} SKU has at most ${this.options.maxSkuLength} characters`);
    if (listing.channelSku.trim() !== listing.channelSku)
      problems.push(`a ${this.channel} SKU has no leading or trailing spaces`);
    return problems;
  }

  lookUpListing(): Promise<ListingLookup> {
    // Never called: a shop listing needs nothing looked up before publishing.
    return Promise.resolve({
      found: false,
      code: 'NotApplicable',
      message: `${this.channel} listings need no look-up`,
      retryable: false,
    });
  }

  decide(_accountId: string, backlog: BacklogView): DeliveryDecision {
    // One call at a time per shop: its throttle is one bucket, and what arrives meanwhile joins the next batch.
    if ((backlog.sending[WEB_SHOP_METHOD] ?? 0) > 0)
      return { action: 'wait', reason: 'a batch is being sent' };
    return {
      action: 'send',
      method: WEB_SHOP_METHOD,
      maxItems: this.options.maxItems,
      quietMs: this.options.quietMs,
      worthWaitingMs: this.options.worthWaitingMs,
    };
  }

  uncertaintyHoldMs(): number {
    return this.options.uncertainHoldMs;
  }

  async deliver(accountId: string, _method: string, items: PublishItem[]): Promise<DeliveryProgress> {
    const target = this.byAccount.get(accountId);
    if (!target) throw new Error(`no ${this.channel} account ${accountId} is configured`);
    let answers: AvailabilityOutcome[];
    try {
      answers = await target.setAvailable(items.map((i) => ({ sku: i.channelSku, quantity: i.quantity })));
    } catch (error) {
      const failure = this.options.classify(error);
      // 5xx or no answer after the adapter's own retries: the last try may still have landed.
      const uncertain =
        failure.kind === 'transient' || failure.kind === 'malformed' || failure.kind === 'unknown';
      this.logger.warn(
        `${accountId}: ${items.length} listing(s) not sent (${failure.code}): ${failure.message}`,
      );
      return {
        outcomes: items.map((i): Failed => ({
          listingId: i.listingId,
          result: 'failed',
          code: failure.code,
          message: failure.message,
          retryable: failure.kind !== 'rejected',
          uncertain,
        })),
      };
    }
    const bySku = new Map(answers.map((a) => [a.sku, a]));
    return { outcomes: items.map((item) => outcomeOf(item, bySku.get(item.channelSku), this.channel)) };
  }

  resume(): Promise<DeliveryProgress> {
    // Shops answer synchronously: no attempt is ever left open.
    return Promise.resolve({ outcomes: [] });
  }
}

function outcomeOf(item: PublishItem, answer: AvailabilityOutcome | undefined, channel: string): ItemOutcome {
  const fail = (code: string, message: string, retryable = true): Failed => ({
    listingId: item.listingId,
    result: 'failed',
    code,
    message,
    retryable,
  });
  if (!answer) return fail('NoOutcome', `the ${channel} adapter reported nothing for ${item.channelSku}`);
  switch (answer.outcome) {
    case 'applied':
      return answer.quantity === item.quantity
        ? { listingId: item.listingId, result: 'applied' }
        : fail(
            'QuantityMismatch',
            `${channel} confirmed ${answer.quantity} for ${item.channelSku}, not ${item.quantity}`,
          );
    case 'unknown_sku':
      // Retried with backoff: the product may be created in the shop later.
      return fail('UnknownSku', `${channel} has no product or variant with SKU ${item.channelSku}`);
    case 'rejected':
      // The shop refused this SKU (not tracked, not stocked at the location): retried, but 8× later.
      return fail(answer.code, answer.message, false);
  }
}
