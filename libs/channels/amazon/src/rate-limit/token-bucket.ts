/**
 * A token bucket: `rate` tokens a second up to `burst`. Time comes from `now()` so tests
 * and benchmarks can drive it. Not a library: the ones on npm either lack run-time rate
 * changes (needed for `x-amzn-RateLimit-Limit`) or a "drain on 429" operation.
 */
export class TokenBucket {
  private tokens: number;
  private updatedAt: number;

  constructor(
    private rate: number,
    private burst: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = burst;
    this.updatedAt = now();
  }

  get currentRate(): number {
    return this.rate;
  }

  private refill(): void {
    const now = this.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.updatedAt) / 1000) * this.rate);
    this.updatedAt = now;
  }

  /** Takes a token if there is one; otherwise returns the milliseconds until there will be. */
  tryTake(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) / this.rate) * 1000);
  }

  /** Amazon said the bucket is empty (429): believe it. */
  drain(): void {
    this.refill();
    this.tokens = Math.min(this.tokens, 0);
  }

  /** Takes `tokens` more (possibly below zero: the next call then waits longer). */
  debit(tokens: number): void {
    if (!(tokens > 0)) return;
    this.refill();
    this.tokens -= tokens;
  }

  setRate(rate: number): void {
    if (!(rate > 0) || rate === this.rate) return;
    this.refill();
    this.rate = rate;
  }

  available(): number {
    this.refill();
    return this.tokens;
  }
}
