export interface CoalescingInput {
  now: number;
  /** The latest desired change among the account's pending listings. */
  lastChangeAt: number | null;
  /** Since when the oldest ready listing has been waiting. */
  oldestReadySince: number | null;
  /** How long the account must have been without a new change to count as quiet. */
  quietMs: number;
  /** The longest the channel adapter finds it worth holding this batch back for more. */
  worthWaitingMs: number;
}

/**
 * Coalescing: hold a batch back while changes are still arriving, so a burst costs one call
 * (50 changes to one SKU in a second become one PATCH; 10,000 SKUs trickling in become one
 * feed, not forty PATCH batches and a feed). It goes once the account has been quiet for
 * `quietMs`, or once its oldest change has waited `worthWaitingMs`, whichever comes first,
 * so a steady stream never starves.
 */
export function shouldKeepCoalescing(c: CoalescingInput): boolean {
  if (c.lastChangeAt === null || c.oldestReadySince === null) return false;
  const quiet = c.now - c.lastChangeAt >= c.quietMs;
  const waitedEnough = c.now - c.oldestReadySince >= c.worthWaitingMs;
  return !quiet && !waitedEnough;
}
