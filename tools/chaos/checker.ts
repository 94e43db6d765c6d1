import { CHAOS_ACCOUNT, CHAOS_SELLER_ID, type ChaosSystem } from './chaos-system';
import type { ExpectedState } from './model';
import { scanForPii } from './pii';
import { amazonHistory, checkChannelHistories } from './stale';

export type ViolationKind =
  | 'lost-order'
  | 'duplicated-order'
  | 'wrong-order-status'
  | 'lost-reservation'
  | 'duplicated-reservation'
  | 'wrong-reservation'
  | 'wrong-stock'
  | 'oversold-beyond-model'
  | 'oversold-missing'
  | 'wrong-channel-quantity'
  | 'listing-not-in-sync'
  | 'lost-shipment'
  | 'duplicated-shipment'
  | 'forbidden-shipment-confirmed'
  | 'wrong-shipment'
  | 'outbox-not-drained'
  | 'dead-letter'
  | 'stale-publish'
  | 'negative-quantity'
  | 'pii-leak';

export interface Violation {
  kind: ViolationKind;
  subject: string;
  detail: string;
}

type ReservationRow = {
  order_id: string;
  sku: string;
  state: string;
  quantity: number;
};

type PackageRow = {
  shipment_id: string;
  order_id: string;
  tracking_number: string;
  state: string;
};

interface AmazonPackage {
  orderId: string;
  trackingNumber: string;
  dropped: boolean;
}

const SCHEMAS = ['order_ingest', 'inventory', 'availability', 'shipment_notifier'];

export interface CheckContext {
  /** Dead letters the injected poison messages must have made (one per queue each reached). */
  poisonInjected: number;
}

/**
 * Compares what the running system shows (its services' APIs, their outboxes, the broker's
 * dead-letter queues and Amazon, the simulator) with the model. Reads only; an empty list
 * means every invariant holds.
 *
 * `orderIds` maps the workload's order refs to the ids Amazon gave them.
 */
export async function checkSystem(
  system: ChaosSystem,
  model: ExpectedState,
  orderIds: ReadonlyMap<string, string>,
  context: CheckContext = { poisonInjected: 0 },
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const add = (kind: ViolationKind, subject: string, detail: string) =>
    violations.push({ kind, subject, detail });

  // Everything per order is read in bulk: a handful of queries whatever the number of orders.
  const placed = await system.db.query<{ order_id: string; n: string }>(
    `SELECT envelope->'payload'->'order'->>'orderId' AS order_id, count(*) AS n
       FROM order_ingest.outbox WHERE routing_key = 'order.placed' GROUP BY 1`,
  );
  const placedCount = new Map(placed.map((r) => [r.order_id, Number(r.n)]));
  const ingested = new Map(
    (
      await system.db.query<{ order_id: string; status: string }>(
        `SELECT order_id, status FROM order_ingest.order_snapshots WHERE account_id = $1`,
        [CHAOS_ACCOUNT],
      )
    ).map((r) => [r.order_id, r.status]),
  );
  const reservations = groupBy(
    await system.db.query<ReservationRow>(
      `SELECT order_id, sku, state, quantity FROM inventory.reservations
        WHERE channel = 'amazon' AND account_id = $1`,
      [CHAOS_ACCOUNT],
    ),
    (r) => r.order_id,
  );
  const known = new Set(orderIds.values());
  for (const [orderId, n] of placedCount)
    if (!known.has(orderId))
      add('duplicated-order', orderId, `order.placed ${n}× for an order the workload never placed`);

  // Orders: every one imported once, in the model's status, announced exactly once.
  for (const order of model.orders.values()) {
    const orderId = orderIds.get(order.ref);
    if (!orderId) {
      add('lost-order', order.ref, 'never created at Amazon');
      continue;
    }
    const subject = `${order.ref} (${orderId})${order.late ? ' late-visible' : ''}`;
    const status = ingested.get(orderId);
    // A late-visible order cancelled while Amazon still hid it is never shown open to any search:
    // a poll searches by update time, which had passed its cancellation by the time it showed,
    // and a catch-up run looks only for orders still to ship. It holds nothing and ships nothing;
    // the reservation and shipment checks below still hold it to that.
    const mayBeUnknown = order.late && order.status === 'canceled';
    if (status === undefined) {
      if (!mayBeUnknown) add('lost-order', subject, 'order-ingest does not know it');
    } else if (status !== order.status)
      add('wrong-order-status', subject, `order-ingest shows ${status}, model ${order.status}`);
    const announced = placedCount.get(orderId) ?? 0;
    // An order already cancelled when order-ingest first saw it is recorded and never
    // announced (nobody holds anything for it); whether a cancellation beat the first poll is
    // timing, so for a cancelled order both outcomes are right, and nothing may be held.
    const mayBeUnannounced = order.status === 'canceled';
    if (announced === 0 && !mayBeUnannounced) add('lost-order', subject, 'no order.placed in the outbox');
    if (announced > 1) add('duplicated-order', subject, `order.placed ${announced}×`);

    // Reservations: one per line, in the model's state, holding the line's units while active.
    const rows = reservations.get(orderId) ?? [];
    if (mayBeUnannounced && announced === 0 && rows.length === 0) continue;
    for (const line of order.lines) {
      const mine = rows.filter((r) => r.sku === line.sku);
      if (mine.length === 0) {
        add('lost-reservation', `${subject} ${line.sku}`, 'no reservation');
        continue;
      }
      if (mine.length > 1)
        add('duplicated-reservation', `${subject} ${line.sku}`, `${mine.length} reservations`);
      const holds = order.reservation === 'pending' || order.reservation === 'committed';
      const wantUnits = holds ? line.quantity : 0;
      const got = mine[0];
      if (got.state !== order.reservation || got.quantity !== wantUnits)
        add(
          'wrong-reservation',
          `${subject} ${line.sku}`,
          `${got.state} ${got.quantity}, model ${order.reservation} ${wantUnits}`,
        );
    }
    for (const extra of rows.filter((r) => !order.lines.some((l) => l.sku === r.sku)))
      add(
        'duplicated-reservation',
        `${subject} ${extra.sku}`,
        'a reservation for a SKU the order does not have',
      );
  }

  await checkShipments(system, model, orderIds, add);

  // Stock per SKU, and oversold exactly where the model says.
  const oversold = await system.api<{ skus: { sku: string }[] }>(
    'inventory-reservation',
    'GET',
    '/v1/oversold',
  );
  const oversoldSkus = new Set((oversold.body.skus ?? []).map((s) => s.sku));
  for (const sku of model.skus.values()) {
    const a = await system.api<{ onHand: number; reserved: number; available: number }>(
      'inventory-reservation',
      'GET',
      `/v1/availability/${encodeURIComponent(sku.sku)}`,
    );
    if (a.status !== 200) add('wrong-stock', sku.sku, `availability answered ${a.status}`);
    else if (
      a.body.onHand !== sku.onHand ||
      a.body.reserved !== sku.reserved ||
      a.body.available !== sku.available
    )
      add(
        'wrong-stock',
        sku.sku,
        `onHand/reserved/available ${a.body.onHand}/${a.body.reserved}/${a.body.available}, ` +
          `model ${sku.onHand}/${sku.reserved}/${sku.available}`,
      );
    if (oversoldSkus.has(sku.sku) && sku.shortfall === 0)
      add('oversold-beyond-model', sku.sku, 'listed as oversold, the model has no shortfall');
    if (!oversoldSkus.has(sku.sku) && sku.shortfall > 0)
      add('oversold-missing', sku.sku, `not listed as oversold, the model's shortfall is ${sku.shortfall}`);
  }

  // Channel: the publisher acknowledged the model's quantity, and Amazon shows it.
  const listings = await system.api<{
    listings: { channelSku: string; state: string; acknowledged: { quantity: number } | null }[];
  }>('availability-publisher', 'GET', `/v1/listings?channel=amazon&accountId=${CHAOS_ACCOUNT}&limit=1000`);
  const atAmazon = await system.sim<{ listings: { sku: string; quantity: number | null }[] }>(
    'GET',
    '/_sim/listings',
  );
  for (const sku of model.skus.values()) {
    const listing = listings.body.listings?.find((l) => l.channelSku === sku.sku);
    if (!listing || listing.state !== 'in-sync' || listing.acknowledged?.quantity !== sku.channelQuantity)
      add(
        'listing-not-in-sync',
        sku.sku,
        `publisher ${listing?.state ?? 'no listing'} acknowledged ${listing?.acknowledged?.quantity ?? '-'}, model ${sku.channelQuantity}`,
      );
    const shown = atAmazon.body.listings?.find((l) => l.sku === sku.sku)?.quantity;
    if (shown !== sku.channelQuantity)
      add(
        'wrong-channel-quantity',
        sku.sku,
        `Amazon shows ${shown ?? 'nothing'}, model ${sku.channelQuantity}`,
      );
  }

  // Every event published; exactly the injected poison dead-lettered, nothing else.
  for (const schema of SCHEMAS) {
    const [row] = await system.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema}".outbox WHERE sent_at IS NULL`,
    );
    if (Number(row.n) > 0) add('outbox-not-drained', schema, `${row.n} events not sent`);
  }
  const deadLetterCounts = await system.deadLetters();
  const deadLetters = Object.entries(deadLetterCounts).filter(([, messages]) => messages > 0);
  const deadLettered = deadLetters.reduce((sum, [, messages]) => sum + messages, 0);
  if (deadLettered !== context.poisonInjected)
    add(
      'dead-letter',
      deadLetters.map(([queue, messages]) => `${queue}: ${messages}`).join(', ') || 'no dead-letter queue',
      `${deadLettered} dead letters, ${context.poisonInjected} poison messages injected`,
    );

  // History: no channel ever shown a negative quantity, or an older one after a newer was acknowledged.
  for (const finding of await checkChannelHistories(system, [
    amazonHistory(system, CHAOS_ACCOUNT, CHAOS_SELLER_ID),
  ]))
    add(finding.kind, finding.subject, finding.detail);

  // No buyer's personal data in any log, message, dead letter or span.
  for (const leak of await scanForPii(system, orderIds.values(), Object.keys(deadLetterCounts)))
    add('pii-leak', leak.source, `${leak.field} of order ${leak.orderId}: …${leak.context}…`);

  return violations;
}

/**
 * Shipments: every package the model ships confirmed exactly once at Amazon (the simulator's
 * record of confirmShipment calls that took effect) and confirmed at shipment-notifier, one
 * shipment per order and one shipment.confirmed for it; nothing at Amazon for an order that
 * must not ship, and nothing confirmed or still in flight for it at the notifier.
 */
async function checkShipments(
  system: ChaosSystem,
  model: ExpectedState,
  orderIds: ReadonlyMap<string, string>,
  add: (kind: ViolationKind, subject: string, detail: string) => void,
): Promise<void> {
  const atAmazon = await system.sim<{ shipments: AmazonPackage[] }>('GET', '/_sim/shipments');
  if (atAmazon.status !== 200) {
    add('lost-shipment', 'Amazon', `the simulator answered ${atAmazon.status}`);
    return;
  }
  const amazon = groupBy(
    atAmazon.body.shipments.filter((p) => !p.dropped),
    (p) => p.orderId,
  );
  const packages = groupBy(
    await system.db.query<PackageRow>(
      `SELECT p.shipment_id, p.order_id, p.tracking_number, p.state
         FROM shipment_notifier.shipment_packages p
         JOIN shipment_notifier.shipments s ON s.id = p.shipment_id
        WHERE s.voided_at IS NULL AND p.channel = 'amazon' AND p.account_id = $1`,
      [CHAOS_ACCOUNT],
    ),
    (p) => p.order_id,
  );
  const confirmedEvents = new Map(
    (
      await system.db.query<{ shipment_id: string; n: string }>(
        `SELECT envelope->'payload'->>'shipmentId' AS shipment_id, count(*) AS n
           FROM shipment_notifier.outbox WHERE routing_key = 'shipment.confirmed' GROUP BY 1`,
      )
    ).map((r) => [r.shipment_id, Number(r.n)]),
  );

  for (const order of model.orders.values()) {
    const orderId = orderIds.get(order.ref);
    if (!orderId) continue;
    const subject = `${order.ref} (${orderId})`;
    const shown = amazon.get(orderId) ?? [];
    const ours = packages.get(orderId) ?? [];
    if (order.packages.length === 0) {
      if (shown.length > 0)
        add(
          order.forbiddenShipment ? 'forbidden-shipment-confirmed' : 'duplicated-shipment',
          subject,
          `Amazon shows ${shown.length} package(s) for an order the model never ships (${order.status})`,
        );
      for (const p of ours.filter((p) => p.state !== 'failed' && p.state !== 'held'))
        add(
          p.state === 'confirmed' ? 'forbidden-shipment-confirmed' : 'wrong-shipment',
          `${subject} ${p.tracking_number}`,
          `the notifier's package is ${p.state}; it must be refused or fail`,
        );
      continue;
    }
    for (const tracking of order.packages) {
      const atChannel = shown.filter((p) => p.trackingNumber === tracking).length;
      if (atChannel === 0) add('lost-shipment', `${subject} ${tracking}`, 'not confirmed at Amazon');
      if (atChannel > 1)
        add('duplicated-shipment', `${subject} ${tracking}`, `confirmed ${atChannel}× at Amazon`);
      const mine = ours.filter((p) => p.tracking_number === tracking);
      if (mine.length === 0)
        add('lost-shipment', `${subject} ${tracking}`, 'shipment-notifier has no such package');
      else if (mine.length > 1)
        add('duplicated-shipment', `${subject} ${tracking}`, `${mine.length} packages at shipment-notifier`);
      else if (mine[0].state !== 'confirmed')
        add('wrong-shipment', `${subject} ${tracking}`, `the notifier's package is ${mine[0].state}`);
    }
    for (const extra of shown.filter((p) => !order.packages.includes(p.trackingNumber)))
      add(
        'duplicated-shipment',
        `${subject} ${extra.trackingNumber}`,
        'a package at Amazon the model never sent',
      );
    const shipments = new Set(ours.map((p) => p.shipment_id));
    if (shipments.size > 1)
      add('duplicated-shipment', subject, `${shipments.size} shipments at shipment-notifier`);
    for (const shipmentId of shipments) {
      const events = confirmedEvents.get(shipmentId) ?? 0;
      if (events !== 1) add('wrong-shipment', `${subject} ${shipmentId}`, `shipment.confirmed ${events}×`);
    }
  }
}

function groupBy<T>(items: T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const group = groups.get(k);
    if (group) group.push(item);
    else groups.set(k, [item]);
  }
  return groups;
}

/** Counts by the table's columns: lost, duplicated, oversold beyond the model, stale, everything else. */
export function summarise(violations: Violation[]): {
  lost: number;
  duplicated: number;
  oversoldBeyondModel: number;
  stale: number;
  other: number;
} {
  const count = (kinds: ViolationKind[]) => violations.filter((v) => kinds.includes(v.kind)).length;
  const lost = count(['lost-order', 'lost-reservation', 'lost-shipment']);
  const duplicated = count(['duplicated-order', 'duplicated-reservation', 'duplicated-shipment']);
  const oversoldBeyondModel = count(['oversold-beyond-model']);
  const stale = count(['stale-publish', 'negative-quantity']);
  return {
    lost,
    duplicated,
    oversoldBeyondModel,
    stale,
    other: violations.length - lost - duplicated - oversoldBeyondModel - stale,
  };
}
