import { revisionOf, type OrderLine, type OrderRoutingKey, type OrderSnapshot } from '@holdfast/contracts';

/** What order-ingest last recorded of an order. */
export interface RecordedOrder {
  snapshot: OrderSnapshot;
  /** An event went out for this order (false while an un-imported Pending order waits). */
  announced: boolean;
}

export type OrderChange =
  /** Older than what is recorded: never overwrites it. */
  | { kind: 'stale' }
  /** Nothing that matters changed; `touch` when Amazon's time moved (record it, emit nothing). */
  | { kind: 'unchanged'; touch: OrderSnapshot | null }
  | {
      kind: 'new' | 'changed';
      snapshot: OrderSnapshot;
      /** The one event this change produces, or null when nobody is to hear of it yet. */
      event: OrderRoutingKey | null;
      announced: boolean;
    };

/** Progress of Amazon's statuses; an equal timestamp may only move an order forward. */
const STATUS_PROGRESS: Record<string, number> = {
  PENDING_AVAILABILITY: 0,
  PENDING: 1,
  UNSHIPPED: 2,
  PARTIALLY_SHIPPED: 3,
  SHIPPED: 4,
  CANCELLED: 4,
  UNFULFILLABLE: 4,
};

/**
 * Web shops' status words are many and plugin-defined (`paid/unfulfilled`, `on-hold`, …):
 * their progress is read from Holdfast's own status, where paying moves an order forward.
 */
const SHOP_STATUS_PROGRESS: Record<OrderSnapshot['status'], number> = {
  pending: 1,
  confirmed: 2,
  partially_shipped: 3,
  shipped: 4,
  canceled: 4,
};

function progress(order: OrderSnapshot): number {
  const units = order.lines.reduce((sum, l) => sum + l.quantityShipped + l.quantityCanceled, 0);
  const stage = order.channel === 'amazon' ? (STATUS_PROGRESS[order.channelStatus] ?? 0) : SHOP_STATUS_PROGRESS[order.status];
  return stage * 1_000_000 + units;
}

function lineKey(line: OrderLine): string {
  return `${line.lineId}|${line.channelSku}|${line.quantityOrdered}|${line.quantityShipped}|${line.quantityCanceled}`;
}

/** Status, lines, quantities, cancellations, shipments: what a consumer acts on. */
export function materiallyDiffers(a: OrderSnapshot, b: OrderSnapshot): boolean {
  if (a.status !== b.status || a.channelStatus !== b.channelStatus || a.fulfilledBy !== b.fulfilledBy) return true;
  if (a.marketplaceId !== b.marketplaceId) return true;
  const left = a.lines.map(lineKey).sort();
  const right = b.lines.map(lineKey).sort();
  return left.length !== right.length || left.some((key, i) => key !== right[i]);
}

function total(order: OrderSnapshot, field: 'quantityShipped' | 'quantityCanceled'): number {
  return order.lines.reduce((sum, l) => sum + l[field], 0);
}

/** The one event for a change of an order consumers already know. Cancellation wins, then shipment, then confirmation. */
export function eventFor(before: OrderSnapshot, after: OrderSnapshot): OrderRoutingKey {
  if (after.status === 'canceled' && before.status !== 'canceled') return 'order.canceled';
  if (total(after, 'quantityCanceled') > total(before, 'quantityCanceled')) return 'order.canceled';
  if (
    total(after, 'quantityShipped') > total(before, 'quantityShipped') ||
    ((after.status === 'shipped' || after.status === 'partially_shipped') && after.status !== before.status)
  ) {
    return 'order.shipped';
  }
  if (before.status === 'pending' && after.status === 'confirmed') return 'order.confirmed';
  return 'order.updated';
}

/**
 * Change detection for one order: compares what Amazon shows now with what is recorded and
 * decides what to record and which single event, if any, to emit.
 *
 * - Stale data (an older `lastUpdatedTime`) never overwrites newer.
 * - A new order is `order.placed`, whatever its status, unless it is Pending and the account
 *   does not import Pending orders, or it is already cancelled: nobody holds anything for an
 *   order they never heard of, so it is recorded and nothing is emitted.
 * - A real change (status, lines, quantities, cancellations, shipments) of an announced
 *   order emits exactly one event; a change of an order nobody heard of yet emits
 *   `order.placed` once it is worth announcing.
 * - Two different states with the same `lastUpdatedTime` (Amazon's times have whole
 *   seconds) get revisions apart by the tie-breaker, but only when the newer one is
 *   progress (a later status, more shipped or cancelled units): a lagging copy of the same
 *   second must not flip the order back.
 */
export function detectChange(
  recorded: RecordedOrder | null,
  incoming: OrderSnapshot,
  options: { importPending: boolean },
): OrderChange {
  const worthAnnouncing = (o: OrderSnapshot) => o.status !== 'canceled' && (o.status !== 'pending' || options.importPending);

  if (!recorded) {
    const snapshot = { ...incoming, revision: revisionOf(incoming.updatedAt, 0) };
    const announce = worthAnnouncing(snapshot);
    return { kind: 'new', snapshot, event: announce ? 'order.placed' : null, announced: announce };
  }

  const known = recorded.snapshot;
  const knownTime = Date.parse(known.updatedAt);
  const incomingTime = Date.parse(incoming.updatedAt);
  if (incomingTime < knownTime) return { kind: 'stale' };

  if (!materiallyDiffers(known, incoming)) {
    if (incomingTime === knownTime) return { kind: 'unchanged', touch: null };
    return { kind: 'unchanged', touch: { ...known, updatedAt: incoming.updatedAt, revision: revisionOf(incoming.updatedAt, 0) } };
  }

  let revision: number;
  if (incomingTime === knownTime) {
    if (progress(incoming) <= progress(known)) return { kind: 'stale' };
    const tieBreaker = (known.revision % 1000) + 1;
    // A thousand distinct states within one second of Amazon's time do not happen; if they
    // did, the order waits for Amazon's next timestamp rather than reuse a revision.
    if (tieBreaker > 999) return { kind: 'stale' };
    revision = revisionOf(incoming.updatedAt, tieBreaker);
  } else {
    revision = revisionOf(incoming.updatedAt, 0);
  }
  const snapshot: OrderSnapshot = { ...incoming, revision };

  if (!recorded.announced) {
    const announce = worthAnnouncing(snapshot);
    return { kind: 'changed', snapshot, event: announce ? 'order.placed' : null, announced: announce };
  }
  return { kind: 'changed', snapshot, event: eventFor(known, snapshot), announced: true };
}
