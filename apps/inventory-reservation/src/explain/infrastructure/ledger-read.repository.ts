import type { Channel, ChannelAvailability } from '@holdfast/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { INVENTORY_SCHEMA } from '../../config/inventory.config';
import type { ReservationState } from '../../ledger/domain/reservation-state';

const S = `"${INVENTORY_SCHEMA}"`;

export interface HeadView {
  sku: string;
  onHand: number;
  reserved: number;
  version: number;
  sharedOnHand: number;
  channelOnHand: Partial<Record<Channel, number>>;
}

export interface LocationLevelView {
  locationId: string;
  name: string;
  channels: Channel[] | null;
  onHand: number;
  asOf: number | null;
  updatedAt: string;
}

export interface ReservationView {
  channel: Channel;
  accountId: string;
  orderId: string;
  lineId: string;
  sku: string;
  channelSku: string;
  bundleSku: string | null;
  state: ReservationState;
  quantity: number;
  ordered: number | null;
  canceled: number;
  fulfilled: number;
  since: string;
  updatedAt: string;
}

export interface BundleView {
  bundleSku: string;
  onHand: number;
  reserved: number;
  version: number;
  channels: ChannelAvailability[];
  components: { sku: string; quantity: number }[];
}

interface ReservationRow {
  channel: Channel;
  account_id: string;
  order_id: string;
  line_id: string;
  sku: string;
  channel_sku: string;
  bundle_sku: string | null;
  state: ReservationState;
  quantity: number;
  ordered: number | null;
  canceled: number;
  fulfilled: number;
  created_at: Date;
  updated_at: Date;
}

const RESERVATION_COLUMNS = `channel, account_id, order_id, line_id, sku, channel_sku, bundle_sku, state, quantity,
  ordered, canceled, fulfilled, created_at, updated_at`;

function toReservation(r: ReservationRow): ReservationView {
  return {
    channel: r.channel,
    accountId: r.account_id,
    orderId: r.order_id,
    lineId: r.line_id,
    sku: r.sku,
    channelSku: r.channel_sku,
    bundleSku: r.bundle_sku,
    state: r.state,
    quantity: r.quantity,
    ordered: r.ordered,
    canceled: r.canceled,
    fulfilled: r.fulfilled,
    since: r.created_at.toISOString(),
    updatedAt: r.updated_at.toISOString(),
  };
}

/** The ledger's read side: what the explain, oversold and history endpoints show. */
@Injectable()
export class LedgerReadRepository {
  async head(manager: EntityManager, sku: string): Promise<HeadView | null> {
    const rows: {
      sku: string;
      on_hand: number;
      reserved: number;
      version: number;
      shared_on_hand: number;
      channel_on_hand: Partial<Record<Channel, number>>;
    }[] = await manager.query(
      `SELECT sku, on_hand, reserved, version, shared_on_hand, channel_on_hand FROM ${S}.stock WHERE sku = $1`,
      [sku],
    );
    const r = rows[0];
    return r
      ? {
          sku: r.sku,
          onHand: r.on_hand,
          reserved: r.reserved,
          version: r.version,
          sharedOnHand: r.shared_on_hand,
          channelOnHand: r.channel_on_hand,
        }
      : null;
  }

  async levels(manager: EntityManager, sku: string): Promise<LocationLevelView[]> {
    const rows: {
      location_id: string;
      name: string;
      channels: Channel[] | null;
      on_hand: number;
      as_of: string | null;
      updated_at: Date;
    }[] = await manager.query(
      `SELECT l.location_id, loc.name, loc.channels, l.on_hand, l.as_of, l.updated_at
         FROM ${S}.stock_levels l JOIN ${S}.locations loc USING (location_id)
        WHERE l.sku = $1 ORDER BY loc.priority, l.location_id`,
      [sku],
    );
    return rows.map((r) => ({
      locationId: r.location_id,
      name: r.name,
      channels: r.channels,
      onHand: r.on_hand,
      asOf: r.as_of === null ? null : Number(r.as_of),
      updatedAt: r.updated_at.toISOString(),
    }));
  }

  async activeReservations(manager: EntityManager, sku: string): Promise<ReservationView[]> {
    const rows: ReservationRow[] = await manager.query(
      `SELECT ${RESERVATION_COLUMNS} FROM ${S}.reservations
        WHERE sku = $1 AND state IN ('pending', 'committed') ORDER BY created_at, order_id, line_id`,
      [sku],
    );
    return rows.map(toReservation);
  }

  async bundle(manager: EntityManager, bundleSku: string): Promise<BundleView | null> {
    const rows: { on_hand: number; reserved: number; version: number; channel_figures: ChannelAvailability[] }[] =
      await manager.query(`SELECT on_hand, reserved, version, channel_figures FROM ${S}.bundles WHERE bundle_sku = $1`, [
        bundleSku,
      ]);
    if (rows.length === 0) return null;
    const components: { sku: string; quantity: number }[] = await manager.query(
      `SELECT sku, quantity FROM ${S}.bundle_components WHERE bundle_sku = $1 ORDER BY sku`,
      [bundleSku],
    );
    const r = rows[0];
    return {
      bundleSku,
      onHand: r.on_hand,
      reserved: r.reserved,
      version: r.version,
      channels: r.channel_figures,
      components,
    };
  }

  async oversold(manager: EntityManager): Promise<HeadView[]> {
    const rows: {
      sku: string;
      on_hand: number;
      reserved: number;
      version: number;
      shared_on_hand: number;
      channel_on_hand: Partial<Record<Channel, number>>;
    }[] = await manager.query(
      `SELECT sku, on_hand, reserved, version, shared_on_hand, channel_on_hand FROM ${S}.stock
        WHERE reserved > on_hand ORDER BY reserved - on_hand DESC, sku LIMIT 1000`,
    );
    return rows.map((r) => ({
      sku: r.sku,
      onHand: r.on_hand,
      reserved: r.reserved,
      version: r.version,
      sharedOnHand: r.shared_on_hand,
      channelOnHand: r.channel_on_hand,
    }));
  }

  async order(
    manager: EntityManager,
    channel: Channel,
    accountId: string,
    orderId: string,
  ): Promise<{ status: string; revision: number; fulfilledBy: string | null; updatedAt: string } | null> {
    const rows: { status: string; revision: string; fulfilled_by: string | null; updated_at: Date }[] = await manager.query(
      `SELECT status, revision, fulfilled_by, updated_at FROM ${S}.order_revisions
        WHERE channel = $1 AND account_id = $2 AND order_id = $3`,
      [channel, accountId, orderId],
    );
    const r = rows[0];
    return r
      ? { status: r.status, revision: Number(r.revision), fulfilledBy: r.fulfilled_by, updatedAt: r.updated_at.toISOString() }
      : null;
  }

  async orderReservations(manager: EntityManager, channel: Channel, accountId: string, orderId: string) {
    const rows: ReservationRow[] = await manager.query(
      `SELECT ${RESERVATION_COLUMNS} FROM ${S}.reservations
        WHERE channel = $1 AND account_id = $2 AND order_id = $3 ORDER BY line_id, sku`,
      [channel, accountId, orderId],
    );
    return rows.map(toReservation);
  }

  async orderHistory(manager: EntityManager, channel: Channel, accountId: string, orderId: string) {
    const rows: {
      line_id: string;
      sku: string;
      from_state: ReservationState | null;
      to_state: ReservationState;
      from_quantity: number;
      to_quantity: number;
      fulfilled: number;
      revision: string | null;
      cause_type: string;
      cause_message_id: string | null;
      recorded_at: Date;
    }[] = await manager.query(
      `SELECT line_id, sku, from_state, to_state, from_quantity, to_quantity, fulfilled, revision,
              cause_type, cause_message_id, recorded_at
         FROM ${S}.reservation_history
        WHERE channel = $1 AND account_id = $2 AND order_id = $3 ORDER BY id`,
      [channel, accountId, orderId],
    );
    return rows.map((r) => ({
      lineId: r.line_id,
      sku: r.sku,
      from: r.from_state,
      to: r.to_state,
      fromQuantity: r.from_quantity,
      toQuantity: r.to_quantity,
      fulfilled: r.fulfilled,
      revision: r.revision === null ? null : Number(r.revision),
      cause: { type: r.cause_type, messageId: r.cause_message_id },
      at: r.recorded_at.toISOString(),
    }));
  }

  async rejectedTransitions(
    manager: EntityManager,
    filter: { channel?: Channel; accountId?: string; orderId?: string; accounts?: readonly string[] | null; limit: number },
  ) {
    const rows: {
      id: string;
      channel: Channel;
      account_id: string;
      order_id: string;
      line_id: string;
      sku: string;
      from_state: ReservationState;
      to_state: ReservationState;
      reason: string;
      revision: string | null;
      cause_type: string;
      cause_message_id: string | null;
      rejected_at: Date;
    }[] = await manager.query(
      `SELECT id, channel, account_id, order_id, line_id, sku, from_state, to_state, reason, revision,
              cause_type, cause_message_id, rejected_at
         FROM ${S}.rejected_transitions
        WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR account_id = $2)
          AND ($3::text IS NULL OR order_id = $3) AND ($4::text[] IS NULL OR account_id = ANY($4::text[]))
        ORDER BY id DESC LIMIT $5`,
      [filter.channel ?? null, filter.accountId ?? null, filter.orderId ?? null, filter.accounts ?? null, filter.limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      channel: r.channel,
      accountId: r.account_id,
      orderId: r.order_id,
      lineId: r.line_id,
      sku: r.sku,
      from: r.from_state,
      to: r.to_state,
      reason: r.reason,
      revision: r.revision === null ? null : Number(r.revision),
      cause: { type: r.cause_type, messageId: r.cause_message_id },
      at: r.rejected_at.toISOString(),
    }));
  }
}
