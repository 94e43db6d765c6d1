import type { AvailabilityChangedPayload } from '@holdfast/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PUBLISHER_SCHEMA } from '../../config/publisher.config';

const S = `"${PUBLISHER_SCHEMA}"`;

export interface DesiredQuantity {
  sku: string;
  available: number;
  onHand: number;
  reserved: number;
  version: number;
}

@Injectable()
export class DesiredQuantityRepository {
  /**
   * Records the newest availability of a SKU. A version not newer than the stored one is
   * stale (reordered or replayed) and changes nothing: returns false.
   */
  async recordIfNewer(manager: EntityManager, p: AvailabilityChangedPayload): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO ${S}.desired_quantities (sku, available, on_hand, reserved, version, channels)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (sku) DO UPDATE SET available = EXCLUDED.available, on_hand = EXCLUDED.on_hand,
         reserved = EXCLUDED.reserved, version = EXCLUDED.version, channels = EXCLUDED.channels, updated_at = now()
       WHERE ${S}.desired_quantities.version < EXCLUDED.version
       RETURNING 1`,
      [p.sku, p.available, p.onHand, p.reserved, p.version, p.channels ? JSON.stringify(p.channels) : null],
    );
    return rows.length > 0;
  }

  async find(manager: EntityManager, sku: string): Promise<DesiredQuantity | null> {
    const rows: { sku: string; available: number; on_hand: number; reserved: number; version: number }[] =
      await manager.query(
        `SELECT sku, available, on_hand, reserved, version FROM ${S}.desired_quantities WHERE sku = $1`,
        [sku],
      );
    const r = rows[0];
    return r
      ? { sku: r.sku, available: r.available, onHand: r.on_hand, reserved: r.reserved, version: r.version }
      : null;
  }
}
