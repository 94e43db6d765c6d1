import type { OrderSnapshot, OrderStatus } from '@holdfast/contracts';
import { settleReservation, type ReservationFacts, type ReservationFigures } from './reservation-figures';
import { illegalTransitionReason, isLegalTransition, type ReservationState } from './reservation-state';

/** One internal SKU a channel SKU stands for: itself, a mapped SKU, or a bundle component. */
export interface SkuComponent {
  sku: string;
  /** Units of `sku` per unit of the channel SKU (a bundle's component quantity, else 1). */
  unitQuantity: number;
  bundleSku: string | null;
}

export type ChannelSkuResolver = (channelSku: string) => readonly SkuComponent[];

/** A reservation row as stored: one per order line and internal SKU. */
export interface StoredReservation extends ReservationFacts, ReservationFigures {
  lineId: string;
  sku: string;
  channelSku: string;
  bundleSku: string | null;
  unitQuantity: number;
  revision: number;
}

export interface ShipmentLine {
  lineId: string;
  channelSku: string;
  quantity: number;
}

export interface OrderReconciliationInput {
  /** The order's status after this change; null while the order is known only from shipments. */
  status: OrderStatus | null;
  revision: number;
  /** A snapshot newer than anything applied before; null when only shipments arrived. */
  snapshot: OrderSnapshot | null;
  /** shipment.confirmed lines not counted before. */
  newShipmentLines: readonly ShipmentLine[];
  /** False for Amazon-fulfilled orders of accounts that do not reserve them. */
  holdsMerchantStock: boolean;
  resolve: ChannelSkuResolver;
  existing: readonly StoredReservation[];
}

export interface ReservationTransition {
  lineId: string;
  sku: string;
  from: ReservationState | null;
  to: ReservationState;
  fromQuantity: number;
  toQuantity: number;
  fulfilled: number;
}

export interface RejectedTransition {
  lineId: string;
  sku: string;
  from: ReservationState;
  to: ReservationState;
  reason: string;
}

/** What the order's change does to one SKU's head. */
export interface SkuMovement {
  sku: string;
  /** Change of the units held (the head's `reserved`). */
  reservedDelta: number;
  /** Units newly shipped: on-hand falls by this much. */
  shippedUnits: number;
  /** Units newly held (increases only): what can push the SKU into oversold. */
  heldIncrease: number;
}

export interface OrderReconciliation {
  writes: StoredReservation[];
  transitions: ReservationTransition[];
  rejected: RejectedTransition[];
  movements: SkuMovement[];
}

const rowKey = (lineId: string, sku: string) => `${lineId}\u0000${sku}`;

interface Draft {
  before: StoredReservation | null;
  row: Omit<StoredReservation, keyof ReservationFigures>;
}

/**
 * Works out what one order's news means for its reservations: a fresh snapshot sets
 * every line's ordered, cancelled and shipped units (lines it no longer lists release),
 * new shipment lines add confirmed shipped units. Each touched reservation is then
 * settled from its facts; a transition the state machine forbids is rejected and the
 * row left as it was. Pure: the caller loads the rows and writes the outcome.
 */
export function reconcileOrder(input: OrderReconciliationInput): OrderReconciliation {
  const existing = new Map(input.existing.map((r) => [rowKey(r.lineId, r.sku), r]));
  const drafts = new Map<string, Draft>();
  const draftOf = (key: string, fresh: () => Draft['row']): Draft => {
    let draft = drafts.get(key);
    if (!draft) {
      const before = existing.get(key) ?? null;
      draft = { before, row: before ? { ...before } : fresh() };
      drafts.set(key, draft);
    }
    return draft;
  };

  if (input.snapshot) {
    const listed = new Set<string>();
    const lines = input.holdsMerchantStock ? input.snapshot.lines : [];
    for (const line of lines) {
      for (const c of input.resolve(line.channelSku)) {
        const key = rowKey(line.lineId, c.sku);
        listed.add(key);
        const draft = draftOf(key, () => ({
          lineId: line.lineId,
          sku: c.sku,
          channelSku: line.channelSku,
          bundleSku: c.bundleSku,
          unitQuantity: c.unitQuantity,
          revision: input.revision,
          ordered: null,
          canceled: 0,
          snapshotShipped: 0,
          confirmedShipped: 0,
        }));
        Object.assign(draft.row, {
          channelSku: line.channelSku,
          bundleSku: c.bundleSku,
          unitQuantity: c.unitQuantity,
          ordered: line.quantityOrdered * c.unitQuantity,
          canceled: line.quantityCanceled * c.unitQuantity,
          snapshotShipped: line.quantityShipped * c.unitQuantity,
        });
      }
    }
    // A line (or a mapping's SKU) the newest snapshot no longer lists holds nothing.
    for (const [key, row] of existing) {
      if (listed.has(key) || row.ordered === null) continue;
      Object.assign(draftOf(key, () => row).row, { ordered: 0, canceled: 0 });
    }
  }

  if (input.holdsMerchantStock) {
    for (const shipment of input.newShipmentLines) {
      // Count the shipment against the SKUs the line reserved, whatever the mapping says now.
      const reserved = [...existing.values(), ...[...drafts.values()].map((d) => d.row)].filter(
        (r) => r.lineId === shipment.lineId,
      );
      const components: SkuComponent[] = reserved.length
        ? [...new Map(reserved.map((r) => [r.sku, r])).values()].map((r) => ({
            sku: r.sku,
            unitQuantity: r.unitQuantity,
            bundleSku: r.bundleSku,
          }))
        : [...input.resolve(shipment.channelSku)];
      for (const c of components) {
        const draft = draftOf(rowKey(shipment.lineId, c.sku), () => ({
          lineId: shipment.lineId,
          sku: c.sku,
          channelSku: shipment.channelSku,
          bundleSku: c.bundleSku,
          unitQuantity: c.unitQuantity,
          revision: input.revision,
          ordered: null,
          canceled: 0,
          snapshotShipped: 0,
          confirmedShipped: 0,
        }));
        draft.row.confirmedShipped += shipment.quantity * c.unitQuantity;
      }
    }
  }

  const result: OrderReconciliation = { writes: [], transitions: [], rejected: [], movements: [] };
  const movements = new Map<string, SkuMovement>();
  for (const { before, row } of drafts.values()) {
    const figures = settleReservation(row, before?.fulfilled ?? 0, input.status);
    // A row known only from a shipment is not a reservation yet: any state may follow it.
    const from = before && before.ordered !== null ? before.state : null;
    if (before && from !== null && !isLegalTransition(from, figures.state)) {
      result.rejected.push({
        lineId: row.lineId,
        sku: row.sku,
        from,
        to: figures.state,
        reason: illegalTransitionReason(from, figures.state),
      });
      continue;
    }
    const next: StoredReservation = { ...row, ...figures, revision: input.revision };
    if (before && sameRow(before, next)) continue;
    result.writes.push(next);
    const beforeQuantity = before?.quantity ?? 0;
    const beforeFulfilled = before?.fulfilled ?? 0;
    if (!before || before.state !== next.state || beforeQuantity !== next.quantity || beforeFulfilled !== next.fulfilled) {
      result.transitions.push({
        lineId: next.lineId,
        sku: next.sku,
        from: before?.state ?? null,
        to: next.state,
        fromQuantity: beforeQuantity,
        toQuantity: next.quantity,
        fulfilled: next.fulfilled,
      });
    }
    const m = movements.get(next.sku) ?? { sku: next.sku, reservedDelta: 0, shippedUnits: 0, heldIncrease: 0 };
    m.reservedDelta += next.quantity - beforeQuantity;
    m.shippedUnits += next.fulfilled - beforeFulfilled;
    m.heldIncrease += Math.max(0, next.quantity - beforeQuantity);
    movements.set(next.sku, m);
  }
  result.movements = [...movements.values()].filter(
    (m) => m.reservedDelta !== 0 || m.shippedUnits !== 0 || m.heldIncrease !== 0,
  );
  return result;
}

function sameRow(a: StoredReservation, b: StoredReservation): boolean {
  return (
    a.state === b.state &&
    a.quantity === b.quantity &&
    a.fulfilled === b.fulfilled &&
    a.ordered === b.ordered &&
    a.canceled === b.canceled &&
    a.snapshotShipped === b.snapshotShipped &&
    a.confirmedShipped === b.confirmedShipped &&
    a.channelSku === b.channelSku &&
    a.bundleSku === b.bundleSku &&
    a.unitQuantity === b.unitQuantity
  );
}
