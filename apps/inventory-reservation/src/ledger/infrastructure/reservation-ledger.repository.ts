import type { Channel, FulfilledBy, OrderStatus } from '@holdfast/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { orderKey, type OrderRef } from '../../common/order-ref';
import { INVENTORY_SCHEMA } from '../../config/inventory.config';
import type {
  RejectedTransition,
  ReservationTransition,
  ShipmentLine,
  SkuComponent,
  StoredReservation,
} from '../domain/order-reconciliation';
import type { ReservationState } from '../domain/reservation-state';

const S = `"${INVENTORY_SCHEMA}"`;

/** Status of a row that stands for an order known only from a shipment (revision -1). */
export const UNKNOWN_ORDER_STATUS = 'unknown';

export interface OrderHeadWrite extends OrderRef {
  revision: number;
  status: OrderStatus | typeof UNKNOWN_ORDER_STATUS;
  fulfilledBy: FulfilledBy | null;
}

export interface OrderHead extends OrderRef {
  revision: number;
  status: OrderStatus | null;
  fulfilledBy: FulfilledBy | null;
}

export interface Cause {
  type: string;
  messageId: string | null;
}

export interface OrderWrites {
  order: OrderRef;
  revision: number;
  cause: Cause;
  writes: StoredReservation[];
  transitions: ReservationTransition[];
  rejected: RejectedTransition[];
}

interface ReservationRow {
  channel: Channel;
  account_id: string;
  order_id: string;
  line_id: string;
  sku: string;
  channel_sku: string;
  bundle_sku: string | null;
  unit_quantity: number;
  ordered: number | null;
  canceled: number;
  snapshot_shipped: number;
  confirmed_shipped: number;
  fulfilled: number;
  quantity: number;
  state: ReservationState;
  revision: string;
}

/**
 * The reservation side of the ledger: order heads (revision, tombstone, the order's
 * lock), reservation rows, their history and the transitions refused. Set-based: every
 * method takes all orders of a batch at once, so one message or a hundred cost the same
 * number of statements.
 */
@Injectable()
export class ReservationLedgerRepository {
  /**
   * Locks the orders' heads (in the given, sorted order) and records each snapshot's
   * revision unless a newer one was applied before. Returns the keys whose row was
   * written (fresh snapshots, or new placeholders) and which of them are new orders.
   * A head whose revision is not older is still locked: an order is changed by one
   * transaction at a time, whatever event it comes from.
   */
  async advanceOrders(
    manager: EntityManager,
    heads: readonly OrderHeadWrite[],
  ): Promise<{ written: Set<string>; created: Set<string> }> {
    const rows: { channel: Channel; account_id: string; order_id: string; created: boolean }[] = await manager.query(
      `INSERT INTO ${S}.order_revisions AS o (channel, account_id, order_id, revision, status, fulfilled_by)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[])
       ON CONFLICT (channel, account_id, order_id) DO UPDATE
         SET revision = EXCLUDED.revision, status = EXCLUDED.status,
             fulfilled_by = coalesce(EXCLUDED.fulfilled_by, o.fulfilled_by), updated_at = now()
         WHERE o.revision < EXCLUDED.revision
       RETURNING o.channel, o.account_id, o.order_id, (xmax = 0) AS created`,
      [
        heads.map((h) => h.channel),
        heads.map((h) => h.accountId),
        heads.map((h) => h.orderId),
        heads.map((h) => h.revision),
        heads.map((h) => h.status),
        heads.map((h) => h.fulfilledBy),
      ],
    );
    const written = new Set<string>();
    const created = new Set<string>();
    for (const r of rows) {
      const key = orderKey({ channel: r.channel, accountId: r.account_id, orderId: r.order_id });
      written.add(key);
      if (r.created) created.add(key);
    }
    return { written, created };
  }

  /** The orders' heads as stored (call after advanceOrders: the rows are locked by then). */
  async orderHeads(manager: EntityManager, orders: readonly OrderRef[]): Promise<Map<string, OrderHead>> {
    if (orders.length === 0) return new Map();
    const rows: {
      channel: Channel;
      account_id: string;
      order_id: string;
      revision: string;
      status: string;
      fulfilled_by: FulfilledBy | null;
    }[] = await manager.query(
      `SELECT o.channel, o.account_id, o.order_id, o.revision, o.status, o.fulfilled_by
         FROM ${S}.order_revisions o
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(channel, account_id, order_id)
           ON (o.channel, o.account_id, o.order_id) = (k.channel, k.account_id, k.order_id)`,
      [orders.map((o) => o.channel), orders.map((o) => o.accountId), orders.map((o) => o.orderId)],
    );
    return new Map(
      rows.map((r) => {
        const ref = { channel: r.channel, accountId: r.account_id, orderId: r.order_id };
        const status = r.status === UNKNOWN_ORDER_STATUS ? null : (r.status as OrderStatus);
        return [orderKey(ref), { ...ref, revision: Number(r.revision), status, fulfilledBy: r.fulfilled_by }];
      }),
    );
  }

  /** Records shipment lines; returns those not recorded before, per order key. */
  async recordShipmentLines(
    manager: EntityManager,
    lines: readonly (ShipmentLine & OrderRef & { shipmentId: string })[],
  ): Promise<Map<string, ShipmentLine[]>> {
    const result = new Map<string, ShipmentLine[]>();
    if (lines.length === 0) return result;
    const rows: { channel: Channel; account_id: string; order_id: string; line_id: string; quantity: number }[] =
      await manager.query(
        `INSERT INTO ${S}.shipment_lines (channel, account_id, order_id, shipment_id, line_id, quantity)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[])
         ON CONFLICT DO NOTHING
         RETURNING channel, account_id, order_id, line_id, quantity`,
        [
          lines.map((l) => l.channel),
          lines.map((l) => l.accountId),
          lines.map((l) => l.orderId),
          lines.map((l) => l.shipmentId),
          lines.map((l) => l.lineId),
          lines.map((l) => l.quantity),
        ],
      );
    for (const r of rows) {
      const ref = { channel: r.channel, accountId: r.account_id, orderId: r.order_id };
      const key = orderKey(ref);
      const line = lines.find((l) => orderKey(l) === key && l.lineId === r.line_id);
      if (!line) continue;
      result.set(key, [...(result.get(key) ?? []), { lineId: r.line_id, channelSku: line.channelSku, quantity: r.quantity }]);
    }
    return result;
  }

  async reservationsOf(manager: EntityManager, orders: readonly OrderRef[]): Promise<Map<string, StoredReservation[]>> {
    const result = new Map<string, StoredReservation[]>();
    if (orders.length === 0) return result;
    const rows: ReservationRow[] = await manager.query(
      `SELECT r.channel, r.account_id, r.order_id, r.line_id, r.sku, r.channel_sku, r.bundle_sku, r.unit_quantity,
              r.ordered, r.canceled, r.snapshot_shipped, r.confirmed_shipped, r.fulfilled, r.quantity, r.state, r.revision
         FROM ${S}.reservations r
         JOIN unnest($1::text[], $2::text[], $3::text[]) AS k(channel, account_id, order_id)
           ON (r.channel, r.account_id, r.order_id) = (k.channel, k.account_id, k.order_id)`,
      [orders.map((o) => o.channel), orders.map((o) => o.accountId), orders.map((o) => o.orderId)],
    );
    for (const r of rows) {
      const key = orderKey({ channel: r.channel, accountId: r.account_id, orderId: r.order_id });
      result.set(key, [
        ...(result.get(key) ?? []),
        {
          lineId: r.line_id,
          sku: r.sku,
          channelSku: r.channel_sku,
          bundleSku: r.bundle_sku,
          unitQuantity: r.unit_quantity,
          ordered: r.ordered,
          canceled: r.canceled,
          snapshotShipped: r.snapshot_shipped,
          confirmedShipped: r.confirmed_shipped,
          fulfilled: r.fulfilled,
          quantity: r.quantity,
          state: r.state,
          revision: Number(r.revision),
        },
      ]);
    }
    return result;
  }

  /**
   * What each (channel, account, channel SKU) stands for: the account's mapping, else
   * the internal SKU of the same name; a bundle resolves to its components.
   */
  async resolveChannelSkus(
    manager: EntityManager,
    keys: readonly { channel: Channel; accountId: string; channelSku: string }[],
  ): Promise<Map<string, SkuComponent[]>> {
    const result = new Map<string, SkuComponent[]>();
    if (keys.length === 0) return result;
    const rows: { channel: Channel; account_id: string; channel_sku: string; target: string; component: string | null; quantity: number | null }[] =
      await manager.query(
        `SELECT t.channel, t.account_id, t.channel_sku, coalesce(m.sku, t.channel_sku) AS target,
                c.sku AS component, c.quantity
           FROM unnest($1::text[], $2::text[], $3::text[]) AS t(channel, account_id, channel_sku)
           LEFT JOIN ${S}.sku_mappings m
             ON (m.channel, m.account_id, m.channel_sku) = (t.channel, t.account_id, t.channel_sku)
           LEFT JOIN ${S}.bundle_components c ON c.bundle_sku = coalesce(m.sku, t.channel_sku)`,
        [keys.map((k) => k.channel), keys.map((k) => k.accountId), keys.map((k) => k.channelSku)],
      );
    for (const r of rows) {
      const key = channelSkuKey(r.channel, r.account_id, r.channel_sku);
      const component: SkuComponent =
        r.component === null
          ? { sku: r.target, unitQuantity: 1, bundleSku: null }
          : { sku: r.component, unitQuantity: r.quantity ?? 1, bundleSku: r.target };
      result.set(key, [...(result.get(key) ?? []), component]);
    }
    return result;
  }

  /** Accounts (channel + id) that reserve merchant stock for Amazon-fulfilled orders. */
  async accountsReservingAmazonFulfilled(
    manager: EntityManager,
    accounts: readonly { channel: Channel; accountId: string }[],
  ): Promise<Set<string>> {
    if (accounts.length === 0) return new Set();
    const rows: { channel: string; account_id: string }[] = await manager.query(
      `SELECT a.channel, a.account_id FROM ${S}.account_settings a
         JOIN unnest($1::text[], $2::text[]) AS k(channel, account_id)
           ON (a.channel, a.account_id) = (k.channel, k.account_id)
        WHERE a.reserve_amazon_fulfilled`,
      [accounts.map((a) => a.channel), accounts.map((a) => a.accountId)],
    );
    return new Set(rows.map((r) => `${r.channel}\u0000${r.account_id}`));
  }

  /** Upserts the reservation rows and appends their history and the refused transitions. */
  async write(manager: EntityManager, orders: readonly OrderWrites[]): Promise<void> {
    const rows = orders.flatMap((o) => o.writes.map((w) => ({ o, w })));
    const history = orders.flatMap((o) => o.transitions.map((t) => ({ o, t })));
    const rejected = orders.flatMap((o) => o.rejected.map((r) => ({ o, r })));
    if (rows.length > 0 || history.length > 0) {
      await manager.query(
        `WITH upserted AS (
           INSERT INTO ${S}.reservations AS r (channel, account_id, order_id, line_id, sku, channel_sku, bundle_sku,
               unit_quantity, ordered, canceled, snapshot_shipped, confirmed_shipped, fulfilled, quantity, state, revision)
           SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
               $8::int[], $9::int[], $10::int[], $11::int[], $12::int[], $13::int[], $14::int[], $15::text[], $16::bigint[])
           ON CONFLICT (channel, account_id, order_id, line_id, sku) DO UPDATE
             SET channel_sku = EXCLUDED.channel_sku, bundle_sku = EXCLUDED.bundle_sku,
                 unit_quantity = EXCLUDED.unit_quantity, ordered = EXCLUDED.ordered, canceled = EXCLUDED.canceled,
                 snapshot_shipped = EXCLUDED.snapshot_shipped, confirmed_shipped = EXCLUDED.confirmed_shipped,
                 fulfilled = EXCLUDED.fulfilled, quantity = EXCLUDED.quantity, state = EXCLUDED.state,
                 revision = EXCLUDED.revision, updated_at = now()
           RETURNING 1)
         INSERT INTO ${S}.reservation_history (channel, account_id, order_id, line_id, sku, from_state, to_state,
             from_quantity, to_quantity, fulfilled, revision, cause_type, cause_message_id)
         SELECT * FROM unnest($17::text[], $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[],
             $24::int[], $25::int[], $26::int[], $27::bigint[], $28::text[], $29::text[])`,
        [
          rows.map(({ o }) => o.order.channel),
          rows.map(({ o }) => o.order.accountId),
          rows.map(({ o }) => o.order.orderId),
          rows.map(({ w }) => w.lineId),
          rows.map(({ w }) => w.sku),
          rows.map(({ w }) => w.channelSku),
          rows.map(({ w }) => w.bundleSku),
          rows.map(({ w }) => w.unitQuantity),
          rows.map(({ w }) => w.ordered),
          rows.map(({ w }) => w.canceled),
          rows.map(({ w }) => w.snapshotShipped),
          rows.map(({ w }) => w.confirmedShipped),
          rows.map(({ w }) => w.fulfilled),
          rows.map(({ w }) => w.quantity),
          rows.map(({ w }) => w.state),
          rows.map(({ w }) => w.revision),
          history.map(({ o }) => o.order.channel),
          history.map(({ o }) => o.order.accountId),
          history.map(({ o }) => o.order.orderId),
          history.map(({ t }) => t.lineId),
          history.map(({ t }) => t.sku),
          history.map(({ t }) => t.from),
          history.map(({ t }) => t.to),
          history.map(({ t }) => t.fromQuantity),
          history.map(({ t }) => t.toQuantity),
          history.map(({ t }) => t.fulfilled),
          history.map(({ o }) => o.revision),
          history.map(({ o }) => o.cause.type),
          history.map(({ o }) => o.cause.messageId),
        ],
      );
    }
    if (rejected.length > 0) {
      await manager.query(
        `INSERT INTO ${S}.rejected_transitions (channel, account_id, order_id, line_id, sku, from_state, to_state,
             reason, revision, cause_type, cause_message_id)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
             $8::text[], $9::bigint[], $10::text[], $11::text[])`,
        [
          rejected.map(({ o }) => o.order.channel),
          rejected.map(({ o }) => o.order.accountId),
          rejected.map(({ o }) => o.order.orderId),
          rejected.map(({ r }) => r.lineId),
          rejected.map(({ r }) => r.sku),
          rejected.map(({ r }) => r.from),
          rejected.map(({ r }) => r.to),
          rejected.map(({ r }) => r.reason),
          rejected.map(({ o }) => o.revision),
          rejected.map(({ o }) => o.cause.type),
          rejected.map(({ o }) => o.cause.messageId),
        ],
      );
    }
  }
}

export function channelSkuKey(channel: string, accountId: string, channelSku: string): string {
  return `${channel}\u0000${accountId}\u0000${channelSku}`;
}
