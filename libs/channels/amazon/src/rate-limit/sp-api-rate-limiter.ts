import { DEFAULT_USAGE_PLANS, type SpApiOperation, type UsagePlan } from './usage-plans';
import { TokenBucket } from './token-bucket';

export interface RateLimiterOptions {
  overrides?: Partial<Record<SpApiOperation, UsagePlan>>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/**
 * A proactive limiter per (selling-partner account, operation): a call waits for a token
 * instead of spending Amazon's and being throttled. Everything in one process that calls
 * one account shares it (polls and catch-up runs spend the same budget); across replicas,
 * an account lease makes one replica the only caller.
 */
export class SpApiRateLimiter {
  private readonly buckets = new Map<string, TokenBucket>();
  private readonly plans: Record<SpApiOperation, UsagePlan>;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly throttles = new Map<string, number>();

  constructor(options: RateLimiterOptions = {}) {
    this.plans = { ...DEFAULT_USAGE_PLANS, ...options.overrides };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private bucket(account: string, operation: SpApiOperation): TokenBucket {
    const key = `${account}\u0000${operation}`;
    let bucket = this.buckets.get(key);
    if (!bucket) {
      const plan = this.plans[operation];
      bucket = new TokenBucket(plan.rate, plan.burst, this.now);
      this.buckets.set(key, bucket);
    }
    return bucket;
  }

  /** Waits until a call is within the plan, then takes its token. */
  async acquire(account: string, operation: SpApiOperation, signal?: AbortSignal): Promise<void> {
    const bucket = this.bucket(account, operation);
    for (;;) {
      signal?.throwIfAborted();
      const wait = bucket.tryTake();
      if (wait === 0) return;
      await this.sleep(Math.min(wait, 60_000));
    }
  }

  /** Milliseconds until a call would be allowed, without taking a token. */
  waitTime(account: string, operation: SpApiOperation): number {
    const tokens = this.bucket(account, operation).available();
    return tokens >= 1 ? 0 : Math.ceil(((1 - tokens) / this.bucket(account, operation).currentRate) * 1000);
  }

  /** Learns from a response: the per-seller rate Amazon states, or a throttle. */
  observe(
    account: string,
    operation: SpApiOperation,
    status: number,
    rateLimitHeader?: string | string[],
  ): void {
    const header = Array.isArray(rateLimitHeader) ? rateLimitHeader[0] : rateLimitHeader;
    const rate = header ? Number(header) : NaN;
    if (Number.isFinite(rate) && rate > 0) this.bucket(account, operation).setRate(rate);
    if (status === 429) {
      this.bucket(account, operation).drain();
      const key = `${account}\u0000${operation}`;
      this.throttles.set(key, (this.throttles.get(key) ?? 0) + 1);
    }
  }

  rateOf(account: string, operation: SpApiOperation): number {
    return this.bucket(account, operation).currentRate;
  }

  throttledCount(account: string, operation: SpApiOperation): number {
    return this.throttles.get(`${account}\u0000${operation}`) ?? 0;
  }
}
