import { orderKey, type OrderRef } from '../../common/order-ref';

export interface HeldIncrease {
  order: OrderRef;
  units: number;
}

/** Orders named in one stock.oversold event, at most (keeps the message small). */
export const MAX_OVERSOLD_ORDERS = 100;

/**
 * The orders that pushed a SKU (further) into oversold in one transaction: walking the
 * transaction's new holds from the last one back, the orders whose units landed beyond
 * on-hand. Returns null when the transaction's own holds do not explain the growth (an
 * ERP snapshot lowered on-hand): the caller then names the newest active reservations.
 */
export function ordersBeyondOnHand(growth: number, increases: readonly HeldIncrease[]): OrderRef[] | null {
  if (growth <= 0 || increases.length === 0) return null;
  const named = new Map<string, OrderRef>();
  let covered = 0;
  for (let i = increases.length - 1; i >= 0 && covered < growth; i--) {
    const { order, units } = increases[i];
    covered += units;
    named.set(orderKey(order), order);
  }
  return [...named.values()].slice(0, MAX_OVERSOLD_ORDERS);
}
