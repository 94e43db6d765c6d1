export interface ThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

/**
 * Shopify's leaky bucket for the GraphQL Admin API, one per app and shop: a query's requested cost
 * must be available before it runs, and the difference to its actual cost is refunded afterwards.
 * Points restore continuously at `restoreRate` per second up to `maximumAvailable`.
 */
export class ShopifyCostBucket {
  private available: number;
  private at: number;

  constructor(
    public maximumAvailable: number,
    public restoreRate: number,
    private readonly now: () => number = Date.now,
  ) {
    this.available = maximumAvailable;
    this.at = now();
  }

  status(): ThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.maximumAvailable,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }

  /** Takes `cost` points if they are there; false (and nothing taken) when the call is throttled. */
  take(cost: number): boolean {
    this.refill();
    if (cost > this.available) return false;
    this.available -= cost;
    return true;
  }

  refund(points: number): void {
    this.refill();
    this.available = Math.min(this.maximumAvailable, this.available + Math.max(0, points));
  }

  configure(input: { maximumAvailable?: number; restoreRate?: number; currentlyAvailable?: number }): void {
    this.refill();
    if (input.maximumAvailable !== undefined) this.maximumAvailable = input.maximumAvailable;
    if (input.restoreRate !== undefined) this.restoreRate = input.restoreRate;
    this.available = Math.min(this.maximumAvailable, input.currentlyAvailable ?? this.available);
  }

  private refill(): void {
    const now = this.now();
    const elapsedSeconds = Math.max(0, now - this.at) / 1000;
    this.available = Math.min(this.maximumAvailable, this.available + elapsedSeconds * this.restoreRate);
    this.at = now;
  }
}
