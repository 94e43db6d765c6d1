/** The web shop channels order-ingest takes orders from (besides Amazon). */
export type ShopChannel = 'shopify' | 'woocommerce';

export const SHOP_CHANNELS: readonly ShopChannel[] = ['shopify', 'woocommerce'];

/** The lease resource of a shop's API calls: one replica reconciles a shop at a time. */
export const shopLeaseResource = (channel: ShopChannel, accountId: string) =>
  `shop-orders:${channel}:${accountId}`;

/**
 * Where the next reconciliation run starts: `overlap` before the checkpoint (orders written late
 * in the checkpoint's second, clock skew between the shop and us), or `firstLookback` before now
 * on a shop's first run. Reading an order twice is harmless (change detection drops it).
 */
export function reconcileSince(
  checkpoint: Date | null,
  now: Date,
  overlapMs: number,
  firstLookbackMs: number,
): Date {
  if (!checkpoint) return new Date(now.getTime() - firstLookbackMs);
  return new Date(checkpoint.getTime() - overlapMs);
}

/**
 * The checkpoint after a completed run: the newest `updated_at` the run saw, never moving back,
 * and never past the run's start (a shop's clock ahead of ours must not skip orders written
 * between its "now" and ours).
 */
export function nextCheckpoint(
  previous: Date | null,
  highWatermark: Date | null,
  runStartedAt: Date,
): Date | null {
  if (!highWatermark) return previous;
  const seen = highWatermark < runStartedAt ? highWatermark : runStartedAt;
  return previous && previous > seen ? previous : seen;
}
