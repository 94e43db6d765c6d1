import type { Channel } from '@holdfast/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { INVENTORY_SCHEMA } from '../../config/inventory.config';

const S = `"${INVENTORY_SCHEMA}"`;

export interface Location {
  locationId: string;
  name: string;
  /** null: serves every channel. */
  channels: Channel[] | null;
  priority: number;
}

export interface SkuMapping {
  channel: Channel;
  accountId: string;
  channelSku: string;
  sku: string;
  updatedAt: string;
}

export interface BundleDefinition {
  bundleSku: string;
  components: { sku: string; quantity: number }[];
}

export interface AccountSettings {
  channel: Channel;
  accountId: string;
  reserveAmazonFulfilled: boolean;
}

/** Locations, channel SKU mappings, bundles and per-account options. */
@Injectable()
export class CatalogueRepository {
  async locations(manager: EntityManager): Promise<Location[]> {
    const rows: { location_id: string; name: string; channels: Channel[] | null; priority: number }[] =
      await manager.query(`SELECT location_id, name, channels, priority FROM ${S}.locations ORDER BY priority, location_id`);
    return rows.map((r) => ({ locationId: r.location_id, name: r.name, channels: r.channels, priority: r.priority }));
  }

  /** Upserts a location; returns its channels before the change (undefined if new). */
  async upsertLocation(manager: EntityManager, location: Location): Promise<Channel[] | null | undefined> {
    const before: { channels: Channel[] | null }[] = await manager.query(
      `SELECT channels FROM ${S}.locations WHERE location_id = $1 FOR UPDATE`,
      [location.locationId],
    );
    await manager.query(
      `INSERT INTO ${S}.locations (location_id, name, channels, priority) VALUES ($1, $2, $3, $4)
       ON CONFLICT (location_id) DO UPDATE
         SET name = EXCLUDED.name, channels = EXCLUDED.channels, priority = EXCLUDED.priority, updated_at = now()`,
      [location.locationId, location.name, location.channels, location.priority],
    );
    return before.length === 0 ? undefined : before[0].channels;
  }

  async skusStockedAt(manager: EntityManager, locationId: string): Promise<string[]> {
    const rows: { sku: string }[] = await manager.query(
      `SELECT sku FROM ${S}.stock_levels WHERE location_id = $1`,
      [locationId],
    );
    return rows.map((r) => r.sku);
  }

  async mappings(manager: EntityManager, channel: Channel, accountId: string): Promise<SkuMapping[]> {
    const rows: { channel: Channel; account_id: string; channel_sku: string; sku: string; updated_at: Date }[] =
      await manager.query(
        `SELECT channel, account_id, channel_sku, sku, updated_at FROM ${S}.sku_mappings
          WHERE channel = $1 AND account_id = $2 ORDER BY channel_sku`,
        [channel, accountId],
      );
    return rows.map((r) => ({
      channel: r.channel,
      accountId: r.account_id,
      channelSku: r.channel_sku,
      sku: r.sku,
      updatedAt: r.updated_at.toISOString(),
    }));
  }

  async upsertMapping(manager: EntityManager, m: Omit<SkuMapping, 'updatedAt'>): Promise<void> {
    await manager.query(
      `INSERT INTO ${S}.sku_mappings (channel, account_id, channel_sku, sku) VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel, account_id, channel_sku) DO UPDATE SET sku = EXCLUDED.sku, updated_at = now()`,
      [m.channel, m.accountId, m.channelSku, m.sku],
    );
  }

  async deleteMapping(manager: EntityManager, channel: Channel, accountId: string, channelSku: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `DELETE FROM ${S}.sku_mappings WHERE channel = $1 AND account_id = $2 AND channel_sku = $3 RETURNING 1`,
      [channel, accountId, channelSku],
    );
    // TypeORM returns [rows, count] for DELETE … RETURNING.
    const deleted = Array.isArray(rows[0]) ? (rows[0] as unknown[]) : rows;
    return deleted.length > 0;
  }

  async bundle(manager: EntityManager, bundleSku: string): Promise<BundleDefinition | null> {
    const rows: { bundle_sku: string; sku: string | null; quantity: number | null }[] = await manager.query(
      `SELECT b.bundle_sku, c.sku, c.quantity FROM ${S}.bundles b
         LEFT JOIN ${S}.bundle_components c ON c.bundle_sku = b.bundle_sku
        WHERE b.bundle_sku = $1 ORDER BY c.sku`,
      [bundleSku],
    );
    if (rows.length === 0) return null;
    return {
      bundleSku,
      components: rows.flatMap((r) => (r.sku === null ? [] : [{ sku: r.sku, quantity: r.quantity ?? 1 }])),
    };
  }

  async bundles(manager: EntityManager): Promise<BundleDefinition[]> {
    const rows: { bundle_sku: string; sku: string; quantity: number }[] = await manager.query(
      `SELECT bundle_sku, sku, quantity FROM ${S}.bundle_components ORDER BY bundle_sku, sku`,
    );
    const byBundle = new Map<string, BundleDefinition>();
    for (const r of rows) {
      const b = byBundle.get(r.bundle_sku) ?? { bundleSku: r.bundle_sku, components: [] };
      b.components.push({ sku: r.sku, quantity: r.quantity });
      byBundle.set(r.bundle_sku, b);
    }
    return [...byBundle.values()];
  }

  /** Whether the SKU holds stock or reservations of its own (then it cannot become a bundle). */
  async hasOwnStock(manager: EntityManager, sku: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `SELECT 1 FROM ${S}.stock WHERE sku = $1 AND (on_hand > 0 OR reserved > 0)
       UNION ALL SELECT 1 FROM ${S}.stock_levels WHERE sku = $1 LIMIT 1`,
      [sku],
    );
    return rows.length > 0;
  }

  async isBundle(manager: EntityManager, skus: string[]): Promise<string[]> {
    const rows: { bundle_sku: string }[] = await manager.query(
      `SELECT bundle_sku FROM ${S}.bundles WHERE bundle_sku = ANY($1::text[])`,
      [skus],
    );
    return rows.map((r) => r.bundle_sku);
  }

  /** Creates the bundle row if new and locks it. */
  async lockBundle(manager: EntityManager, bundleSku: string): Promise<void> {
    await manager.query(`INSERT INTO ${S}.bundles (bundle_sku) VALUES ($1) ON CONFLICT DO NOTHING`, [bundleSku]);
    await manager.query(`SELECT 1 FROM ${S}.bundles WHERE bundle_sku = $1 FOR UPDATE`, [bundleSku]);
  }

  async replaceComponents(manager: EntityManager, bundle: BundleDefinition): Promise<void> {
    await manager.query(`DELETE FROM ${S}.bundle_components WHERE bundle_sku = $1`, [bundle.bundleSku]);
    await manager.query(
      `INSERT INTO ${S}.bundle_components (bundle_sku, sku, quantity)
       SELECT $1, * FROM unnest($2::text[], $3::int[])`,
      [bundle.bundleSku, bundle.components.map((c) => c.sku), bundle.components.map((c) => c.quantity)],
    );
  }

  async accountSettings(manager: EntityManager, channel: Channel, accountId: string): Promise<AccountSettings> {
    const rows: { reserve_amazon_fulfilled: boolean }[] = await manager.query(
      `SELECT reserve_amazon_fulfilled FROM ${S}.account_settings WHERE channel = $1 AND account_id = $2`,
      [channel, accountId],
    );
    return { channel, accountId, reserveAmazonFulfilled: rows[0]?.reserve_amazon_fulfilled ?? false };
  }

  async saveAccountSettings(manager: EntityManager, settings: AccountSettings): Promise<void> {
    await manager.query(
      `INSERT INTO ${S}.account_settings (channel, account_id, reserve_amazon_fulfilled) VALUES ($1, $2, $3)
       ON CONFLICT (channel, account_id) DO UPDATE
         SET reserve_amazon_fulfilled = EXCLUDED.reserve_amazon_fulfilled, updated_at = now()`,
      [settings.channel, settings.accountId, settings.reserveAmazonFulfilled],
    );
  }
}
