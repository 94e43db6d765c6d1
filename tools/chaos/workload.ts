import { SeededRandom } from './seeded-random';

/**
 * A seeded workload: buyers ordering on Amazon (the SP-API simulator) across a few hot SKUs
 * whose stock is scarce, so demand exceeds supply; payments clearing, fraud cancellations and
 * orders left Pending; some orders Amazon shows late, after the poll has passed them; the ERP
 * counting stock (snapshots, one of them stale) and moving it (adjustments, each sent twice as
 * a retrying ERP would), then shipping paid orders (one or two packages each, on manifests or
 * sent at once, some requests sent twice) and trying to ship orders that must not ship
 * (Pending, cancelled). Two streams that run concurrently: the buyers' at the simulator and
 * the ERP's at inventory-reservation and shipment-notifier. The ERP ships an order only after
 * the buyers' stream has made its last change to it, and only after its stock operations, so
 * the end state depends only on each stream's own order: that is what makes a sequential
 * model possible.
 */

export interface WorkloadOptions {
  /** Amazon orders to place. */
  orders: number;
  /** Hot SKUs the orders share. */
  skus: number;
}

/** Amazon-time milliseconds a late order stays invisible: ten minutes, 10 s at the time scale. */
export const LATE_VISIBILITY_MS = 600_000;

/** Carriers the ERP ships with: its own spellings, which shipment-notifier maps to Amazon's codes. */
const CARRIERS = ['BRT', 'GLS', 'SDA', 'Poste Italiane'];

export interface OrderLinePlan {
  sku: string;
  quantity: number;
}

export type AmazonStatus = 'PENDING' | 'UNSHIPPED' | 'CANCELLED';

export type BuyerOp =
  | {
      kind: 'create';
      ref: string;
      lines: OrderLinePlan[];
      status: 'PENDING' | 'UNSHIPPED';
      /** Amazon shows the order only this long after it was created (late-visible). */
      visibilityDelayMs?: number;
    }
  | { kind: 'status'; ref: string; status: 'UNSHIPPED' | 'CANCELLED' };

export interface PackagePlan {
  carrier: string;
  trackingNumber: string;
  lines: OrderLinePlan[];
}

/**
 * The ERP's shipping: a shipment of a paid order (on the next manifest, or sent at once), a
 * manifest of the shipments before it, marked shipped; and a shipment of an order that must
 * not ship (Pending or cancelled), which must be refused or fail, never be confirmed. Every
 * request carries an idempotency key; `repeat` sends it a second time, as a retrying ERP would.
 */
export type ShipOp =
  | {
      kind: 'shipment';
      ref: string;
      key: string;
      packages: PackagePlan[];
      sendImmediately: boolean;
      repeat: boolean;
    }
  | { kind: 'manifest'; key: string; refs: string[]; repeat: boolean }
  | { kind: 'forbidden-shipment'; ref: string; key: string; packages: PackagePlan[] };

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
  /** The ERP's shipping, after its stock operations. */
  shipping: ShipOp[];
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
    // Late-visible orders: only in the first four fifths, so the last catch-up can see them all.
    const late = i < options.orders * 0.8 && random.chance(0.08);
    timed.push({
      at: i,
      op: {
        kind: 'create',
        ref,
        lines,
        status: paidAtOnce ? 'UNSHIPPED' : 'PENDING',
        ...(late ? { visibilityDelayMs: LATE_VISIBILITY_MS } : {}),
      },
    });
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
  return { seed, skus, rules, buyer, erp, shipping: shippingPlan(seed, buyer, random) };
}

/**
 * The ERP ships most orders whose last word at Amazon is "paid", in the order they settled,
 * and tries to ship some that are left Pending or were cancelled. Shipments go on manifests
 * of up to four, or are sent at once; one or two packages each, every unit shipped.
 */
function shippingPlan(seed: number, buyer: BuyerOp[], random: SeededRandom): ShipOp[] {
  const lines = new Map<string, OrderLinePlan[]>();
  const finalStatus = new Map<string, string>();
  const settledAt = new Map<string, number>();
  buyer.forEach((op, index) => {
    if (op.kind === 'create') lines.set(op.ref, op.lines);
    finalStatus.set(op.ref, op.status);
    settledAt.set(op.ref, index);
  });
  const refs = [...settledAt.keys()].sort((a, b) => (settledAt.get(a) ?? 0) - (settledAt.get(b) ?? 0));

  const ops: ShipOp[] = [];
  let manifest: string[] = [];
  const closeManifest = () => {
    if (manifest.length === 0) return;
    ops.push({
      kind: 'manifest',
      key: `chaos-${seed}-manifest-${ops.length}`,
      refs: manifest,
      repeat: random.chance(0.3),
    });
    manifest = [];
  };
  for (const ref of refs) {
    const orderLines = lines.get(ref) ?? [];
    const key = `chaos-${seed}-shipment-${ref}`;
    if (finalStatus.get(ref) === 'UNSHIPPED') {
      if (!random.chance(0.7)) continue;
      const sendImmediately = random.chance(0.3);
      ops.push({
        kind: 'shipment',
        ref,
        key,
        packages: packagesFor(seed, ref, orderLines, random),
        sendImmediately,
        repeat: random.chance(0.3),
      });
      if (!sendImmediately) {
        manifest.push(ref);
        if (manifest.length >= 4 || random.chance(0.2)) closeManifest();
      }
    } else if (random.chance(0.3)) {
      ops.push({
        kind: 'forbidden-shipment',
        ref,
        key,
        packages: packagesFor(seed, ref, orderLines, random),
      });
    }
  }
  closeManifest();
  return ops;
}

/** One package with everything, or two: one per line, or one unit each of a line of two. */
function packagesFor(seed: number, ref: string, lines: OrderLinePlan[], random: SeededRandom): PackagePlan[] {
  const carrier = random.pick(CARRIERS);
  const tracking = (n: number) => `${carrier.slice(0, 3).toUpperCase()}${seed}X${ref}P${n}`;
  const units = lines.reduce((sum, l) => sum + l.quantity, 0);
  if (units < 2 || !random.chance(0.4)) return [{ carrier, trackingNumber: tracking(1), lines }];
  const split: OrderLinePlan[][] =
    lines.length === 2
      ? [[lines[0]], [lines[1]]]
      : [[{ sku: lines[0].sku, quantity: 1 }], [{ sku: lines[0].sku, quantity: lines[0].quantity - 1 }]];
  return split.map((packageLines, i) => ({ carrier, trackingNumber: tracking(i + 1), lines: packageLines }));
}
