import { DEFAULT_USAGE_PLANS, type SpApiOperation, type UsagePlan } from './usage-plans';
import { TokenBucket } from './token-bucket';

export interface RateLimiterOptions {
  overrides?: Partial<Record<SpApiOperation, UsagePlan>>;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Count a call's time in flight as spent (see `settle`). Off by default: it costs
   * throughput in proportion to latency, which a limiter whose clock or rates are scaled
   * for a simulator multiplies.
   */
  settleOnResponse?: boolean;
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
  private readonly settleOnResponse: boolean;

  constructor(options: RateLimiterOptions = {}) {
    this.plans = { ...DEFAULT_USAGE_PLANS, ...options.overrides };
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.settleOnResponse = options.settleOnResponse ?? false;
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

  /** Waits until a call is within the plan, then takes its token; returns when (limiter clock). */
  async acquire(account: string, operation: SpApiOperation, signal?: AbortSignal): Promise<number> {
    const bucket = this.bucket(account, operation);
    for (;;) {
      signal?.throwIfAborted();
      const wait = bucket.tryTake();
      if (wait === 0) return this.now();
      await this.sleep(Math.min(wait, 60_000));
    }
  }

  /**
   * The call that took its token at `takenAt` got its answer. Amazon took the token at some
   * moment in between, unknown to us; counting it as taken at the answer keeps our bucket at
   * or below Amazon's. Otherwise, at the edge of the plan, a call that reaches Amazon faster
   * than the one before it arrives just before its token and is throttled.
   */
  settle(account: string, operation: SpApiOperation, takenAt: number): void {
    if (!this.settleOnResponse) return;
    const bucket = this.bucket(account, operation);
    bucket.debit((Math.max(0, this.now() - takenAt) / 1000) * bucket.currentRate);
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
