import {
  AMAZON_SKU_MAX_LENGTH,
  buildQuantityFeed,
  chooseQuantityDelivery,
  FeedDocumentTransferError,
  feedMessageOutcomes,
  isAmazonFulfilledOnly,
  JSON_LISTINGS_FEED,
  JSON_LISTINGS_FEED_CONTENT_TYPE,
  MAX_MESSAGES_PER_LISTINGS_FEED,
  merchantQuantity,
  parseListingsFeedReport,
  SpApiError,
  type SpApiRateLimiter,
} from '@holdfast/channels-amazon';
import { Logger } from '@nestjs/common';
import type { PublisherSettings } from '../../config/publisher.settings';
import type {
  BacklogView,
  ChannelAccountDescriptor,
  ChannelPublisher,
  DeliveryCheckpoint,
  DeliveryDecision,
  DeliveryProgress,
  ItemOutcome,
  ListingDefinition,
  ListingLookup,
  PublishItem,
  PublishTarget,
} from '../domain/channel-publisher';
import type { AmazonAccountChannel } from './amazon-channel-clients';

type Failed = Extract<ItemOutcome, { result: 'failed' }>;

interface PatchCheckpoint {
  /** Epoch ms after which an accepted PATCH that the read-back never saw is sent again. */
  deadline: number;
}

interface FeedCheckpoint {
  feeds: { feedId: string; marketplaceId: string; submittedAt: number }[];
}

/** Amazon timings in real milliseconds (Amazon time divided by SPAPI_TIME_SCALE). */
interface AmazonTimings {
  patchApplyMs: number;
  patchUnansweredHoldMs: number;
  patchVerifyTimeoutMs: number;
  feedDurationMs: number;
  feedPollMs: number;
  feedTimeoutMs: number;
  feedUncertainHoldMs: number;
  feedSpacingMs: number;
}

/** How many calls of one kind run at once; the rate limiter paces them anyway. */
const CALL_CONCURRENCY = 5;

/**
 * Amazon as a quantity channel. A backlog goes by `patchListingsItem` or by
 * `JSON_LISTINGS_FEED`, whichever applies it sooner within the usage plans
 * (`chooseQuantityDelivery`). Neither "ACCEPTED" nor a DONE feed is taken as success:
 * a PATCH is confirmed by reading the listing back once Amazon had time to apply it, a
 * feed message by the processing report (its errors, and the quantity it shows for the
 * item). Amazon-fulfilled offers are refused when a listing is looked up.
 */
export class AmazonChannelPublisher implements ChannelPublisher {
  readonly channel = 'amazon' as const;
  readonly requiresProductType = true;
  private readonly logger = new Logger(AmazonChannelPublisher.name);
  private readonly byAccount: Map<string, AmazonAccountChannel>;
  private readonly timings: AmazonTimings;
  /** Learned feed turnaround per account (exponentially weighted). */
  private readonly feedDuration = new Map<string, number>();

  constructor(
    channels: readonly AmazonAccountChannel[],
    private readonly limiter: SpApiRateLimiter,
    private readonly settings: PublisherSettings,
  ) {
    this.byAccount = new Map(channels.map((c) => [c.account.accountId, c]));
    const scale = settings.SPAPI_TIME_SCALE;
    this.timings = {
      patchApplyMs: settings.AMAZON_PATCH_APPLY_MS / scale,
      patchUnansweredHoldMs: settings.AMAZON_PATCH_UNANSWERED_HOLD_MS / scale,
      patchVerifyTimeoutMs: settings.AMAZON_PATCH_VERIFY_TIMEOUT_MS / scale,
      feedDurationMs: settings.AMAZON_FEED_DURATION_MS / scale,
      feedPollMs: settings.AMAZON_FEED_POLL_MS / scale,
      feedTimeoutMs: settings.AMAZON_FEED_TIMEOUT_MS / scale,
      feedUncertainHoldMs: settings.AMAZON_FEED_UNCERTAIN_HOLD_MS / scale,
      feedSpacingMs: settings.AMAZON_FEED_WINDOW_MS / settings.AMAZON_FEEDS_PER_WINDOW / scale,
    };
  }

  accounts(): ChannelAccountDescriptor[] {
    return [...this.byAccount.values()].map((c) => ({
      channel: this.channel,
      accountId: c.account.accountId,
      marketplaceIds: [...c.account.marketplaceIds],
    }));
  }

  checkListing(listing: ListingDefinition): string[] {
    const problems: string[] = [];
    const account = this.byAccount.get(listing.accountId)?.account;
    if (!account) return [`no Amazon account ${listing.accountId} is configured`];
    if (!listing.marketplaceId || !account.marketplaceIds.includes(listing.marketplaceId)) {
      problems.push(`marketplaceId must be one of the account's marketplaces (${account.marketplaceIds.join(', ')})`);
    }
    if (listing.channelSku.length > AMAZON_SKU_MAX_LENGTH) problems.push(`an Amazon seller SKU has at most ${AMAZON_SKU_MAX_LENGTH} characters`);
    if (listing.channelSku.trim() !== listing.channelSku) problems.push('an Amazon seller SKU has no leading or trailing spaces');
    return problems;
  }

  async lookUpListing(accountId: string, listing: PublishTarget, signal?: AbortSignal): Promise<ListingLookup> {
    const channel = this.channelOf(accountId);
    if (!listing.marketplaceId) return { found: false, code: 'MarketplaceMissing', message: 'the listing names no marketplace', retryable: false };
    try {
      const snapshot = await channel.listings.getListingsItem({ sku: listing.channelSku, marketplaceId: listing.marketplaceId }, signal);
      if (!snapshot) {
        return {
          found: false,
          code: 'ListingNotFound',
          message: `Amazon has no listing ${listing.channelSku} in marketplace ${listing.marketplaceId}`,
          retryable: true,
        };
      }
      if (isAmazonFulfilledOnly(snapshot)) {
        return {
          found: false,
          code: 'AmazonFulfilledOffer',
          message: 'Amazon fulfils this offer (FBA): merchant stock is never published to it; set fulfilledBy AMAZON',
          retryable: false,
        };
      }
      if (!snapshot.productType) return { found: false, code: 'ProductTypeUnknown', message: 'Amazon returned no product type', retryable: true };
      return { found: true, productType: snapshot.productType };
    } catch (error) {
      const failure = this.failureOf(error, false);
      return { found: false, code: failure.code, message: failure.message, retryable: failure.retryable };
    }
  }

  decide(accountId: string, backlog: BacklogView): DeliveryDecision {
    const channel = this.channelOf(accountId);
    const key = channel.limiterKey;
    const choice = chooseQuantityDelivery({
      backlog: backlog.ready,
      patchTokens: this.limiter.waitTime(key, 'patchListingsItem') === 0 ? 1 : 0,
      patchRatePerSecond: this.limiter.rateOf(key, 'patchListingsItem'),
      patchApplyMs: this.timings.patchApplyMs,
      feedWaitMs: Math.max(
        this.limiter.waitTime(key, 'createFeedDocument'),
        this.limiter.waitTime(key, 'createFeed'),
        channel.feedBudget.waitTime(),
      ),
      feedDurationMs: this.feedDuration.get(accountId) ?? this.timings.feedDurationMs,
      feedSpacingMs: this.timings.feedSpacingMs,
      arrivalsPerSecond: backlog.arrivalsPerSecond,
    });
    if ((backlog.sending[choice.method] ?? 0) > 0) return { action: 'wait', reason: `a ${choice.method} is being sent` };
    if (choice.method === 'feed') {
      if (channel.feedBudget.waitTime() > 0) return { action: 'wait', reason: 'the feed budget (5 per 5 minutes) is spent' };
      // A feed takes minutes and only 5 fit in 5 minutes: waiting seconds longer for a burst
      // to end, so that one feed carries all of it, costs little.
      return {
        action: 'send',
        method: 'feed',
        maxItems: MAX_MESSAGES_PER_LISTINGS_FEED,
        quietMs: this.settings.PUBLISH_FEED_QUIET_MS,
        worthWaitingMs: this.settings.PUBLISH_FEED_MAX_WAIT_MS,
      };
    }
    return {
      action: 'send',
      method: 'patch',
      maxItems: this.settings.AMAZON_PATCH_BATCH,
      quietMs: this.settings.PUBLISH_QUIET_MS,
      worthWaitingMs: this.settings.PUBLISH_PATCH_MAX_WAIT_MS,
    };
  }

  uncertaintyHoldMs(method: string): number {
    // A PATCH answered with a 5xx: it may still be applied, within Amazon's apply delay; anything
    // sent later is applied after it. (A PATCH with no answer at all holds longer: see sendPatches.) A lost createFeed answer: a feed may be queued, and a
    // PATCH sent meanwhile could be applied before it and then overwritten.
    return method === 'feed' ? this.timings.feedUncertainHoldMs : this.timings.patchApplyMs;
  }

  async deliver(accountId: string, method: string, items: PublishItem[], signal?: AbortSignal): Promise<DeliveryProgress> {
    return method === 'feed' ? this.submitFeeds(accountId, items, signal) : this.sendPatches(accountId, items, signal);
  }

  async resume(
    accountId: string,
    method: string,
    checkpoint: DeliveryCheckpoint,
    items: PublishItem[],
    signal?: AbortSignal,
  ): Promise<DeliveryProgress> {
    return method === 'feed'
      ? this.followFeeds(accountId, checkpoint as unknown as FeedCheckpoint, items, signal)
      : this.readBack(accountId, checkpoint as unknown as PatchCheckpoint, items, signal);
  }

  // ---- PATCH ---------------------------------------------------------------------------------

  private async sendPatches(accountId: string, items: PublishItem[], signal?: AbortSignal): Promise<DeliveryProgress> {
    const channel = this.channelOf(accountId);
    const outcomes: ItemOutcome[] = [];
    let accepted = 0;
    await eachLimited(items, CALL_CONCURRENCY, async (item) => {
      if (!item.productType || !item.marketplaceId) {
        outcomes.push(failed(item, 'ListingIncomplete', 'the listing has no product type or marketplace', false));
        return;
      }
      try {
        const result = await channel.listings.patchQuantity(
          { sku: item.channelSku, marketplaceId: item.marketplaceId, productType: item.productType, quantity: item.quantity },
          signal,
        );
        if (result.status === 'ACCEPTED') {
          accepted++;
          return;
        }
        const issue = result.issues.find((i) => i.severity === 'ERROR') ?? result.issues[0];
        outcomes.push(failed(item, issue?.code ?? 'Invalid', issue?.message ?? `Amazon answered ${result.status}`, false));
      } catch (error) {
        const failure = this.failureOf(error, true);
        // No answer at all: Amazon may handle this PATCH long after we gave up on it.
        const unanswered = failure.uncertain && !(error instanceof SpApiError && error.status !== null);
        outcomes.push({
          listingId: item.listingId,
          result: 'failed',
          ...failure,
          ...(unanswered ? { holdMs: this.timings.patchUnansweredHoldMs } : {}),
        });
      }
    });
    if (accepted === 0) return { outcomes };
    const checkpoint: PatchCheckpoint = { deadline: Date.now() + this.timings.patchVerifyTimeoutMs };
    return { outcomes, open: { checkpoint: { ...checkpoint }, pollAfterMs: this.timings.patchApplyMs } };
  }

  /** Reads each accepted listing back: applied when Amazon shows the quantity sent. */
  private async readBack(accountId: string, checkpoint: PatchCheckpoint, items: PublishItem[], signal?: AbortSignal): Promise<DeliveryProgress> {
    const channel = this.channelOf(accountId);
    const overdue = Date.now() > checkpoint.deadline;
    const outcomes: ItemOutcome[] = [];
    await eachLimited(items, CALL_CONCURRENCY, async (item) => {
      try {
        const snapshot = item.marketplaceId
          ? await channel.listings.getListingsItem({ sku: item.channelSku, marketplaceId: item.marketplaceId }, signal)
          : null;
        const shown = snapshot ? merchantQuantity(snapshot) : null;
        if (shown === item.quantity) outcomes.push({ listingId: item.listingId, result: 'applied' });
        else if (overdue) {
          outcomes.push(failed(item, 'NotApplied', `Amazon still shows ${String(shown)} after an accepted PATCH of ${item.quantity}`, true));
        }
      } catch (error) {
        if (overdue) outcomes.push({ listingId: item.listingId, result: 'failed', ...this.failureOf(error, false) });
      }
    });
    if (outcomes.length === items.length) return { outcomes };
    return { outcomes, open: { checkpoint: { ...checkpoint }, pollAfterMs: Math.max(100, this.timings.patchApplyMs / 2) } };
  }

  // ---- JSON_LISTINGS_FEED ----------------------------------------------------------------------

  private async submitFeeds(accountId: string, items: PublishItem[], signal?: AbortSignal): Promise<DeliveryProgress> {
    const channel = this.channelOf(accountId);
    const outcomes: ItemOutcome[] = [];
    const feeds: FeedCheckpoint['feeds'] = [];
    for (const [marketplaceId, group] of groupByMarketplace(items, outcomes)) {
      const sendable = group.filter((item) => {
        if (item.productType) return true;
        outcomes.push(failed(item, 'ListingIncomplete', 'the listing has no product type', false));
        return false;
      });
      if (sendable.length === 0) continue;
      const content = buildQuantityFeed(
        channel.account.sellerId,
        sendable.map((i) => ({ messageId: i.itemNo, sku: i.channelSku, productType: i.productType ?? '', quantity: i.quantity })),
      );
      let stage = 'createFeedDocument';
      try {
        const document = await channel.feeds.createFeedDocument(JSON_LISTINGS_FEED_CONTENT_TYPE, signal);
        stage = 'upload';
        await channel.feeds.uploadFeedDocument(document, content, JSON_LISTINGS_FEED_CONTENT_TYPE);
        stage = 'createFeed';
        const { feedId } = await channel.feeds.createFeed(
          { feedType: JSON_LISTINGS_FEED, marketplaceIds: [marketplaceId], inputFeedDocumentId: document.feedDocumentId },
          signal,
        );
        channel.feedBudget.record();
        feeds.push({ feedId, marketplaceId, submittedAt: Date.now() });
        this.logger.log(`feed ${feedId} submitted for ${accountId} (${sendable.length} SKUs, ${marketplaceId})`);
      } catch (error) {
        // Only a createFeed whose answer was lost may have created a feed.
        const maybeCreated = stage === 'createFeed' && !(error instanceof SpApiError && (error.kind === 'throttled' || error.kind === 'rejected'));
        if (maybeCreated) channel.feedBudget.record();
        const failure = this.failureOf(error, maybeCreated);
        for (const item of sendable) outcomes.push({ listingId: item.listingId, result: 'failed', ...failure });
      }
    }
    if (feeds.length === 0) return { outcomes };
    const checkpoint: FeedCheckpoint = { feeds };
    return {
      outcomes,
      open: { checkpoint: { ...checkpoint }, pollAfterMs: this.feedDuration.get(accountId) ?? this.timings.feedDurationMs },
    };
  }

  /** Polls each open feed; a finished one settles its items from the processing report. */
  private async followFeeds(accountId: string, checkpoint: FeedCheckpoint, items: PublishItem[], signal?: AbortSignal): Promise<DeliveryProgress> {
    const channel = this.channelOf(accountId);
    const outcomes: ItemOutcome[] = [];
    const stillOpen: FeedCheckpoint['feeds'] = [];
    for (const feed of checkpoint.feeds) {
      const group = items.filter((i) => i.marketplaceId === feed.marketplaceId);
      if (group.length === 0) continue;
      const timedOut = Date.now() - feed.submittedAt > this.timings.feedTimeoutMs;
      try {
        const status = await channel.feeds.getFeed(feed.feedId, signal);
        if (status.processingStatus === 'IN_QUEUE' || status.processingStatus === 'IN_PROGRESS') {
          if (timedOut) {
            for (const item of group) outcomes.push(failed(item, 'FeedTimeout', `feed ${feed.feedId} is still ${status.processingStatus}`, true, true));
          } else stillOpen.push(feed);
          continue;
        }
        if (status.processingStatus === 'CANCELLED') {
          for (const item of group) outcomes.push(failed(item, 'FeedCancelled', `feed ${feed.feedId} was cancelled`, true));
          continue;
        }
        const report = status.resultFeedDocumentId
          ? parseListingsFeedReport(await channel.feeds.downloadFeedDocument(await channel.feeds.getFeedDocument(status.resultFeedDocumentId, signal)))
          : null;
        if (status.processingStatus === 'FATAL') {
          const reason = report?.feedIssues[0]?.message ?? 'no processing report';
          for (const item of group) outcomes.push(failed(item, 'FeedFatal', `feed ${feed.feedId} was FATAL: ${reason}`, true));
          continue;
        }
        if (!report) {
          for (const item of group) outcomes.push(failed(item, 'ReportMissing', `feed ${feed.feedId} is DONE without a processing report`, true));
          continue;
        }
        this.learnFeedDuration(accountId, Date.now() - feed.submittedAt);
        const byMessage = new Map(
          feedMessageOutcomes(
            report,
            group.map((i) => ({ messageId: i.itemNo, sku: i.channelSku, productType: i.productType ?? '', quantity: i.quantity })),
          ).map((o) => [o.messageId, o]),
        );
        for (const item of group) {
          const o = byMessage.get(item.itemNo);
          if (o?.applied) outcomes.push({ listingId: item.listingId, result: 'applied' });
          else outcomes.push(failed(item, o?.code ?? 'NotInReport', o?.message ?? 'not in the processing report', true));
        }
      } catch (error) {
        // The feed exists; a failed poll or download is tried again at the next poll.
        this.logger.warn(`following feed ${feed.feedId} of ${accountId}: ${(error as Error).message}`);
        if (timedOut) {
          const failure = this.failureOf(error, true);
          for (const item of group) outcomes.push({ listingId: item.listingId, result: 'failed', ...failure });
        } else stillOpen.push(feed);
      }
    }
    if (stillOpen.length === 0) return { outcomes };
    return { outcomes, open: { checkpoint: { feeds: stillOpen }, pollAfterMs: this.timings.feedPollMs } };
  }

  private learnFeedDuration(accountId: string, observedMs: number): void {
    const previous = this.feedDuration.get(accountId) ?? this.timings.feedDurationMs;
    this.feedDuration.set(accountId, Math.round(previous * 0.7 + observedMs * 0.3));
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private channelOf(accountId: string): AmazonAccountChannel {
    const channel = this.byAccount.get(accountId);
    if (!channel) throw new Error(`no Amazon account ${accountId} is configured`);
    return channel;
  }

  /** A call that failed, classified: may Amazon have applied it (uncertain), is it worth retrying. */
  private failureOf(error: unknown, mayHaveApplied: boolean): Omit<Failed, 'listingId' | 'result'> {
    if (error instanceof SpApiError) {
      const uncertain = mayHaveApplied && (error.kind === 'transient' || error.kind === 'malformed');
      return { code: error.code, message: error.message, retryable: error.kind !== 'rejected', uncertain };
    }
    if (error instanceof FeedDocumentTransferError) {
      return { code: `${error.direction}:${error.code}`, message: error.message, retryable: true, uncertain: false };
    }
    return { code: 'InternalError', message: (error as Error)?.message ?? String(error), retryable: true, uncertain: mayHaveApplied };
  }
}

function failed(item: PublishItem, code: string, message: string, retryable: boolean, uncertain = false): Failed {
  return { listingId: item.listingId, result: 'failed', code, message, retryable, uncertain };
}

function groupByMarketplace(items: PublishItem[], outcomes: ItemOutcome[]): Map<string, PublishItem[]> {
  const groups = new Map<string, PublishItem[]>();
  for (const item of items) {
    if (!item.marketplaceId) {
      outcomes.push(failed(item, 'ListingIncomplete', 'the listing names no marketplace', false));
      continue;
    }
    const group = groups.get(item.marketplaceId);
    if (group) group.push(item);
    else groups.set(item.marketplaceId, [item]);
  }
  return groups;
}

async function eachLimited<T>(items: readonly T[], concurrency: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(concurrency, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++];
      await work(item);
    }
  });
  await Promise.all(workers);
}
