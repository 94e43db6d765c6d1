import type { OrderStatus } from '@holdfast/contracts';
import type { ReservationState } from './reservation-state';

/**
 * What the ledger knows about one order line's units of one internal SKU. Quantities
 * are in units of the internal SKU: a bundle line of 2 × (3 mugs) orders 6 mugs.
 */
export interface ReservationFacts {
  /** Units the line orders, from the newest snapshot; null while only a shipment is known. */
  ordered: number | null;
  canceled: number;
  /** Shipped units as the channel's newest snapshot reports them. */
  snapshotShipped: number;
  /** Shipped units as shipment.confirmed events report them (summed over shipments). */
  confirmedShipped: number;
}

export interface ReservationFigures {
  state: ReservationState;
  /** Units held now: non-zero only while pending or committed. */
  quantity: number;
  /** Shipped units taken off on-hand so far. Never decreases: shipped stock is gone. */
  fulfilled: number;
}

/**
 * The reservation a line's facts call for. Shipped units are the larger of the two
 * sources (a snapshot and the confirmations may each know of shipments the other does
 * not yet), capped at what the line can ship. The result depends only on the facts, not
 * on the order they arrived in, which is what makes the ledger converge.
 *
 * `status` null: the order itself is not known yet (only a shipment of it).
 */
export function settleReservation(
  facts: ReservationFacts,
  fulfilledBefore: number,
  status: OrderStatus | null,
): ReservationFigures {
  const shipped = Math.max(facts.snapshotShipped, facts.confirmedShipped);
  if (facts.ordered === null || status === null) {
    const fulfilled = Math.max(fulfilledBefore, facts.confirmedShipped);
    return { state: fulfilled > 0 ? 'fulfilled' : 'released', quantity: 0, fulfilled };
  }
  const shippable = Math.max(0, facts.ordered - facts.canceled);
  const fulfilled = Math.max(fulfilledBefore, Math.min(shippable, shipped));
  const open = Math.max(0, shippable - fulfilled);
  const closed: ReservationState = fulfilled > 0 ? 'fulfilled' : 'released';
  if (status === 'canceled' || open === 0) return { state: closed, quantity: 0, fulfilled };
  return { state: status === 'pending' ? 'pending' : 'committed', quantity: open, fulfilled };
}
