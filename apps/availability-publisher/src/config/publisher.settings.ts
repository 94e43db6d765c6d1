import { loadConfig } from '@holdfast/platform';
import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().min(0).max(86_400_000).default(fallback);

/**
 * The publisher's own settings (beside the runtime's DATABASE_URL, AMQP_*, HTTP_*). Amazon
 * accounts come from AMAZON_ACCOUNTS / AMAZON_ACCOUNTS_FILE and SPAPI_ENDPOINT (the
 * channels lib reads those). Durations marked "Amazon time" are divided by SPAPI_TIME_SCALE.
 */
export const PublisherSettingsSchema = z.object({
  /** How often each account's loop looks for work. */
  PUBLISH_POLL_MS: ms(200),
  /**
   * Coalescing (real time, not scaled): a batch a PATCH would carry waits until the account
   * has had no new change for PUBLISH_QUIET_MS, but never longer than PUBLISH_PATCH_MAX_WAIT_MS…
   */
  PUBLISH_QUIET_MS: ms(300),
  PUBLISH_PATCH_MAX_WAIT_MS: ms(2_000),
  /**
   * …and a batch a feed would carry waits for PUBLISH_FEED_QUIET_MS of quiet, at most
   * PUBLISH_FEED_MAX_WAIT_MS (a feed takes minutes anyway, and only 5 fit in 5 minutes).
   */
  PUBLISH_FEED_QUIET_MS: ms(3_000),
  PUBLISH_FEED_MAX_WAIT_MS: ms(30_000),
  /** Backoff of a listing whose publication failed: base, doubling, capped. */
  PUBLISH_RETRY_BASE_MS: ms(5_000),
  PUBLISH_RETRY_MAX_MS: ms(3_600_000),
  /** Account leases: one replica calls each account. */
  PUBLISH_LEASE_TTL_MS: z.coerce.number().int().min(1_000).max(600_000).default(30_000),
  /**
   * For a simulator with SIM_TIME_SCALE only: usage plans refill this many times faster and
   * every "Amazon time" below is divided by it. 1 against Amazon.
   */
  SPAPI_TIME_SCALE: z.coerce.number().positive().max(10_000).default(1),
  /** Per-call timeout (first byte) of SP-API calls. */
  SPAPI_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(30_000),
  /** Backoff base of SpApiCaller's own retries (429s, and 5xx of idempotent calls). */
  SPAPI_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(1_000),
  SPAPI_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(5),
  /** Usage plan overrides, `patchListingsItem=10/10,createFeed=0.0167/15` (Amazon numbers). */
  SPAPI_USAGE_PLANS: z.string().optional(),
  /** Amazon time until an accepted PATCH is applied; the read-back waits that long. */
  AMAZON_PATCH_APPLY_MS: ms(15_000),
  /**
   * Amazon time a SKU waits after a PATCH that got no answer at all (timed out, connection
   * lost): Amazon may still be handling it, and anything sent meanwhile could be overwritten
   * by its older quantity. A PATCH answered with an error waits AMAZON_PATCH_APPLY_MS only.
   */
  AMAZON_PATCH_UNANSWERED_HOLD_MS: ms(300_000),
  /** Amazon time after which an accepted PATCH that the read-back never saw is sent again. */
  AMAZON_PATCH_VERIFY_TIMEOUT_MS: ms(600_000),
  /** Listings per PATCH attempt (each is one call; the limiter paces them). */
  AMAZON_PATCH_BATCH: z.coerce.number().int().min(1).max(1_000).default(25),
  /** Amazon time a feed takes to its report, until measured (then learned per account). */
  AMAZON_FEED_DURATION_MS: ms(180_000),
  /** Amazon time between getFeed polls once the expected duration has passed. */
  AMAZON_FEED_POLL_MS: ms(30_000),
  /** Amazon time after which a feed that never finished is given up (and its SKUs held, see below). */
  AMAZON_FEED_TIMEOUT_MS: ms(3_600_000),
  /**
   * Amazon time a SKU waits after a feed whose fate is unknown (createFeed timed out, a
   * feed never finished): that feed may still be applied, and a PATCH sent meanwhile could
   * be overwritten by it.
   */
  AMAZON_FEED_UNCERTAIN_HOLD_MS: ms(1_800_000),
  /** Amazon's 5 feed submissions per 5 minutes (Amazon time). */
  AMAZON_FEEDS_PER_WINDOW: z.coerce.number().int().min(1).max(1_000).default(5),
  AMAZON_FEED_WINDOW_MS: ms(300_000),
  /**
   * Web shops (Shopify shops from SHOPIFY_SHOPS(_FILE), WooCommerce stores from
   * WOOCOMMERCE_STORES(_FILE); see libs/channels/shopify and libs/channels/woocommerce):
   * listings per call to one shop (Shopify: 100 quantities per inventorySetQuantities,
   * WooCommerce: 100 items per products/batch; the adapters split larger ones)…
   */
  SHOP_PUBLISH_BATCH: z.coerce.number().int().min(1).max(1_000).default(250),
  /** …how long a shop batch waits for more changes to join (after PUBLISH_QUIET_MS of quiet)… */
  PUBLISH_SHOP_MAX_WAIT_MS: ms(2_000),
  /**
   * …how long a SKU waits after a shop call whose outcome is unknown (5xx or no answer after
   * the client's retries) before another quantity is sent, so a late arrival of the older one
   * cannot land after it…
   */
  SHOP_UNCERTAIN_HOLD_MS: ms(30_000),
  /** …and the shop clients' own retries of throttling and 5xx within one call (attempts, backoff base). */
  SHOP_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(20).default(6),
  SHOP_RETRY_BASE_MS: z.coerce.number().int().min(1).max(60_000).default(250),
});

export type PublisherSettings = z.infer<typeof PublisherSettingsSchema>;

export const PUBLISHER_SETTINGS = Symbol('PUBLISHER_SETTINGS');

export function loadPublisherSettings(env: NodeJS.ProcessEnv = process.env): PublisherSettings {
  return loadConfig(PublisherSettingsSchema, env);
}
