/**
 * A merchant's Amazon seller account as order-ingest works with it: who it is (from the
 * accounts file, with its credentials as references that never reach the database) and
 * how to import its orders (options kept in the database, edited through the HTTP API).
 */
export interface AccountOptions {
  /** Import Pending orders (order.placed while Pending). Off: an order is announced once it left Pending. */
  importPending: boolean;
  /**
   * Hold merchant stock for Amazon-fulfilled orders. Recorded and shown here only: order
   * events do not carry it, and inventory-reservation decides by its own account setting
   * (see the README).
   */
  reserveAmazonFulfilled: boolean;
  /** Poll this account at all (catch-up runs and recoveries still run). */
  pollingEnabled: boolean;
  /** Seconds between polls. Faster than the searchOrders plan (one call per 180 s) only spends the burst. */
  pollIntervalSeconds: number;
  /** Each poll starts this far before the checkpoint, for orders Amazon shows late. */
  overlapSeconds: number;
  /** Minutes between scheduled catch-up runs (1440: daily). */
  catchUpEveryMinutes: number;
  /** Catch-up runs scan merchant orders not yet shipped created this many days back. */
  catchUpLookbackDays: number;
  /** Amazon-fulfilled orders are scanned this many days further back (Amazon holds them back longer). */
  catchUpAmazonExtraDays: number;
}

export const DEFAULT_ACCOUNT_OPTIONS: Readonly<AccountOptions> = Object.freeze({
  importPending: true,
  reserveAmazonFulfilled: false,
  pollingEnabled: true,
  pollIntervalSeconds: 180,
  overlapSeconds: 60,
  catchUpEveryMinutes: 24 * 60,
  catchUpLookbackDays: 7,
  catchUpAmazonExtraDays: 2,
});

/** Bounds of each numeric option, shared by the HTTP validation and the domain. */
export const ACCOUNT_OPTION_LIMITS = {
  pollIntervalSeconds: { min: 1, max: 86_400 },
  overlapSeconds: { min: 0, max: 86_400 },
  catchUpEveryMinutes: { min: 1, max: 7 * 24 * 60 },
  catchUpLookbackDays: { min: 1, max: 90 },
  catchUpAmazonExtraDays: { min: 0, max: 30 },
} as const;

export interface ChannelAccount {
  channel: 'amazon';
  accountId: string;
  sellerId: string;
  region: string;
  marketplaceIds: string[];
  /** Still in the accounts file. An account removed from it keeps its orders but is not called any more. */
  configured: boolean;
  options: AccountOptions;
  optionsUpdatedAt: Date;
}
