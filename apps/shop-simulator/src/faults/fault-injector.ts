import { SeededRandom } from '../support/seeded-random';

export const SHOP_PLATFORMS = ['shopify', 'woocommerce'] as const;
export type ShopPlatform = (typeof SHOP_PLATFORMS)[number];

export const FAULT_KINDS = [
  'http500',
  'http502',
  'http503',
  'latency',
  'connectionReset',
  'malformedBody',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRuleInput {
  platform: ShopPlatform | '*';
  /**
   * Shopify: the GraphQL root field (`inventorySetQuantities`, `fulfillmentCreate`, `orders`, …).
   * WooCommerce: the operation name (`orders.list`, `products.batch`, `variations.batch`, …). `*`: all.
   */
  operation: string;
  kind: FaultKind;
  /** Share of matching calls that get the fault, 0..1. */
  share: number;
  /** For latency: the added delay. */
  latencyMs?: number;
  /**
   * `before` (default): fail before the call is handled, nothing changes. `after`: handle the call,
   * then fail the answer: the change happened but the client cannot tell (the non-idempotent case).
   * `malformedBody` is always `after`: the call is handled, then answered 200 with half its JSON.
   */
  phase?: 'before' | 'after';
  /** Only for this shop domain or store id. */
  account?: string;
  /** Stop after this many injections. */
  limit?: number;
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  injected: number;
}

export interface FaultPlan {
  latencyMs: number;
  failBefore?: Exclude<FaultKind, 'latency' | 'malformedBody'>;
  failAfter?: Exclude<FaultKind, 'latency'>;
  applied: { id: string; kind: FaultKind }[];
}

/**
 * Faults on demand, per platform, operation and share of calls. Draws come from a PRNG seeded with
 * SIM_SEED: the same seed and the same sequence of calls give the same faults.
 */
export class FaultInjector {
  private rules: FaultRule[] = [];
  private random: SeededRandom;
  private nextId = 1;

  constructor(private readonly seed: number) {
    this.random = SeededRandom.derive(seed, 'faults');
  }

  add(input: FaultRuleInput): FaultRule {
    const rule: FaultRule = { ...input, id: `fault-${this.nextId++}`, injected: 0 };
    this.rules.push(rule);
    return rule;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((rule) => rule.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): FaultRule[] {
    return this.rules.map((rule) => ({ ...rule }));
  }

  plan(platform: ShopPlatform, operations: readonly string[], account: string): FaultPlan {
    const plan: FaultPlan = { latencyMs: 0, applied: [] };
    for (const rule of this.rules) {
      if (rule.platform !== '*' && rule.platform !== platform) continue;
      if (rule.operation !== '*' && !operations.includes(rule.operation)) continue;
      if (rule.account !== undefined && rule.account !== account) continue;
      if (rule.limit !== undefined && rule.injected >= rule.limit) continue;
      // One draw per matching rule and call, whether or not it fires, keeps sequences reproducible.
      if (this.random.next() >= rule.share) continue;
      rule.injected += 1;
      plan.applied.push({ id: rule.id, kind: rule.kind });
      if (rule.kind === 'latency') {
        plan.latencyMs += rule.latencyMs ?? 1000;
      } else if (rule.kind === 'malformedBody' || rule.phase === 'after') {
        plan.failAfter ??= rule.kind;
      } else {
        plan.failBefore ??= rule.kind;
      }
    }
    return plan;
  }

  reset(): void {
    this.rules = [];
    this.nextId = 1;
    this.random = SeededRandom.derive(this.seed, 'faults');
  }
}

export function faultStatus(
  kind: Exclude<FaultKind, 'latency' | 'connectionReset' | 'malformedBody'>,
): number {
  switch (kind) {
    case 'http500':
      return 500;
    case 'http502':
      return 502;
    case 'http503':
      return 503;
  }
}
