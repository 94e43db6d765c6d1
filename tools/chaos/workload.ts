import { SeededRandom } from './seeded-random';

/**
 * A seeded workload: buyers ordering on Amazon (the SP-API simulator) across a few hot SKUs
 * whose stock is scarce, so demand exceeds supply; payments clearing, fraud cancellations and
 * orders left Pending; the ERP counting stock (snapshots, one of them stale) and moving it
 * (adjustments, each sent twice as a retrying ERP would). Two streams that run concurrently:
 * the buyers' at the simulator and the ERP's at inventory-reservation. The end state depends
 * only on each stream's own order, which is what makes a sequential model possible.
 */

export interface WorkloadOptions {
  /** Amazon orders to place. */
  orders: number;
  /** Hot SKUs the orders share. */
  skus: number;
}

export interface OrderLinePlan {
  sku: string;
  quantity: number;
}

export type AmazonStatus = 'PENDING' | 'UNSHIPPED' | 'CANCELLED';

export type BuyerOp =
  | { kind: 'create'; ref: string; lines: OrderLinePlan[]; status: 'PENDING' | 'UNSHIPPED' }
  | { kind: 'status'; ref: string; status: 'UNSHIPPED' | 'CANCELLED' };

export type ErpOp =
  | { kind: 'snapshot'; sku: string; onHand: number; asOfSeconds: number }
  | { kind: 'adjust'; sku: string; delta: number; key: string; repeat: boolean };

export interface ChannelRules {
  safetyBuffer: number;
  maxQuantity: number | null;
  sharePercent: number;
  zeroBelow: number;
}

export interface Workload {
  seed: number;
  skus: { sku: string; onHand: number }[];
  /** The rules of the Amazon account at availability-publisher. */
  rules: ChannelRules;
  buyer: BuyerOp[];
  erp: ErpOp[];
}

export const DEFAULT_WORKLOAD: WorkloadOptions = { orders: 40, skus: 3 };

export function generateWorkload(seed: number, options: WorkloadOptions = DEFAULT_WORKLOAD): Workload {
  const random = new SeededRandom(seed);
  const skus = Array.from({ length: options.skus }, (_, i) => ({
    sku: `HOT-${seed}-${i + 1}`,
    // Scarce: on average each SKU has stock for a third of what is ordered of it.
    onHand: random.int(2, Math.max(3, Math.ceil(options.orders / (options.skus * 2)))),
  }));
  const rules: ChannelRules = {
    safetyBuffer: random.int(0, 1),
    maxQuantity: random.chance(0.5) ? random.int(3, 8) : null,
    sharePercent: random.pick([100, 100, 80]),
    zeroBelow: random.int(0, 2),
  };

  // Each order's creation happens at its index; its later status change at a random later slot.
  const timed: { at: number; op: BuyerOp }[] = [];
  for (let i = 0; i < options.orders; i++) {
    const ref = `o${i + 1}`;
    const lineCount = random.chance(0.3) ? 2 : 1;
    const lines = random
      .sample(skus, Math.min(lineCount, skus.length))
      .map((s) => ({ sku: s.sku, quantity: random.int(1, 2) }));
    const paidAtOnce = random.chance(0.1);
    timed.push({ at: i, op: { kind: 'create', ref, lines, status: paidAtOnce ? 'UNSHIPPED' : 'PENDING' } });
    const fate = random.next();
    const later = i + random.int(1, 8) + random.next();
    if (!paidAtOnce && fate < 0.5) {
      timed.push({ at: later, op: { kind: 'status', ref, status: 'UNSHIPPED' } });
      // Some paid orders are cancelled by the seller afterwards.
      if (random.chance(0.1))
        timed.push({ at: later + random.int(1, 5), op: { kind: 'status', ref, status: 'CANCELLED' } });
    } else if (!paidAtOnce && fate < 0.75) {
      timed.push({ at: later, op: { kind: 'status', ref, status: 'CANCELLED' } });
    }
    // else: left Pending (payment never clears within the run), or paid at once.
  }
  const buyer = timed.sort((a, b) => a.at - b.at).map((t) => t.op);

  // The ERP: adjustments and recounts spread over the run; snapshots carry an asOf in seconds
  // after the initial count (0); one recount per run arrives late and must change nothing.
  const erp: ErpOp[] = [];
  let asOf = 0;
  const erpOps = Math.max(4, Math.round(options.orders / 4));
  for (let i = 0; i < erpOps; i++) {
    const { sku } = random.pick(skus);
    const roll = random.next();
    if (roll < 0.6) {
      const delta = random.pick([-2, -1, 1, 1, 2, 3]);
      erp.push({ kind: 'adjust', sku, delta, key: `chaos-${seed}-adj-${i}`, repeat: random.chance(0.5) });
    } else if (roll < 0.85 || asOf === 0) {
      asOf += random.int(1, 30);
      erp.push({ kind: 'snapshot', sku, onHand: random.int(1, 6), asOfSeconds: asOf });
    } else {
      // Stale: older than the newest count already sent for the run (the initial one at least).
      erp.push({ kind: 'snapshot', sku, onHand: random.int(10, 20), asOfSeconds: 0 });
    }
  }
  return { seed, skus, rules, buyer, erp };
}
