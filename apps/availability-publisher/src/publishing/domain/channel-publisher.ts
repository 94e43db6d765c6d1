import type { Channel } from '@holdfast/contracts';

/**
 * The port between the channel-neutral publishing core and one channel (Amazon here; the
 * web shops add theirs). The core owns listings, desired vs acknowledged quantities,
 * coalescing, leases, retries, events and the operations API; an adapter only knows how its
 * channel takes quantities: which method suits a backlog, how to send a batch, and how to
 * find out later whether it landed.
 *
 * Contract the core relies on:
 * - `deliver` and `resume` never throw for a channel failure: every item they were given
 *   ends as an outcome or stays open (unknown items stay open).
 * - An item's outcome is `applied` only when the channel confirmed the quantity itself (a
 *   read-back, a processing report), never on "accepted for processing".
 * - `uncertain: true` on a failure means the change may still reach the channel later; the
 *   core then sends nothing for that listing for `holdMs` if the outcome gives one, else
 *   for `uncertaintyHoldMs(method)`.
 */
export interface ChannelPublisher {
  readonly channel: Channel;

  /** Listings need a product type before they can be published (Amazon); `lookUpListing` finds it. */
  readonly requiresProductType: boolean;

  /** The accounts of this channel configured in this process. */
  accounts(): ChannelAccountDescriptor[];

  /** Problems with a listing definition for this channel (an unknown marketplace, a SKU too long); [] if none. */
  checkListing(listing: ListingDefinition): string[];

  /**
   * Looks the listing up on the channel to complete what publishing needs (Amazon: the
   * product type), and refuses offers the merchant must not publish to (Amazon-fulfilled).
   * Only called for listings lacking a product type.
   */
  lookUpListing(accountId: string, listing: PublishTarget, signal?: AbortSignal): Promise<ListingLookup>;

  /** How the next batch of the account's backlog should go, or why to wait. */
  decide(accountId: string, backlog: BacklogView): DeliveryDecision;

  /** Sends the items. Resolves with the settled outcomes and, if any remain open, how to resume. */
  deliver(accountId: string, method: string, items: PublishItem[], signal?: AbortSignal): Promise<DeliveryProgress>;

  /** Looks again at an open attempt (poll a feed, read back patched listings). */
  resume(accountId: string, method: string, checkpoint: DeliveryCheckpoint, items: PublishItem[], signal?: AbortSignal): Promise<DeliveryProgress>;

  /** How long a listing whose change may still land must wait before anything else is sent. */
  uncertaintyHoldMs(method: string): number;
}

export interface ChannelAccountDescriptor {
  channel: Channel;
  accountId: string;
  /** Marketplaces of the account; the first is the default for new listings. Null when the channel has none. */
  marketplaceIds: string[] | null;
}

export interface ListingDefinition {
  accountId: string;
  marketplaceId: string | null;
  channelSku: string;
  productType: string | null;
}

export interface PublishTarget {
  listingId: string;
  channelSku: string;
  marketplaceId: string | null;
  productType: string | null;
}

export interface PublishItem extends PublishTarget {
  /** 1…n within its attempt (a feed's messageId). */
  itemNo: number;
  quantity: number;
  /** W3C trace context of the change that set this quantity (the core's span parent or link; adapters ignore it). */
  trace?: Record<string, string> | null;
}

export type ListingLookup =
  | { found: true; productType: string }
  | { found: false; code: string; message: string; retryable: boolean };

export type ItemOutcome =
  | { listingId: string; result: 'applied' }
  | {
      listingId: string;
      result: 'failed';
      code: string;
      message: string;
      retryable: boolean;
      uncertain?: boolean;
      /** With `uncertain`: how long the change may still land, when it differs from `uncertaintyHoldMs(method)`. */
      holdMs?: number;
    };

export type DeliveryCheckpoint = Record<string, unknown>;

export interface DeliveryProgress {
  /** Items settled by this step. Items neither settled nor open are treated as failed. */
  outcomes: ItemOutcome[];
  /** Present while some items are still open at the channel. */
  open?: { checkpoint: DeliveryCheckpoint; pollAfterMs: number };
}

/** The account's backlog as the core sees it. */
export interface BacklogView {
  /** Listings ready to be sent now. */
  ready: number;
  /** Attempts of this account whose `deliver` is running in this process, per method. */
  sending: Record<string, number>;
  /** Attempts waiting at the channel (feeds processing, patches to read back), per method. */
  open: Record<string, number>;
  /** Listings per second still joining the backlog while changes keep arriving; 0 once the account is quiet. */
  arrivalsPerSecond: number;
}

export type DeliveryDecision =
  | {
      action: 'send';
      method: string;
      maxItems: number;
      /** Coalescing: the batch waits until no change arrived for this long… */
      quietMs: number;
      /** …or its oldest change waited this long: how long it is worth waiting for more to join. */
      worthWaitingMs: number;
    }
  | { action: 'wait'; reason: string };

export const CHANNEL_PUBLISHERS = Symbol('CHANNEL_PUBLISHERS');
