import type { OperationName } from '../models/operation-catalog';
import { SeededRandom } from '../support/seeded-random';

export const FAULT_KINDS = [
  'http500',
  'http503',
  'latency',
  'connectionReset',
  'malformedBody',
  'silentDrop',
  'unknownOrderStatus',
  'orderWithoutItems',
  'fatalFeed',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface FaultRuleInput {
  /** An operation name, or '*' for every SP-API operation. */
  operation: OperationName | '*';
  kind: FaultKind;
  /** Share of matching calls that get the fault, 0..1. */
  share: number;
  /** For latency: the delay in Amazon time (divided by the time scale). */
  latencyMs?: number;
  /** For connectionReset: drop the connection before the call is handled (default) or after it took effect. */
  phase?: 'before' | 'after';
  /** Only for this seller. */
  sellerId?: string;
  /** Stop after this many injections. */
  limit?: number;
  /** For unknownOrderStatus and orderWithoutItems: only this order (default every order in the answer). */
  orderId?: string;
}

export interface FaultRule extends FaultRuleInput {
  id: string;
  injected: number;
}

/** What to do to one call. */
export interface FaultPlan {
  latencyMs: number;
  /** Fail before handling: no effect on state. */
  failBefore?: 'http500' | 'http503' | 'connectionReset';
  /** Handle the call, then break the answer: the effect happened, the client cannot tell. */
  breakAfter?: 'malformedBody' | 'connectionReset';
  /** Answer success without applying the change (reported by sellers for some confirmations). */
  silentDrop: boolean;
  /** Orders in the answer to spoil as Amazon might (a status nobody mapped, no items). */
  corruptOrders: { kind: 'unknownOrderStatus' | 'orderWithoutItems'; orderId?: string }[];
  /** For createFeed: accept the feed, then end it FATAL at processing time with nothing applied. */
  fatalFeed: boolean;
  applied: { id: string; kind: FaultKind }[];
}

/**
 * Faults on demand, per operation and share of calls. Draws come from a PRNG seeded with SIM_SEED, so
 * the same seed and the same sequence of calls give the same faults.
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

  /**
   * Which faults one call gets. Only faults that take effect count towards their `limit`: the
   * call fails at most one way before it is handled (the first such rule wins) and breaks at most
   * one way after, so a `limit: 1` 503 stacked behind a 500 is still served, on a later call.
   */
  plan(operation: OperationName, sellerId: string): FaultPlan {
    const fired: FaultRule[] = [];
    for (const rule of this.rules) {
      if (rule.operation !== '*' && rule.operation !== operation) continue;
      if (rule.sellerId !== undefined && rule.sellerId !== sellerId) continue;
      if (rule.limit !== undefined && rule.injected >= rule.limit) continue;
      // One draw per matching rule and call, whether or not it fires, keeps sequences reproducible.
      if (this.random.next() >= rule.share) continue;
      fired.push(rule);
    }
    const failing = fired.find((rule) => failBeforeKind(rule) !== undefined);
    const breaking = failing ? undefined : fired.find((rule) => breakAfterKind(rule) !== undefined);
    const effective = fired.filter(
      (rule) =>
        rule.kind === 'latency' ||
        rule === failing ||
        rule === breaking ||
        (rule.kind === 'silentDrop' && !failing) ||
        // A spoiled order needs an answer to spoil.
        ((rule.kind === 'unknownOrderStatus' || rule.kind === 'orderWithoutItems') &&
          !failing &&
          !breaking) ||
        // Only a feed that was accepted can end FATAL.
        (rule.kind === 'fatalFeed' && operation === 'createFeed' && !failing),
    );
    const plan: FaultPlan = {
      latencyMs: 0,
      silentDrop: false,
      corruptOrders: [],
      fatalFeed: false,
      applied: [],
    };
    for (const rule of effective) {
      rule.injected += 1;
      plan.applied.push({ id: rule.id, kind: rule.kind });
      if (rule.kind === 'latency') plan.latencyMs += rule.latencyMs ?? 1000;
      if (rule.kind === 'silentDrop') plan.silentDrop = true;
      if (rule.kind === 'fatalFeed') plan.fatalFeed = true;
      if (rule.kind === 'unknownOrderStatus' || rule.kind === 'orderWithoutItems')
        plan.corruptOrders.push({
          kind: rule.kind,
          ...(rule.orderId === undefined ? {} : { orderId: rule.orderId }),
        });
    }
    if (failing) plan.failBefore = failBeforeKind(failing);
    if (breaking) plan.breakAfter = breakAfterKind(breaking);
    return plan;
  }

  reset(): void {
    this.rules = [];
    this.nextId = 1;
    this.random = SeededRandom.derive(this.seed, 'faults');
  }
}

function failBeforeKind(rule: FaultRule): FaultPlan['failBefore'] {
  if (rule.kind === 'http500' || rule.kind === 'http503') return rule.kind;
  if (rule.kind === 'connectionReset' && rule.phase !== 'after') return 'connectionReset';
  return undefined;
}

function breakAfterKind(rule: FaultRule): FaultPlan['breakAfter'] {
  if (rule.kind === 'malformedBody') return 'malformedBody';
  if (rule.kind === 'connectionReset' && rule.phase === 'after') return 'connectionReset';
  return undefined;
}

/**
 * Spoils orders of a successful Orders API answer (`orders[]` of searchOrders, `order` of
 * getOrder): a fulfillment status no client knows, or no order items. The answer stays JSON
 * and the rest of it is untouched, as when Amazon sends one bad order in a good page.
 */
export function corruptOrders(body: unknown, corruptions: FaultPlan['corruptOrders']): unknown {
  if (corruptions.length === 0 || typeof body !== 'object' || body === null) return body;
  const copy = structuredClone(body) as { orders?: unknown[]; order?: unknown };
  const spoil = (order: unknown) => {
    if (typeof order !== 'object' || order === null) return;
    const o = order as {
      orderId?: string;
      fulfillment?: { fulfillmentStatus?: string };
      orderItems?: unknown[];
    };
    for (const c of corruptions) {
      if (c.orderId !== undefined && c.orderId !== o.orderId) continue;
      if (c.kind === 'unknownOrderStatus')
        o.fulfillment = { ...o.fulfillment, fulfillmentStatus: 'ON_HOLD_FOR_REVIEW' };
      else o.orderItems = [];
    }
  };
  if (Array.isArray(copy.orders)) copy.orders.forEach(spoil);
  if (copy.order !== undefined) spoil(copy.order);
  return copy;
}
