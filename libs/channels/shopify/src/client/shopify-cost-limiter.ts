export interface ShopifyThrottleStatus {
  maximumAvailable: number;
  currentlyAvailable: number;
  restoreRate: number;
}

export interface ShopifyCostLimiterOptions {
  /** Until the first answer tells the real bucket: the smallest plan's (Standard: 100 points/s). */
  initialMaximum?: number;
  initialRestoreRate?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A client-side mirror of Shopify's leaky bucket for one shop: before a call it waits until the
 * estimated points are there, then spends them; every answer's `extensions.cost.throttleStatus`
 * corrects the mirror (the shop's plan decides the real size and restore rate), and the difference
 * between requested and actual cost comes back as Shopify refunds it. Calls queue in order, so
 * several callers in one process share the bucket instead of racing into THROTTLED.
 */
export class ShopifyCostLimiter {
  private maximum: number;
  private restoreRate: number;
  private available: number;
  private at: number;
  private queue: Promise<void> = Promise.resolve();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(options: ShopifyCostLimiterOptions = {}) {
    this.maximum = options.initialMaximum ?? 1000;
    this.restoreRate = options.initialRestoreRate ?? 50;
    this.available = this.maximum;
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.at = this.now();
  }

  /** Waits for `cost` points and spends them. Never asks for more than the bucket can ever hold. */
  acquire(cost: number): Promise<void> {
    const wanted = Math.min(Math.max(0, cost), this.maximum);
    const turn = this.queue.then(async () => {
      for (;;) {
        this.refill();
        if (this.available >= wanted) {
          this.available -= wanted;
          return;
        }
        await this.sleep(Math.ceil(((wanted - this.available) / this.restoreRate) * 1000));
      }
    });
    this.queue = turn.catch(() => undefined);
    return turn;
  }

  /** Learns from an answer: the bucket as Shopify sees it now. */
  observe(status: ShopifyThrottleStatus | undefined): void {
    if (!status) return;
    this.maximum = status.maximumAvailable;
    this.restoreRate = status.restoreRate;
    this.available = Math.min(status.currentlyAvailable, status.maximumAvailable);
    this.at = this.now();
  }

  /** How long to wait before `requested` points are there, per the latest status. */
  waitFor(requested: number): number {
    this.refill();
    if (this.available >= requested) return 0;
    return Math.ceil(((requested - this.available) / this.restoreRate) * 1000);
  }

  status(): ShopifyThrottleStatus {
    this.refill();
    return {
      maximumAvailable: this.maximum,
      currentlyAvailable: Math.floor(this.available),
      restoreRate: this.restoreRate,
    };
  }

  private refill(): void {
    const now = this.now();
    this.available = Math.min(this.maximum, this.available + ((now - this.at) / 1000) * this.restoreRate);
    this.at = now;
  }
}
