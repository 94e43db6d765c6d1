import type { ChannelRules, OrderLinePlan, Workload } from './workload';

/** order-ingest's status names for the Amazon statuses the workload uses. */
export type IngestStatus = 'pending' | 'confirmed' | 'canceled' | 'shipped';
export type ReservationState = 'pending' | 'committed' | 'released' | 'fulfilled';

export interface ExpectedOrder {
  ref: string;
  lines: OrderLinePlan[];
  status: IngestStatus;
  /** Every line's reservation ends in this state; released and fulfilled lines hold 0 units. */
  reservation: ReservationState;
  /** Shown late by Amazon: only a catch-up run can find it. */
  late: boolean;
  /** Tracking numbers of the packages that must be confirmed at Amazon, each exactly once. */
  packages: string[];
  /** The ERP tried to ship it while it must not ship: nothing may be confirmed for it. */
  forbiddenShipment: boolean;
}

export interface ExpectedSku {
  sku: string;
  onHand: number;
  reserved: number;
  available: number;
  /** Units reserved beyond on-hand: the SKU must be listed as oversold exactly when > 0. */
  shortfall: number;
  /** What Amazon must show after the account's rules. */
  channelQuantity: number;
}

export interface ExpectedState {
  orders: Map<string, ExpectedOrder>;
  skus: Map<string, ExpectedSku>;
}

const STATUS: Record<string, IngestStatus> = {
  PENDING: 'pending',
  UNSHIPPED: 'confirmed',
  CANCELLED: 'canceled',
};
const RESERVATION: Record<IngestStatus, ReservationState> = {
  pending: 'pending',
  confirmed: 'committed',
  canceled: 'released',
  shipped: 'fulfilled',
};

/** The channel quantity the publisher's rules give for `units` sellable units (its README's formula). */
export function quantityAfterRules(units: number, rules: ChannelRules): number {
  if (units <= 0 || units < rules.zeroBelow) return 0;
  const shared = Math.floor(((units - rules.safetyBuffer) * rules.sharePercent) / 100);
  const capped = rules.maxQuantity === null ? shared : Math.min(rules.maxQuantity, shared);
  return Math.max(0, Math.min(units, capped));
}

/**
 * Plays the workload one operation at a time, as if nothing ever failed: what the system must
 * show once it has quiesced, whatever faults it went through.
 */
export function expectedState(workload: Workload): ExpectedState {
  const orders = new Map<string, ExpectedOrder>();
  for (const op of workload.buyer) {
    if (op.kind === 'create') {
      const status = STATUS[op.status];
      orders.set(op.ref, {
        ref: op.ref,
        lines: op.lines,
        status,
        reservation: RESERVATION[status],
        late: op.visibilityDelayMs !== undefined,
        packages: [],
        forbiddenShipment: false,
      });
    } else {
      const order = orders.get(op.ref);
      if (!order) throw new Error(`workload changes ${op.ref} before creating it`);
      order.status = STATUS[op.status];
      order.reservation = RESERVATION[order.status];
    }
  }

  const onHand = new Map(workload.skus.map((s) => [s.sku, s.onHand]));
  const countedAt = new Map(workload.skus.map((s) => [s.sku, 0]));
  const adjusted = new Set<string>();
  for (const op of workload.erp) {
    if (op.kind === 'snapshot') {
      // A count not newer than the applied one changes nothing.
      if (op.asOfSeconds <= (countedAt.get(op.sku) ?? -1)) continue;
      countedAt.set(op.sku, op.asOfSeconds);
      onHand.set(op.sku, op.onHand);
    } else {
      // Once per idempotency key; on-hand never goes below zero.
      if (adjusted.has(op.key)) continue;
      adjusted.add(op.key);
      onHand.set(op.sku, Math.max(0, (onHand.get(op.sku) ?? 0) + op.delta));
    }
  }

  // Shipping comes after every stock operation: a confirmed package ships all its order's
  // units (the workload ships whole orders), which stop holding and leave on-hand, never
  // below zero (the next count would settle a difference).
  for (const op of workload.shipping) {
    if (op.kind === 'manifest') continue;
    const order = orders.get(op.ref);
    if (!order) throw new Error(`workload ships ${op.ref}, which it never created`);
    if (op.kind === 'forbidden-shipment') {
      order.forbiddenShipment = true;
      continue;
    }
    order.packages = op.packages.map((p) => p.trackingNumber);
    order.status = 'shipped';
    order.reservation = 'fulfilled';
    for (const line of order.lines)
      onHand.set(line.sku, Math.max(0, (onHand.get(line.sku) ?? 0) - line.quantity));
  }

  const skus = new Map<string, ExpectedSku>();
  for (const { sku } of workload.skus) {
    let reserved = 0;
    for (const order of orders.values()) {
      if (order.reservation === 'released' || order.reservation === 'fulfilled') continue;
      for (const line of order.lines) if (line.sku === sku) reserved += line.quantity;
    }
    const units = onHand.get(sku) ?? 0;
    const available = units - reserved;
    skus.set(sku, {
      sku,
      onHand: units,
      reserved,
      available,
      shortfall: Math.max(0, reserved - units),
      channelQuantity: quantityAfterRules(available, workload.rules),
    });
  }
  return { orders, skus };
}
