/**
 * A bounded, expiring memory of delivery ids seen by this process: a cheap first answer to a
 * replayed webhook before any database work. Not the guarantee: that is the dedupe key stored with
 * the effects in one transaction in order-ingest, since replicas and restarts do not share this.
 * (The Shopify lib has the same class; the libs do not depend on each other.)
 */
export class WooCommerceRecentDeliveries {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 24 * 60 * 60 * 1000,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** True the first time a key is offered (within the TTL), false for a replay. */
  firstSeen(key: string): boolean {
    const now = this.now();
    const at = this.seen.get(key);
    if (at !== undefined && now - at < this.ttlMs) return false;
    this.seen.delete(key);
    this.seen.set(key, now);
    for (const [oldKey, oldAt] of this.seen) {
      if (now - oldAt < this.ttlMs && this.seen.size <= this.maxEntries) break;
      this.seen.delete(oldKey);
    }
    return true;
  }

  forget(key: string): void {
    this.seen.delete(key);
  }
}
