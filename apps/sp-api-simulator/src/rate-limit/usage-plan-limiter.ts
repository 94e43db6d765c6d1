import type { OperationName, UsagePlan } from '../models/operation-catalog';
import type { SimulatorClock } from '../support/simulator-clock';

interface Bucket {
  tokens: number;
  refilledAt: number;
  plan: UsagePlan;
}

export type Admission = { admitted: true; plan: UsagePlan } | { admitted: false; plan: UsagePlan };

/**
 * SP-API usage plans: one token bucket per (seller, operation), full at start, refilled at the plan's
 * rate up to its burst; a call takes one token or is throttled. Under a time scale the buckets refill
 * `timeScale` times faster in real time; the plan itself (and the x-amzn-RateLimit-Limit header) stays
 * Amazon's numbers.
 */
export class UsagePlanLimiter {
  private readonly buckets = new Map<string, Bucket>();
  private readonly overrides = new Map<string, UsagePlan>();

  constructor(
    private readonly clock: SimulatorClock,
    private readonly defaults: ReadonlyMap<OperationName, UsagePlan>,
  ) {}

  admit(sellerId: string, operation: OperationName): Admission {
    const plan = this.planFor(sellerId, operation);
    const key = `${sellerId}\u0000${operation}`;
    const now = this.clock.now();
    let bucket = this.buckets.get(key);
    if (!bucket || bucket.plan.rate !== plan.rate || bucket.plan.burst !== plan.burst) {
      bucket = { tokens: plan.burst, refilledAt: now, plan };
      this.buckets.set(key, bucket);
    }
    const elapsedSeconds = Math.max(0, now - bucket.refilledAt) / 1000;
    bucket.tokens = Math.min(plan.burst, bucket.tokens + elapsedSeconds * plan.rate * this.clock.timeScale);
    bucket.refilledAt = now;
    if (bucket.tokens < 1) return { admitted: false, plan };
    bucket.tokens -= 1;
    return { admitted: true, plan };
  }

  planFor(sellerId: string, operation: OperationName): UsagePlan {
    const plan =
      this.overrides.get(`${sellerId}\u0000${operation}`) ??
      this.overrides.get(`*\u0000${operation}`) ??
      this.defaults.get(operation);
    if (!plan) throw new Error(`no usage plan for ${operation}`);
    return plan;
  }

  /** A seller's (or, without seller, every seller's) plan for an operation; the bucket restarts full. */
  override(operation: OperationName, plan: UsagePlan, sellerId?: string): void {
    this.overrides.set(`${sellerId ?? '*'}\u0000${operation}`, plan);
  }

  plans(): {
    operation: OperationName;
    sellerId: string | null;
    rate: number;
    burst: number;
    source: string;
  }[] {
    const out: {
      operation: OperationName;
      sellerId: string | null;
      rate: number;
      burst: number;
      source: string;
    }[] = [];
    for (const [operation, plan] of this.defaults)
      out.push({ operation, sellerId: null, ...plan, source: 'model' });
    for (const [key, plan] of this.overrides) {
      const [sellerId, operation] = key.split('\u0000') as [string, OperationName];
      out.push({ operation, sellerId: sellerId === '*' ? null : sellerId, ...plan, source: 'override' });
    }
    return out;
  }

  /** Empties the overrides and refills every bucket. */
  reset(): void {
    this.buckets.clear();
    this.overrides.clear();
  }
}
