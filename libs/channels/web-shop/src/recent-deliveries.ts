/**
 * A bounded, expiring memory of delivery ids seen by this process: a cheap first answer to a
 * replayed or redelivered webhook before any database work. It is not the guarantee: that is the
 * dedupe key stored with the effects in one transaction (a unique key in order-ingest's schema),
 * because replicas and restarts do not share this memory.
 */
export class RecentDeliveries {
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
    this.evict(now);
    return true;
  }

  /** Forgets a key, e.g. when processing failed and a redelivery must be accepted. */
  forget(key: string): void {
    this.seen.delete(key);
  }

  get size(): number {
    return this.seen.size;
  }

  private evict(now: number): void {
    // Insertion order is age order: drop expired entries from the front, then the oldest beyond the cap.
    for (const [key, at] of this.seen) {
      if (now - at < this.ttlMs && this.seen.size <= this.maxEntries) break;
      this.seen.delete(key);
    }
  }
}
