import type { OrderSnapshot } from '@holdfast/contracts';

export type ReservationState = 'pending' | 'committed' | 'fulfilled' | 'released';

export interface PlannedReservation {
  lineId: string;
  sku: string;
  /** Units still held for the line. */
  quantity: number;
  state: ReservationState;
}

/**
 * What an order snapshot means for the stock: one reservation per line holding the
 * units not yet shipped or cancelled. Pending orders hold units too (the channel already
 * sold them). Amazon-fulfilled orders hold nothing of the merchant's stock unless the
 * account says so.
 *
 * The slice maps channel SKUs to internal SKUs one to one; the catalogue (bundles,
 * per-account mappings) replaces `skuOf`.
 */
export function planReservations(
  order: OrderSnapshot,
  { reserveAmazonFulfilled = false, skuOf = (channelSku: string) => channelSku } = {},
): PlannedReservation[] {
  if (order.fulfilledBy === 'AMAZON' && !reserveAmazonFulfilled) return [];
  return order.lines.map((line) => {
    const open = line.quantityOrdered - line.quantityShipped - line.quantityCanceled;
    let state: ReservationState;
    if (order.status === 'canceled') state = 'released';
    else if (open <= 0) state = line.quantityShipped > 0 ? 'fulfilled' : 'released';
    else state = order.status === 'pending' ? 'pending' : 'committed';
    const active = state === 'pending' || state === 'committed';
    return { lineId: line.lineId, sku: skuOf(line.channelSku), quantity: active ? open : 0, state };
  });
}

export function isActive(state: ReservationState): boolean {
  return state === 'pending' || state === 'committed';
}
