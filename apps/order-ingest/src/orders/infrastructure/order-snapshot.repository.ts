import type { OrderRoutingKey, OrderSnapshot, OrderStatus } from '@holdfast/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { INGEST_SCHEMA } from '../../config/ingest.config';
import type { RecordedOrder } from '../domain/order-change';

const S = `"${INGEST_SCHEMA}"`;

/** `webhook`: a web shop's signed delivery; a web shop's reconciliation run counts as `poll`. */
export type DetectedBy = 'poll' | 'catch-up' | 'recovery' | 'webhook';

interface SnapshotRow {
  snapshot: OrderSnapshot;
  announced: boolean;
}

export interface RecordedOrderRow {
  accountId: string;
  orderId: string;
  snapshot: OrderSnapshot;
  announced: boolean;
  firstSeenBy: DetectedBy;
  firstSeenAt: Date;
  lastSeenAt: Date;
  changedAt: Date;
}

export interface OrderChangeRow {
  revision: number;
  eventType: OrderRoutingKey;
  messageId: string;
  status: OrderStatus;
  detectedBy: DetectedBy;
  detectedAt: Date;
}

export interface OrderListFilter {
  accountIds: readonly string[] | null;
  status?: OrderStatus;
  fulfilledBy?: 'MERCHANT' | 'AMAZON';
  since?: Date;
  /** Keyset position: the last row of the previous page. */
  after?: { updatedAt: string; accountId: string; orderId: string };
  limit: number;
}

interface ListRow {
  account_id: string;
  order_id: string;
  snapshot: OrderSnapshot;
  announced: boolean;
  first_seen_by: DetectedBy;
  first_seen_at: Date;
  last_seen_at: Date;
  changed_at: Date;
  updated_key: string;
}

function toRecorded(row: ListRow): RecordedOrderRow {
  return {
    accountId: row.account_id,
    orderId: row.order_id,
    snapshot: row.snapshot,
    announced: row.announced,
    firstSeenBy: row.first_seen_by,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
    changedAt: row.changed_at,
  };
}

/** Order snapshots per (account, order id), the order's change history, and the read model of the API. */
@Injectable()
export class OrderSnapshotRepository {
  /** Locks the order's row for the rest of the transaction (concurrent polls and runs take turns). */
  async lock(m: EntityManager, accountId: string, orderId: string): Promise<RecordedOrder | null> {
    const rows = await m.query<SnapshotRow[]>(
      `SELECT snapshot, announced FROM ${S}.order_snapshots WHERE account_id = $1 AND order_id = $2 FOR UPDATE`,
      [accountId, orderId],
    );
    return rows[0] ? { snapshot: rows[0].snapshot, announced: rows[0].announced } : null;
  }

  /** Without locks: what is known of these orders, to plan re-reads before the transaction. */
  async peek(m: EntityManager, accountId: string, orderIds: readonly string[]): Promise<Map<string, RecordedOrder>> {
    if (orderIds.length === 0) return new Map();
    const rows = await m.query<(SnapshotRow & { order_id: string })[]>(
      `SELECT order_id, snapshot, announced FROM ${S}.order_snapshots WHERE account_id = $1 AND order_id = ANY($2::text[])`,
      [accountId, orderIds],
    );
    return new Map(rows.map((r) => [r.order_id, { snapshot: r.snapshot, announced: r.announced }]));
  }

  /** Inserts a first sighting; false when another transaction recorded the order first. */
  async insert(m: EntityManager, snapshot: OrderSnapshot, announced: boolean, detectedBy: DetectedBy): Promise<boolean> {
    const rows = await m.query<unknown[]>(
      `INSERT INTO ${S}.order_snapshots (account_id, order_id, channel, marketplace_id, status, channel_status,
         fulfilled_by, purchased_at, channel_updated_at, revision, snapshot, announced, first_seen_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)
       ON CONFLICT (account_id, order_id) DO NOTHING
       RETURNING 1`,
      [...this.columns(snapshot), announced, detectedBy],
    );
    return rows.length > 0;
  }

  async update(m: EntityManager, snapshot: OrderSnapshot, announced: boolean): Promise<void> {
    await m.query(
      `UPDATE ${S}.order_snapshots SET channel = $3, marketplace_id = $4, status = $5, channel_status = $6,
         fulfilled_by = $7, purchased_at = $8, channel_updated_at = $9, revision = $10, snapshot = $11,
         announced = $12, last_seen_at = now(), changed_at = now()
       WHERE account_id = $1 AND order_id = $2`,
      [...this.columns(snapshot), announced],
    );
  }

  /** Amazon's time moved without a change that matters: remember the time, emit nothing. */
  async touch(m: EntityManager, snapshot: OrderSnapshot | null, accountId: string, orderId: string): Promise<void> {
    if (snapshot) {
      await m.query(
        `UPDATE ${S}.order_snapshots SET channel_updated_at = $3, revision = $4, snapshot = $5, last_seen_at = now()
          WHERE account_id = $1 AND order_id = $2`,
        [accountId, orderId, snapshot.updatedAt, snapshot.revision, JSON.stringify(snapshot)],
      );
    } else {
      await m.query(`UPDATE ${S}.order_snapshots SET last_seen_at = now() WHERE account_id = $1 AND order_id = $2`, [
        accountId,
        orderId,
      ]);
    }
  }

  async recordChange(
    m: EntityManager,
    snapshot: OrderSnapshot,
    eventType: OrderRoutingKey,
    messageId: string,
    detectedBy: DetectedBy,
  ): Promise<void> {
    await m.query(
      `INSERT INTO ${S}.order_changes (account_id, order_id, revision, event_type, message_id, status, detected_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [snapshot.accountId, snapshot.orderId, snapshot.revision, eventType, messageId, snapshot.status, detectedBy],
    );
  }

  async find(m: EntityManager, accountId: string, orderId: string): Promise<RecordedOrderRow | null> {
    const rows = await m.query<ListRow[]>(
      `SELECT account_id, order_id, snapshot, announced, first_seen_by, first_seen_at, last_seen_at, changed_at, '' AS updated_key
         FROM ${S}.order_snapshots WHERE account_id = $1 AND order_id = $2`,
      [accountId, orderId],
    );
    return rows[0] ? toRecorded(rows[0]) : null;
  }

  async changes(m: EntityManager, accountId: string, orderId: string): Promise<OrderChangeRow[]> {
    const rows = await m.query<
      { revision: string; event_type: OrderRoutingKey; message_id: string; status: OrderStatus; detected_by: DetectedBy; detected_at: Date }[]
    >(
      `SELECT revision, event_type, message_id, status, detected_by, detected_at FROM ${S}.order_changes
        WHERE account_id = $1 AND order_id = $2 ORDER BY revision`,
      [accountId, orderId],
    );
    return rows.map((r) => ({
      revision: Number(r.revision),
      eventType: r.event_type,
      messageId: r.message_id,
      status: r.status,
      detectedBy: r.detected_by,
      detectedAt: r.detected_at,
    }));
  }

  /** Orders by Amazon's last-updated time, oldest first: a client pages forward from `since`. */
  async list(m: EntityManager, filter: OrderListFilter): Promise<{ orders: RecordedOrderRow[]; last: ListRow | undefined }> {
    const params: unknown[] = [filter.accountIds, filter.status ?? null, filter.fulfilledBy ?? null, filter.since?.toISOString() ?? null];
    let keyset = '';
    if (filter.after) {
      params.push(filter.after.updatedAt, filter.after.accountId, filter.after.orderId);
      keyset = `AND (channel_updated_at, account_id, order_id) > ($5::timestamptz, $6, $7)`;
    }
    params.push(filter.limit);
    const rows = await m.query<ListRow[]>(
      `SELECT account_id, order_id, snapshot, announced, first_seen_by, first_seen_at, last_seen_at, changed_at,
              to_char(channel_updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') AS updated_key
         FROM ${S}.order_snapshots
        WHERE ($1::text[] IS NULL OR account_id = ANY($1::text[]))
          AND ($2::text IS NULL OR status = $2)
          AND ($3::text IS NULL OR fulfilled_by = $3)
          AND ($4::timestamptz IS NULL OR channel_updated_at >= $4::timestamptz)
          ${keyset}
        ORDER BY channel_updated_at, account_id, order_id
        LIMIT $${params.length}`,
      params,
    );
    return { orders: rows.map(toRecorded), last: rows.at(-1) };
  }

  private columns(s: OrderSnapshot): unknown[] {
    return [
      s.accountId,
      s.orderId,
      s.channel,
      s.marketplaceId,
      s.status,
      s.channelStatus,
      s.fulfilledBy,
      s.purchasedAt,
      s.updatedAt,
      s.revision,
      JSON.stringify(s),
    ];
  }
}
