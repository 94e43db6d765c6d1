import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { INVENTORY_SCHEMA } from '../../config/inventory.config';

const S = `"${INVENTORY_SCHEMA}"`;
const CHUNK = 10_000;

export interface StoredAdjustment {
  idempotencyKey: string;
  requestHash: string;
  sku: string;
  locationId: string;
  delta: number;
  appliedDelta: number;
  onHandAfter: number;
  reason: string | null;
  appliedAt: Date;
}

/**
 * Stock levels per SKU and location, written only while the SKU's head is locked
 * (StockLedgerRepository.lockHeads): the head's sums are recomputed from them in the
 * same transaction.
 */
@Injectable()
export class StockLevelsRepository {
  async missingLocations(manager: EntityManager, locationIds: Iterable<string>): Promise<string[]> {
    const ids = [...new Set(locationIds)];
    if (ids.length === 0) return [];
    const rows: { location_id: string }[] = await manager.query(
      `SELECT location_id FROM ${S}.locations WHERE location_id = ANY($1::text[])`,
      [ids],
    );
    const found = new Set(rows.map((r) => r.location_id));
    return ids.filter((id) => !found.has(id));
  }

  async bundlesAmong(manager: EntityManager, skus: Iterable<string>): Promise<Set<string>> {
    const list = [...new Set(skus)];
    if (list.length === 0) return new Set();
    const rows: { bundle_sku: string }[] = await manager.query(
      `SELECT bundle_sku FROM ${S}.bundles WHERE bundle_sku = ANY($1::text[])`,
      [list],
    );
    return new Set(rows.map((r) => r.bundle_sku));
  }

  /**
   * Absolute on-hand from ERP snapshots, each applied only if its asOf is newer than
   * the one stored for that SKU and location. Returns the rows applied ("sku\0location").
   */
  async applySnapshots(
    manager: EntityManager,
    rows: readonly { sku: string; locationId: string; onHand: number; asOf: number }[],
  ): Promise<{ sku: string; locationId: string }[]> {
    const applied: { sku: string; locationId: string }[] = [];
    for (let i = 0; i < rows.length; i += CHUNK) {
      const chunk = rows.slice(i, i + CHUNK);
      const result: { sku: string; location_id: string }[] = await manager.query(
        `INSERT INTO ${S}.stock_levels AS l (sku, location_id, on_hand, as_of)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::bigint[])
         ON CONFLICT (sku, location_id) DO UPDATE
           SET on_hand = EXCLUDED.on_hand, as_of = EXCLUDED.as_of, updated_at = now()
           WHERE l.as_of IS NULL OR l.as_of < EXCLUDED.as_of
         RETURNING l.sku, l.location_id`,
        [chunk.map((r) => r.sku), chunk.map((r) => r.locationId), chunk.map((r) => r.onHand), chunk.map((r) => r.asOf)],
      );
      applied.push(...result.map((r) => ({ sku: r.sku, locationId: r.location_id })));
    }
    return applied;
  }

  /** Adds `delta` to a level, never below zero. Returns on-hand before and after. */
  async addToLevel(
    manager: EntityManager,
    sku: string,
    locationId: string,
    delta: number,
  ): Promise<{ before: number; after: number }> {
    const rows: { on_hand: number }[] = await manager.query(
      `SELECT on_hand FROM ${S}.stock_levels WHERE sku = $1 AND location_id = $2`,
      [sku, locationId],
    );
    const before = rows[0]?.on_hand ?? 0;
    const after = Math.max(0, before + delta);
    await manager.query(
      `INSERT INTO ${S}.stock_levels (sku, location_id, on_hand) VALUES ($1, $2, $3)
       ON CONFLICT (sku, location_id) DO UPDATE SET on_hand = EXCLUDED.on_hand, updated_at = now()`,
      [sku, locationId, after],
    );
    return { before, after };
  }

  async levelOf(manager: EntityManager, sku: string, locationId: string): Promise<number> {
    const rows: { on_hand: number }[] = await manager.query(
      `SELECT on_hand FROM ${S}.stock_levels WHERE sku = $1 AND location_id = $2`,
      [sku, locationId],
    );
    return rows[0]?.on_hand ?? 0;
  }

  /**
   * Claims an idempotency key. Returns null when this transaction holds it now, or the
   * adjustment already recorded under it (a concurrent claim waits for the other
   * transaction to finish).
   */
  async claimAdjustment(
    manager: EntityManager,
    claim: { idempotencyKey: string; requestHash: string; sku: string; locationId: string; delta: number; reason: string | null },
  ): Promise<StoredAdjustment | null> {
    const inserted = await queryRows(
      manager,
      `INSERT INTO ${S}.stock_adjustments (idempotency_key, request_hash, sku, location_id, delta, applied_delta, on_hand_after, reason)
       VALUES ($1, $2, $3, $4, $5, 0, 0, $6) ON CONFLICT (idempotency_key) DO NOTHING RETURNING 1`,
      [claim.idempotencyKey, claim.requestHash, claim.sku, claim.locationId, claim.delta, claim.reason],
    );
    if (inserted.length > 0) return null;
    const rows: {
      idempotency_key: string;
      request_hash: string;
      sku: string;
      location_id: string;
      delta: number;
      applied_delta: number;
      on_hand_after: number;
      reason: string | null;
      applied_at: Date;
    }[] = await manager.query(`SELECT * FROM ${S}.stock_adjustments WHERE idempotency_key = $1`, [claim.idempotencyKey]);
    const r = rows[0];
    return {
      idempotencyKey: r.idempotency_key,
      requestHash: r.request_hash,
      sku: r.sku,
      locationId: r.location_id,
      delta: r.delta,
      appliedDelta: r.applied_delta,
      onHandAfter: r.on_hand_after,
      reason: r.reason,
      appliedAt: r.applied_at,
    };
  }

  async completeAdjustment(manager: EntityManager, idempotencyKey: string, appliedDelta: number, onHandAfter: number) {
    await manager.query(
      `UPDATE ${S}.stock_adjustments SET applied_delta = $2, on_hand_after = $3 WHERE idempotency_key = $1`,
      [idempotencyKey, appliedDelta, onHandAfter],
    );
  }

  async recordImport(
    manager: EntityManager,
    record: {
      importId: string;
      format: string;
      status: 'applied' | 'rejected';
      rowCount: number;
      errorCount: number;
      appliedRows: number;
      staleRows: number;
      changedSkus: number;
      receivedAt: Date;
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${S}.stock_imports (import_id, format, status, row_count, error_count, applied_rows, stale_rows, changed_skus, received_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
      [
        record.importId,
        record.format,
        record.status,
        record.rowCount,
        record.errorCount,
        record.appliedRows,
        record.staleRows,
        record.changedSkus,
        record.receivedAt,
      ],
    );
  }
}
