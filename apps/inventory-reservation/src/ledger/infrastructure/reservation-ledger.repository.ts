import type { OrderSnapshot } from '@holdfast/contracts';
import { Outbox, queryRows } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { PlannedReservation } from '../domain/reservation-plan';
import { INVENTORY_SCHEMA } from '../../config/inventory.config';

const S = `"${INVENTORY_SCHEMA}"`;

export interface StockLevel {
  sku: string;
  onHand: number;
  reserved: number;
  version: number;
}

/**
 * The ledger's SQL. Every write happens inside the caller's transaction; the SKU rows
 * are locked in sorted order so two transactions touching the same SKUs cannot deadlock.
 */
@Injectable()
export class ReservationLedgerRepository {
  constructor(@Inject(Outbox) private readonly outbox: Outbox) {}

  /**
   * Records the order's revision. Returns false when a newer (or equal) revision was
   * already applied: the event is stale and changes nothing. The row doubles as the
   * tombstone of a cancelled order, so a late placement cannot resurrect it.
   */
  async advanceRevision(manager: EntityManager, order: OrderSnapshot): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO ${S}.order_revisions (channel, account_id, order_id, revision, status)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (channel, account_id, order_id) DO UPDATE
         SET revision = EXCLUDED.revision, status = EXCLUDED.status, updated_at = now()
         WHERE ${S}.order_revisions.revision < EXCLUDED.revision
       RETURNING 1`,
      [order.channel, order.accountId, order.orderId, order.revision, order.status],
    );
    return rows.length > 0;
  }

  async lockSkus(manager: EntityManager, skus: string[]): Promise<void> {
    const sorted = [...new Set(skus)].sort();
    if (sorted.length === 0) return;
    await manager.query(
      `INSERT INTO ${S}.stock (sku) SELECT unnest($1::text[]) ON CONFLICT (sku) DO NOTHING`,
      [sorted],
    );
    await manager.query(`SELECT sku FROM ${S}.stock WHERE sku = ANY($1::text[]) ORDER BY sku FOR UPDATE`, [sorted]);
  }

  async currentSkus(manager: EntityManager, order: OrderSnapshot): Promise<string[]> {
    const rows: { sku: string }[] = await manager.query(
      `SELECT DISTINCT sku FROM ${S}.reservations WHERE channel = $1 AND account_id = $2 AND order_id = $3`,
      [order.channel, order.accountId, order.orderId],
    );
    return rows.map((r) => r.sku);
  }

  async replaceReservations(manager: EntityManager, order: OrderSnapshot, plan: PlannedReservation[]): Promise<void> {
    for (const line of plan) {
      await manager.query(
        `INSERT INTO ${S}.reservations (channel, account_id, order_id, line_id, sku, quantity, state, revision)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (channel, account_id, order_id, line_id) DO UPDATE
           SET sku = EXCLUDED.sku, quantity = EXCLUDED.quantity, state = EXCLUDED.state,
               revision = EXCLUDED.revision, updated_at = now()`,
        [order.channel, order.accountId, order.orderId, line.lineId, line.sku, line.quantity, line.state, order.revision],
      );
    }
  }

  /**
   * Recomputes `reserved` of each SKU from its active reservations and, where anything
   * changed, bumps the SKU's version and writes one availability.changed to the outbox.
   */
  async refreshAvailability(manager: EntityManager, skus: string[], causation: { correlationId: string; causationId: string }): Promise<StockLevel[]> {
    const sorted = [...new Set(skus)].sort();
    if (sorted.length === 0) return [];
    const changed = await queryRows<{ sku: string; on_hand: number; reserved: number; version: number }>(
      manager,
      `WITH totals AS (
         SELECT s.sku, coalesce(sum(r.quantity) FILTER (WHERE r.state IN ('pending', 'committed')), 0)::int AS reserved
           FROM ${S}.stock s LEFT JOIN ${S}.reservations r ON r.sku = s.sku
          WHERE s.sku = ANY($1::text[]) GROUP BY s.sku)
       UPDATE ${S}.stock s SET reserved = t.reserved, version = s.version + 1, updated_at = now()
         FROM totals t WHERE s.sku = t.sku AND s.reserved <> t.reserved
       RETURNING s.sku, s.on_hand, s.reserved, s.version`,
      [sorted],
    );
    changed.sort((a, b) => a.sku.localeCompare(b.sku));
    for (const row of changed) {
      await this.outbox.add(
        manager,
        'availability.changed',
        { sku: row.sku, onHand: row.on_hand, reserved: row.reserved, available: row.on_hand - row.reserved, version: row.version },
        causation,
      );
    }
    return changed.map((r) => ({ sku: r.sku, onHand: r.on_hand, reserved: r.reserved, version: r.version }));
  }

  /** Sets on-hand from an ERP snapshot unless a newer snapshot was already applied. */
  async setOnHand(manager: EntityManager, sku: string, onHand: number, asOf: number): Promise<StockLevel | null> {
    await this.lockSkus(manager, [sku]);
    const rows = await queryRows<{ sku: string; on_hand: number; reserved: number; version: number }>(
      manager,
      `UPDATE ${S}.stock SET on_hand = $2, as_of = $3, version = version + 1, updated_at = now()
        WHERE sku = $1 AND (as_of IS NULL OR as_of < $3)
        RETURNING sku, on_hand, reserved, version`,
      [sku, onHand, asOf],
    );
    const row = rows[0];
    if (!row) return null;
    await this.outbox.add(manager, 'availability.changed', {
      sku: row.sku,
      onHand: row.on_hand,
      reserved: row.reserved,
      available: row.on_hand - row.reserved,
      version: row.version,
    });
    return { sku: row.sku, onHand: row.on_hand, reserved: row.reserved, version: row.version };
  }
}
