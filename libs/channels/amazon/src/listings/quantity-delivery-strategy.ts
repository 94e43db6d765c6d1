import { MAX_MESSAGES_PER_LISTINGS_FEED } from '../feeds/json-listings-feed';

export type QuantityDeliveryMethod = 'patch' | 'feed';

/** What the account's limits and recent history say right now. */
export interface QuantityDeliveryConditions {
  /** Listings waiting to be sent. */
  backlog: number;
  /** patchListingsItem tokens available now, and its refill rate (per second). */
  patchTokens: number;
  patchRatePerSecond: number;
  /** How long Amazon takes to apply an accepted PATCH (our read-back waits that long). */
  patchApplyMs: number;
  /** Milliseconds until a feed could be submitted: createFeedDocument and createFeed plans, the 5-per-5-minutes budget. */
  feedWaitMs: number;
  /** How long a feed takes from submission to its processing report (learned, or configured). */
  feedDurationMs: number;
  /** Spacing between further feeds when one is not enough (5 per 5 minutes: 60 s). */
  feedSpacingMs: number;
  /**
   * SKUs per second still joining the backlog while a burst of changes is arriving (0 once
   * the account has gone quiet).
   */
  arrivalsPerSecond?: number;
}

export interface QuantityDeliveryChoice {
  method: QuantityDeliveryMethod;
  /** Estimated milliseconds until the whole backlog is applied, each way. */
  patchEtaMs: number;
  feedEtaMs: number;
}

/** Milliseconds until `backlog` PATCHes are all sent and applied, within the usage plan. */
export function patchEtaMs(c: QuantityDeliveryConditions): number {
  const queued = Math.max(0, c.backlog - Math.floor(c.patchTokens));
  return Math.ceil((queued / c.patchRatePerSecond) * 1000) + c.patchApplyMs;
}

/** Milliseconds until `backlog` messages are applied through feeds of up to 25,000 messages. */
export function feedEtaMs(c: QuantityDeliveryConditions): number {
  const feeds = Math.max(1, Math.ceil(c.backlog / MAX_MESSAGES_PER_LISTINGS_FEED));
  return c.feedWaitMs + (feeds - 1) * c.feedSpacingMs + c.feedDurationMs;
}

/**
 * PATCH or feed: whichever applies the whole backlog sooner within the usage plans. A
 * handful of SKUs go by PATCH (5 per second, applied within seconds); thousands by feed
 * (one call carries 25,000, but it takes minutes and only 5 fit in 5 minutes). The break-
 * even sits where `backlog / patch rate` exceeds a feed's turnaround: about 900 SKUs with
 * Amazon's default plans and a 3-minute feed. Ties go to PATCH, which is applied sooner
 * for the first SKUs of the backlog.
 *
 * While changes arrive faster than PATCHes can be sent, the backlog only grows until the
 * burst ends: PATCHing its first SKUs would spend calls on a backlog a feed carries anyway
 * (10,000 changes trickling in over a minute would cost hundreds of PATCHes and a feed).
 * Then the feed is chosen, and coalescing holds it until the burst is over.
 */
export function chooseQuantityDelivery(c: QuantityDeliveryConditions): QuantityDeliveryChoice {
  const patch = patchEtaMs(c);
  const feed = feedEtaMs(c);
  const outpaced = (c.arrivalsPerSecond ?? 0) > c.patchRatePerSecond && c.feedWaitMs === 0;
  return { method: outpaced || feed < patch ? 'feed' : 'patch', patchEtaMs: patch, feedEtaMs: feed };
}
