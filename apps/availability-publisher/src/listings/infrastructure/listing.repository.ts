import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PUBLISHER_SCHEMA } from '../../config/publisher.config';
import type { ListingComponent, QuantityRuleOverrides } from '../domain/published-quantity';

const S = `"${PUBLISHER_SCHEMA}"`;

export type FulfilledBy = 'MERCHANT' | 'AMAZON';

/** What defines a listing (as opposed to its publication state). */
export interface ListingFields {
  channel: string;
  accountId: string;
  marketplaceId: string | null;
  channelSku: string;
  productType: string | null;
  fulfilledBy: FulfilledBy;
  rules: QuantityRuleOverrides;
  components: ListingComponent[];
}

/** A listing with its publication state, as stored. */
export interface ListingRecord extends ListingFields {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  desiredQuantity: number | null;
  desiredSeq: number;
  availabilityVersion: number | null;
  desiredAt: Date | null;
  pendingSince: Date | null;
  ackedQuantity: number | null;
  ackedSeq: number;
  ackedVersion: number | null;
  ackedAt: Date | null;
  ackedMethod: string | null;
  forcePublish: boolean;
  attemptId: string | null;
  attemptQuantity: number | null;
  attemptStartedAt: Date | null;
  attemptMethod: string | null;
  failures: number;
  nextAttemptAt: Date;
  holdUntil: Date | null;
  lastAttemptAt: Date | null;
  lastErrorCode: string | null;
  lastErrorMessage: string | null;
  lastErrorAt: Date | null;
}

interface ListingRow {
  id: string;
  channel: string;
  account_id: string;
  marketplace_id: string | null;
  channel_sku: string;
  product_type: string | null;
  fulfilled_by: FulfilledBy;
  safety_buffer: number | null;
  max_quantity: number | null;
  share_percent: number | null;
  zero_below: number | null;
  created_at: Date;
  updated_at: Date;
  desired_quantity: number | null;
  desired_seq: string;
  availability_version: string | null;
  desired_at: Date | null;
  pending_since: Date | null;
  acked_quantity: number | null;
  acked_seq: string;
  acked_version: string | null;
  acked_at: Date | null;
  acked_method: string | null;
  force_publish: boolean;
  attempt_id: string | null;
  attempt_quantity: number | null;
  attempt_started_at: Date | null;
  attempt_method: string | null;
  failures: number;
  next_attempt_at: Date;
  hold_until: Date | null;
  last_attempt_at: Date | null;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: Date | null;
  components: ListingComponent[];
}

const SELECT_LISTING = `
  SELECT l.*, a.method AS attempt_method,
    (SELECT coalesce(json_agg(json_build_object('sku', c.sku, 'quantity', c.quantity) ORDER BY c.sku), '[]'::json)
       FROM ${S}.listing_components c WHERE c.listing_id = l.id) AS components
  FROM ${S}.listings l
  LEFT JOIN ${S}.publish_attempts a ON a.id = l.attempt_id`;

const num = (v: string | null): number | null => (v === null ? null : Number(v));

function toRecord(r: ListingRow): ListingRecord {
  return {
    id: r.id,
    channel: r.channel,
    accountId: r.account_id,
    marketplaceId: r.marketplace_id,
    channelSku: r.channel_sku,
    productType: r.product_type,
    fulfilledBy: r.fulfilled_by,
    rules: { safetyBuffer: r.safety_buffer, maxQuantity: r.max_quantity, sharePercent: r.share_percent, zeroBelow: r.zero_below },
    components: r.components,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    desiredQuantity: r.desired_quantity,
    desiredSeq: Number(r.desired_seq),
    availabilityVersion: num(r.availability_version),
    desiredAt: r.desired_at,
    pendingSince: r.pending_since,
    ackedQuantity: r.acked_quantity,
    ackedSeq: Number(r.acked_seq),
    ackedVersion: num(r.acked_version),
    ackedAt: r.acked_at,
    ackedMethod: r.acked_method,
    forcePublish: r.force_publish,
    attemptId: r.attempt_id,
    attemptQuantity: r.attempt_quantity,
    attemptStartedAt: r.attempt_started_at,
    attemptMethod: r.attempt_method,
    failures: r.failures,
    nextAttemptAt: r.next_attempt_at,
    holdUntil: r.hold_until,
    lastAttemptAt: r.last_attempt_at,
    lastErrorCode: r.last_error_code,
    lastErrorMessage: r.last_error_message,
    lastErrorAt: r.last_error_at,
  };
}

export interface ListingFilter {
  channel?: string;
  accountId?: string;
  /** Accounts the caller may see; null: all. */
  accounts: readonly string[] | null;
  /** Listings selling this internal SKU (alone or in a bundle). */
  sku?: string;
  channelSku?: string;
  /** Only listings whose last publication failed and is not yet repaired. */
  failing?: boolean;
  /** Keyset pagination: listings after this id. */
  after?: string;
  limit: number;
}

@Injectable()
export class ListingRepository {
  async find(manager: EntityManager, id: string): Promise<ListingRecord | null> {
    const rows = await manager.query<ListingRow[]>(`${SELECT_LISTING} WHERE l.id = $1`, [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async findByKey(manager: EntityManager, channel: string, accountId: string, channelSku: string): Promise<ListingRecord | null> {
    const rows = await manager.query<ListingRow[]>(
      `${SELECT_LISTING} WHERE l.channel = $1 AND l.account_id = $2 AND l.channel_sku = $3`,
      [channel, accountId, channelSku],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(manager: EntityManager, f: ListingFilter): Promise<ListingRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.channel) add('l.channel = ?', f.channel);
    if (f.accountId) add('l.account_id = ?', f.accountId);
    if (f.accounts) add('l.account_id = ANY(?::text[])', f.accounts);
    if (f.channelSku) add('l.channel_sku = ?', f.channelSku);
    if (f.sku) add(`l.id IN (SELECT listing_id FROM ${S}.listing_components WHERE sku = ?)`, f.sku);
    if (f.failing) where.push('l.last_error_code IS NOT NULL');
    if (f.after) add('l.id > ?::uuid', f.after);
    params.push(f.limit);
    const rows = await manager.query<ListingRow[]>(
      `${SELECT_LISTING} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY l.id LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRecord);
  }

  /** Inserts or updates listings by (channel, account, channel SKU); returns their ids in input order. */
  async upsert(manager: EntityManager, listings: readonly ListingFields[]): Promise<{ id: string; inserted: boolean }[]> {
    if (listings.length === 0) return [];
    const col = <T>(pick: (l: ListingFields) => T) => listings.map(pick);
    const rows = await queryRows<{ id: string; channel: string; account_id: string; channel_sku: string; inserted: boolean }>(
      manager,
      `INSERT INTO ${S}.listings AS l (channel, account_id, marketplace_id, channel_sku, product_type, fulfilled_by,
                                       safety_buffer, max_quantity, share_percent, zero_below)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[],
                            $7::int[], $8::int[], $9::int[], $10::int[])
       ON CONFLICT (channel, account_id, channel_sku) DO UPDATE SET
         marketplace_id = EXCLUDED.marketplace_id,
         product_type = coalesce(EXCLUDED.product_type, l.product_type),
         fulfilled_by = EXCLUDED.fulfilled_by,
         safety_buffer = EXCLUDED.safety_buffer, max_quantity = EXCLUDED.max_quantity,
         share_percent = EXCLUDED.share_percent, zero_below = EXCLUDED.zero_below,
         -- A redefined listing gets a fresh chance: no backoff left over from its old definition.
         failures = 0, next_attempt_at = now(), updated_at = now()
       RETURNING id, channel, account_id, channel_sku, (xmax = 0) AS inserted`,
      [
        col((l) => l.channel),
        col((l) => l.accountId),
        col((l) => l.marketplaceId),
        col((l) => l.channelSku),
        col((l) => l.productType),
        col((l) => l.fulfilledBy),
        col((l) => l.rules.safetyBuffer ?? null),
        col((l) => l.rules.maxQuantity ?? null),
        col((l) => l.rules.sharePercent ?? null),
        col((l) => l.rules.zeroBelow ?? null),
      ],
    );
    const byKey = new Map(rows.map((r) => [`${r.channel}\u0000${r.account_id}\u0000${r.channel_sku}`, r]));
    const result = listings.map((l) => {
      const row = byKey.get(`${l.channel}\u0000${l.accountId}\u0000${l.channelSku}`);
      if (!row) throw new Error(`listing ${l.channelSku} was not written`);
      return { id: row.id, inserted: row.inserted };
    });
    await this.replaceComponents(
      manager,
      result.map((r) => r.id),
      listings.map((l) => l.components),
    );
    return result;
  }

  async replaceComponents(manager: EntityManager, ids: readonly string[], components: readonly ListingComponent[][]): Promise<void> {
    await manager.query(`DELETE FROM ${S}.listing_components WHERE listing_id = ANY($1::uuid[])`, [ids]);
    const listingIds: string[] = [];
    const skus: string[] = [];
    const quantities: number[] = [];
    ids.forEach((id, i) =>
      components[i].forEach((c) => {
        listingIds.push(id);
        skus.push(c.sku);
        quantities.push(c.quantity);
      }),
    );
    await manager.query(
      `INSERT INTO ${S}.listing_components (listing_id, sku, quantity) SELECT * FROM unnest($1::uuid[], $2::text[], $3::int[])`,
      [listingIds, skus, quantities],
    );
  }

  async update(manager: EntityManager, id: string, fields: Omit<ListingFields, 'channel' | 'accountId' | 'components'>): Promise<void> {
    await manager.query(
      `UPDATE ${S}.listings SET marketplace_id = $2, channel_sku = $3, product_type = $4, fulfilled_by = $5,
         safety_buffer = $6, max_quantity = $7, share_percent = $8, zero_below = $9,
         failures = 0, next_attempt_at = now(), updated_at = now()
       WHERE id = $1`,
      [
        id,
        fields.marketplaceId,
        fields.channelSku,
        fields.productType,
        fields.fulfilledBy,
        fields.rules.safetyBuffer ?? null,
        fields.rules.maxQuantity ?? null,
        fields.rules.sharePercent ?? null,
        fields.rules.zeroBelow ?? null,
      ],
    );
  }

  async delete(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await queryRows(manager, `DELETE FROM ${S}.listings WHERE id = $1 RETURNING id`, [id]);
    return rows.length > 0;
  }

  /** The SKUs among these that have an availability (were ever published by inventory-reservation). */
  async knownSkus(manager: EntityManager, skus: readonly string[]): Promise<Set<string>> {
    const rows = await manager.query<{ sku: string }[]>(`SELECT sku FROM ${S}.desired_quantities WHERE sku = ANY($1::text[])`, [
      [...new Set(skus)],
    ]);
    return new Set(rows.map((r) => r.sku));
  }
}
