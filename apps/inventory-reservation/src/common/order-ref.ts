import type { Channel } from '@holdfast/contracts';

/** An order as every channel account names it. */
export interface OrderRef {
  channel: Channel;
  accountId: string;
  orderId: string;
}

export function orderKey(o: OrderRef): string {
  return `${o.channel}\u0000${o.accountId}\u0000${o.orderId}`;
}

export function compareOrderRefs(a: OrderRef, b: OrderRef): number {
  return compareText(a.channel, b.channel) || compareText(a.accountId, b.accountId) || compareText(a.orderId, b.orderId);
}

/**
 * Code-point order, the order the ledger takes locks in. Postgres compares `text` by its
 * collation, which may differ: lock statements therefore sort with `COLLATE "C"`, which
 * is code-point order too, so JavaScript and SQL agree.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
