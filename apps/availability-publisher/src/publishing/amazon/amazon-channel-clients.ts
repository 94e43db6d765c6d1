import {
  clientOptionsFor,
  createSellingPartnerClient,
  DEFAULT_USAGE_PLANS,
  FeedSubmissionBudget,
  parseUsagePlanOverrides,
  SpApiAmazonFeeds,
  SpApiAmazonListings,
  SpApiCaller,
  SpApiRateLimiter,
  type AmazonAccountConfig,
  type AmazonFeeds,
  type AmazonListings,
  type SpApiOperation,
  type UsagePlan,
} from '@holdfast/channels-amazon';
import type { PublisherSettings } from '../../config/publisher.settings';
import { channelCalls } from '../publishing.metrics';

/** What the Amazon publisher holds per seller account. */
export interface AmazonAccountChannel {
  account: AmazonAccountConfig;
  listings: AmazonListings;
  feeds: AmazonFeeds;
  /** 5 feed submissions per 5 minutes. */
  feedBudget: FeedSubmissionBudget;
  /** The rate limiter's key for this account. */
  limiterKey: string;
}

/** The share of a usage plan's rate the publisher uses (see PublisherRateLimiter). */
const RATE_HEADROOM = 0.9;

/**
 * The limiter every Amazon call of this process goes through, with two additions: each
 * response is counted in `holdfast_channel_calls_total` (a 429 as `throttled`), and under a
 * simulator's time scale the plans, and the rates Amazon states in
 * `x-amzn-RateLimit-Limit`, are multiplied by the scale, as the simulator refills its
 * buckets that much faster. The scale is 1 against Amazon.
 *
 * It also keeps headroom below each plan (90 % of the rate, one token of the burst): calls
 * spaced exactly at the plan's rate reach Amazon with network jitter, and a bucket that
 * Amazon's side keeps at zero throttles every call that arrives early. The headroom lets
 * Amazon's bucket refill a little between calls, so a late-then-early pair still fits.
 */
export class PublisherRateLimiter extends SpApiRateLimiter {
  constructor(
    private readonly timeScale: number,
    overrides: Partial<Record<SpApiOperation, UsagePlan>>,
  ) {
    const plans = { ...DEFAULT_USAGE_PLANS, ...overrides } as Record<SpApiOperation, UsagePlan>;
    const scaled = Object.fromEntries(
      Object.entries(plans).map(([operation, plan]) => [
        operation,
        { rate: plan.rate * timeScale * RATE_HEADROOM, burst: Math.max(1, plan.burst - 1) },
      ]),
    ) as Record<SpApiOperation, UsagePlan>;
    super({ overrides: scaled });
  }

  override observe(account: string, operation: SpApiOperation, status: number, rateLimitHeader?: string | string[]): void {
    const outcome = status === 429 ? 'throttled' : status >= 500 ? 'server-error' : status >= 400 ? 'rejected' : 'ok';
    channelCalls.inc({ channel: 'amazon', operation, outcome });
    const header = Array.isArray(rateLimitHeader) ? rateLimitHeader[0] : rateLimitHeader;
    const rate = header === undefined ? NaN : Number(header);
    super.observe(account, operation, status, Number.isFinite(rate) && rate > 0 ? String(rate * this.timeScale * RATE_HEADROOM) : undefined);
  }
}

/** Builds each configured account's clients; credentials are read here, from env or mounted files. */
export function buildAmazonAccountChannels(
  accounts: readonly AmazonAccountConfig[],
  settings: PublisherSettings,
  env: NodeJS.ProcessEnv = process.env,
): { limiter: PublisherRateLimiter; channels: AmazonAccountChannel[] } {
  const limiter = new PublisherRateLimiter(settings.SPAPI_TIME_SCALE, parseUsagePlanOverrides(settings.SPAPI_USAGE_PLANS));
  const channels = accounts.map((account) => {
    const client = createSellingPartnerClient({
      ...clientOptionsFor(account, env),
      timeouts: { response: settings.SPAPI_TIMEOUT_MS, deadline: settings.SPAPI_TIMEOUT_MS * 4 },
    });
    const caller = new SpApiCaller(client, account.sellerId, limiter, {
      maxAttempts: settings.SPAPI_MAX_ATTEMPTS,
      baseDelayMs: settings.SPAPI_RETRY_BASE_MS,
      maxDelayMs: Math.max(settings.SPAPI_RETRY_BASE_MS, 60_000 / settings.SPAPI_TIME_SCALE),
    });
    return {
      account,
      listings: new SpApiAmazonListings(caller, account.sellerId),
      feeds: new SpApiAmazonFeeds(caller, client, settings.SPAPI_TIMEOUT_MS * 2),
      feedBudget: new FeedSubmissionBudget(settings.AMAZON_FEEDS_PER_WINDOW, settings.AMAZON_FEED_WINDOW_MS / settings.SPAPI_TIME_SCALE),
      limiterKey: account.sellerId,
    };
  });
  return { limiter, channels };
}
