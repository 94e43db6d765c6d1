import {
  CHAOS_ACCOUNT,
  CHAOS_ACCOUNTS,
  SHOPIFY_CONTROL,
  WOO_CONTROL,
  type ChaosChannel,
  type ChaosSystem,
} from './chaos-system';
import type { ExpectedState } from './model';

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
  | 'dead-letter';

export interface Violation {
  kind: ViolationKind;
  subject: string;
  detail: string;
}

type ReservationRow = {
  account_id: string;
  order_id: string;
  sku: string;
  state: string;
  quantity: number;
};

type PackageRow = {
  shipment_id: string;
  account_id: string;
  order_id: string;
  tracking_number: string;
  state: string;
};

interface AmazonPackage {
  orderId: string;
  trackingNumber: string;
  dropped: boolean;
}

/** An order at its channel's account: order ids of two channels may be equal. */
const orderKey = (accountId: string, orderId: string) => `${accountId}/${orderId}`;

const SCHEMAS = ['order_ingest', 'inventory', 'availability', 'shipment_notifier'];

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
): Promise<Violation[]> {
  const violations: Violation[] = [];
  const add = (kind: ViolationKind, subject: string, detail: string) =>
    violations.push({ kind, subject, detail });

  // Everything per order is read in bulk: a handful of queries whatever the number of orders.
  const placed = await system.db.query<{ account_id: string; order_id: string; n: string }>(
    `SELECT envelope->'payload'->'order'->>'accountId' AS account_id,
            envelope->'payload'->'order'->>'orderId' AS order_id, count(*) AS n
       FROM order_ingest.outbox WHERE routing_key = 'order.placed' GROUP BY 1, 2`,
  );
  const placedCount = new Map(placed.map((r) => [orderKey(r.account_id, r.order_id), Number(r.n)]));
  const ingested = new Map(
    (
      await system.db.query<{ account_id: string; order_id: string; status: string }>(
        `SELECT account_id, order_id, status FROM order_ingest.order_snapshots`,
      )
    ).map((r) => [orderKey(r.account_id, r.order_id), r.status]),
  );
  const reservations = groupBy(
    await system.db.query<ReservationRow>(
      `SELECT account_id, order_id, sku, state, quantity FROM inventory.reservations`,
    ),
    (r) => orderKey(r.account_id, r.order_id),
  );
  const known = new Set(
    [...model.orders.values()].map((o) => orderKey(CHAOS_ACCOUNTS[o.channel], orderIds.get(o.ref) ?? '')),
  );
  for (const [key, n] of placedCount)
    if (!known.has(key))
      add('duplicated-order', key, `order.placed ${n}× for an order the workload never placed`);

  // Orders: every one imported once, in the model's status, announced exactly once.
  for (const order of model.orders.values()) {
    const orderId = orderIds.get(order.ref);
    if (!orderId) {
      add('lost-order', order.ref, 'never created at Amazon');
      continue;
    }
    const key = orderKey(CHAOS_ACCOUNTS[order.channel], orderId);
    const subject = `${order.ref} (${order.channel} ${orderId})${order.late ? ' late-visible' : ''}`;
    const status = ingested.get(key);
    if (status === undefined) add('lost-order', subject, 'order-ingest does not know it');
    else if (status !== order.status)
      add('wrong-order-status', subject, `order-ingest shows ${status}, model ${order.status}`);
    const announced = placedCount.get(key) ?? 0;
    // An order already cancelled when order-ingest first saw it is recorded and never
    // announced (nobody holds anything for it); whether a cancellation beat the first poll is
    // timing, so for a cancelled order both outcomes are right, and nothing may be held.
    const mayBeUnannounced = order.status === 'canceled';
    if (announced === 0 && !mayBeUnannounced) add('lost-order', subject, 'no order.placed in the outbox');
    if (announced > 1) add('duplicated-order', subject, `order.placed ${announced}×`);

    // Reservations: one per line, in the model's state, holding the line's units while active.
    const rows = reservations.get(key) ?? [];
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

  // The shop and the store: the publisher acknowledged the model's quantity after their rules,
  // and they show it (Shopify's available at its one location, WooCommerce's stock quantity).
  const shown = await shopQuantities(system);
  for (const channel of ['shopify', 'woocommerce'] as const) {
    const acknowledged = await system.api<{
      listings: { channelSku: string; state: string; acknowledged: { quantity: number } | null }[];
    }>(
      'availability-publisher',
      'GET',
      `/v1/listings?channel=${channel}&accountId=${CHAOS_ACCOUNTS[channel]}&limit=1000`,
    );
    for (const sku of model.skus.values()) {
      const want = sku.shopQuantity[channel];
      const listing = acknowledged.body.listings?.find((l) => l.channelSku === sku.sku);
      if (!listing || listing.state !== 'in-sync' || listing.acknowledged?.quantity !== want)
        add(
          'listing-not-in-sync',
          `${channel} ${sku.sku}`,
          `publisher ${listing?.state ?? 'no listing'} acknowledged ${listing?.acknowledged?.quantity ?? '-'}, model ${want}`,
        );
      const atShop = shown[channel].get(sku.sku);
      if (atShop !== want)
        add(
          'wrong-channel-quantity',
          `${channel} ${sku.sku}`,
          `the shop shows ${atShop ?? 'nothing'}, model ${want}`,
        );
    }
  }

  // Every event published; nothing dead-lettered (the workload injects no poison).
  for (const schema of SCHEMAS) {
    const [row] = await system.db.query<{ n: string }>(
      `SELECT count(*) AS n FROM "${schema}".outbox WHERE sent_at IS NULL`,
    );
    if (Number(row.n) > 0) add('outbox-not-drained', schema, `${row.n} events not sent`);
  }
  for (const [queue, messages] of Object.entries(await system.deadLetters()))
    if (messages > 0) add('dead-letter', queue, `${messages} messages`);

  return violations;
}

/**
 * Shipments: every package the model ships confirmed exactly once at its channel (see
 * `channelConfirmations`) and confirmed at shipment-notifier, one
 * shipment per order and one shipment.confirmed for it; nothing at the channel for an order that
 * must not ship, and nothing confirmed or still in flight for it at the notifier.
 */
async function checkShipments(
  system: ChaosSystem,
  model: ExpectedState,
  orderIds: ReadonlyMap<string, string>,
  add: (kind: ViolationKind, subject: string, detail: string) => void,
): Promise<void> {
  const confirmations = await channelConfirmations(system);
  if (!confirmations) {
    add('lost-shipment', 'channels', 'a simulator did not answer');
    return;
  }
  const packages = groupBy(
    await system.db.query<PackageRow>(
      `SELECT p.shipment_id, p.account_id, p.order_id, p.tracking_number, p.state
         FROM shipment_notifier.shipment_packages p
         JOIN shipment_notifier.shipments s ON s.id = p.shipment_id
        WHERE s.voided_at IS NULL`,
    ),
    (p) => orderKey(p.account_id, p.order_id),
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
    const key = orderKey(CHAOS_ACCOUNTS[order.channel], orderId);
    const subject = `${order.ref} (${order.channel} ${orderId})`;
    const shown = confirmations.get(key) ?? [];
    const ours = packages.get(key) ?? [];
    if (order.packages.length === 0) {
      if (shown.length > 0)
        add(
          order.forbiddenShipment ? 'forbidden-shipment-confirmed' : 'duplicated-shipment',
          subject,
          `the channel shows ${shown.length} package(s) for an order the model never ships (${order.status})`,
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
      const atChannel = shown.filter((number) => number === tracking).length;
      if (atChannel === 0) add('lost-shipment', `${subject} ${tracking}`, 'not confirmed at the channel');
      if (atChannel > 1)
        add('duplicated-shipment', `${subject} ${tracking}`, `confirmed ${atChannel}× at the channel`);
      const mine = ours.filter((p) => p.tracking_number === tracking);
      if (mine.length === 0)
        add('lost-shipment', `${subject} ${tracking}`, 'shipment-notifier has no such package');
      else if (mine.length > 1)
        add('duplicated-shipment', `${subject} ${tracking}`, `${mine.length} packages at shipment-notifier`);
      else if (mine[0].state !== 'confirmed')
        add('wrong-shipment', `${subject} ${tracking}`, `the notifier's package is ${mine[0].state}`);
    }
    for (const extra of shown.filter((number) => !order.packages.includes(number)))
      add('duplicated-shipment', `${subject} ${extra}`, 'a package at the channel the model never sent');
    const shipments = new Set(ours.map((p) => p.shipment_id));
    if (shipments.size > 1)
      add('duplicated-shipment', subject, `${shipments.size} shipments at shipment-notifier`);
    for (const shipmentId of shipments) {
      const events = confirmedEvents.get(shipmentId) ?? 0;
      if (events !== 1) add('wrong-shipment', `${subject} ${shipmentId}`, `shipment.confirmed ${events}×`);
    }
  }
}

async function shopQuantities(
  system: ChaosSystem,
): Promise<Record<'shopify' | 'woocommerce', Map<string, number | null>>> {
  const shopify = await system.shop<{ items: { sku: string; levels: { available: number }[] }[] }>(
    'GET',
    `${SHOPIFY_CONTROL}/inventory`,
  );
  const woo = await system.shop<{ items: { sku: string; stockQuantity: number | null }[] }>(
    'GET',
    `${WOO_CONTROL}/stock`,
  );
  return {
    shopify: new Map((shopify.body.items ?? []).map((i) => [i.sku, i.levels[0]?.available ?? null])),
    woocommerce: new Map((woo.body.items ?? []).map((i) => [i.sku, i.stockQuantity])),
  };
}

/**
 * Tracking numbers confirmed at each channel, per order (by account): Amazon's confirmShipment
 * packages that took effect, Shopify's fulfillments, WooCommerce's shipment-tracking items.
 * Null when a simulator does not answer.
 */
async function channelConfirmations(system: ChaosSystem): Promise<Map<string, string[]> | null> {
  const [amazon, shopify, woo] = await Promise.all([
    system.sim<{ shipments: AmazonPackage[] }>('GET', '/_sim/shipments'),
    system.shop<{
      fulfillments: { orderId: number; status: string; tracking: { number: string | null }[] }[];
    }>('GET', `${SHOPIFY_CONTROL}/fulfillments`),
    system.shop<{ orders: { id: number; trackingItems: { tracking_number: string }[] }[] }>(
      'GET',
      `${WOO_CONTROL}/shipments`,
    ),
  ]);
  if (amazon.status !== 200 || shopify.status !== 200 || woo.status !== 200) return null;
  const confirmed = new Map<string, string[]>();
  const record = (channel: ChaosChannel, orderId: string, tracking: string) => {
    const key = orderKey(CHAOS_ACCOUNTS[channel], orderId);
    confirmed.set(key, [...(confirmed.get(key) ?? []), tracking]);
  };
  for (const p of amazon.body.shipments) if (!p.dropped) record('amazon', p.orderId, p.trackingNumber);
  for (const f of shopify.body.fulfillments)
    if (f.status !== 'CANCELLED' && f.status !== 'cancelled')
      for (const t of f.tracking) if (t.number) record('shopify', String(f.orderId), t.number);
  for (const o of woo.body.orders)
    for (const t of o.trackingItems) record('woocommerce', String(o.id), t.tracking_number);
  return confirmed;
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

/** Counts by the table's columns: lost, duplicated, oversold beyond the model, everything else. */
export function summarise(violations: Violation[]): {
  lost: number;
  duplicated: number;
  oversoldBeyondModel: number;
  other: number;
} {
  const count = (kinds: ViolationKind[]) => violations.filter((v) => kinds.includes(v.kind)).length;
  const lost = count(['lost-order', 'lost-reservation', 'lost-shipment']);
  const duplicated = count(['duplicated-order', 'duplicated-reservation', 'duplicated-shipment']);
  const oversoldBeyondModel = count(['oversold-beyond-model']);
  return {
    lost,
    duplicated,
    oversoldBeyondModel,
    other: violations.length - lost - duplicated - oversoldBeyondModel,
  };
}
