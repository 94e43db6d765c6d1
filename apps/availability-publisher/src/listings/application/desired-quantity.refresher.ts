import { currentTraceHeaders } from '@holdfast/messaging';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PUBLISHER_SCHEMA } from '../../config/publisher.config';
import {
  availabilityVersionOf,
  effectiveRules,
  publishedQuantity,
  sellableUnits,
  type QuantityRules,
} from '../domain/published-quantity';

const S = `"${PUBLISHER_SCHEMA}"`;

/** A web shop's listing got a new availability version (see the update's comment). */
const SHOP_VERSION_CHANGED = `(l.channel <> 'amazon' AND l.availability_version IS DISTINCT FROM v.ver)`;

interface InputRow {
  id: string;
  desired_quantity: number | null;
  availability_version: string | null;
  safety_buffer: number | null;
  max_quantity: number | null;
  share_percent: number | null;
  zero_below: number | null;
  rule_buffer: number | null;
  rule_max: number | null;
  rule_share: number | null;
  rule_zero: number | null;
  has_rules: boolean;
  fulfilled_by: string;
  components: { sku: string; quantity: number; available: number | null; version: number | null }[];
}

/**
 * Keeps each listing's desired quantity equal to its channel rules applied to the current
 * availability of the SKUs it sells. Runs inside the transaction that changed an input
 * (an availability, a listing, a rule), so the desired quantity never lags its inputs.
 *
 * Concurrency: the listings are locked (in id order) before their inputs are read, and
 * under READ COMMITTED the read is a new snapshot taken after the lock was granted. Two
 * availability changes of one bundle's components therefore serialise on the bundle, and
 * the later one computes from both.
 */
@Injectable()
export class DesiredQuantityRefresher {
  async refreshForSkus(manager: EntityManager, skus: readonly string[]): Promise<number> {
    // Finding and locking the listings in one statement: this runs once per availability.changed.
    const rows = await manager.query<{ id: string }[]>(
      `SELECT id FROM ${S}.listings
        WHERE id IN (SELECT listing_id FROM ${S}.listing_components WHERE sku = ANY($1::text[]))
        ORDER BY id FOR UPDATE`,
      [skus],
    );
    return this.refreshLocked(
      manager,
      rows.map((r) => r.id),
    );
  }

  async refreshAccount(manager: EntityManager, channel: string, accountId: string): Promise<number> {
    const rows = await manager.query<{ id: string }[]>(`SELECT id FROM ${S}.listings WHERE channel = $1 AND account_id = $2`, [
      channel,
      accountId,
    ]);
    return this.refreshListings(
      manager,
      rows.map((r) => r.id),
    );
  }

  /** Recomputes the listings' desired quantities; returns how many changed. */
  async refreshListings(manager: EntityManager, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    await manager.query(`SELECT id FROM ${S}.listings WHERE id = ANY($1::uuid[]) ORDER BY id FOR UPDATE`, [ids]);
    return this.refreshLocked(manager, ids);
  }

  /** Recomputes listings this transaction has locked. */
  private async refreshLocked(manager: EntityManager, ids: readonly string[]): Promise<number> {
    if (ids.length === 0) return 0;
    const rows = await manager.query<InputRow[]>(
      `SELECT l.id, l.desired_quantity, l.availability_version::text AS availability_version,
              l.safety_buffer, l.max_quantity, l.share_percent, l.zero_below,
              r.safety_buffer AS rule_buffer, r.max_quantity AS rule_max, r.share_percent AS rule_share,
              r.zero_below AS rule_zero, (r.channel IS NOT NULL) AS has_rules, l.fulfilled_by, c.components
         FROM ${S}.listings l
         LEFT JOIN ${S}.channel_rules r ON r.channel = l.channel AND r.account_id = l.account_id
         CROSS JOIN LATERAL (
           SELECT json_agg(json_build_object('sku', lc.sku, 'quantity', lc.quantity, 'version', d.version,
                    -- The listing's channel's own figure when the event carried one, else the total.
                    'available', coalesce((SELECT (e->>'available')::int FROM jsonb_array_elements(d.channels) e
                                            WHERE e->>'channel' = l.channel LIMIT 1), d.available))) AS components
             FROM ${S}.listing_components lc
             LEFT JOIN ${S}.desired_quantities d ON d.sku = lc.sku
            WHERE lc.listing_id = l.id) c
        WHERE l.id = ANY($1::uuid[])`,
      [ids],
    );
    const changedIds: string[] = [];
    const quantities: (number | null)[] = [];
    const versions: (number | null)[] = [];
    for (const row of rows) {
      const { quantity, version } = desiredOf(row);
      if (quantity === row.desired_quantity && String(version) === String(row.availability_version)) continue;
      changedIds.push(row.id);
      quantities.push(quantity);
      versions.push(version);
    }
    if (changedIds.length === 0) return 0;
    // desired_seq counts distinct desired quantities: on Amazon a new version with the same
    // quantity needs no call. A web shop moves its own counter when a buyer orders or cancels
    // there (before its webhook reaches us), so for a shop every new version is sent again,
    // or a quantity the rules keep unchanged (0, a cap) would stay lowered or raised by the
    // shop's order. pending_since marks when the listing fell out of sync. desired_trace
    // keeps the trace of the change (the consumer's span, an HTTP request) so the publish,
    // which the scheduler runs later, continues it.
    const trace = currentTraceHeaders();
    await manager.query(
      `UPDATE ${S}.listings l SET
         desired_seq = CASE WHEN v.q IS NOT NULL AND (l.desired_quantity IS DISTINCT FROM v.q OR ${SHOP_VERSION_CHANGED})
                            THEN l.desired_seq + 1 ELSE l.desired_seq END,
         desired_at = CASE WHEN l.desired_quantity IS DISTINCT FROM v.q OR ${SHOP_VERSION_CHANGED} THEN now() ELSE l.desired_at END,
         pending_since = CASE WHEN v.q IS NOT NULL AND (l.desired_quantity IS DISTINCT FROM v.q OR ${SHOP_VERSION_CHANGED})
                              THEN coalesce(l.pending_since, now()) ELSE l.pending_since END,
         desired_trace = CASE WHEN l.desired_quantity IS DISTINCT FROM v.q THEN $4::jsonb ELSE l.desired_trace END,
         desired_quantity = v.q, availability_version = v.ver, updated_at = now()
       FROM unnest($1::uuid[], $2::int[], $3::bigint[]) AS v(id, q, ver)
       WHERE l.id = v.id`,
      [changedIds, quantities, versions, trace.traceparent ? JSON.stringify(trace) : null],
    );
    return changedIds.length;
  }
}

function desiredOf(row: InputRow): { quantity: number | null; version: number | null } {
  // Amazon-fulfilled (FBA) offers show Amazon's stock, never ours: nothing to publish.
  if (row.fulfilled_by !== 'MERCHANT') return { quantity: null, version: null };
  const components = row.components ?? [];
  // Until every SKU of the listing has an availability, there is nothing true to publish.
  if (components.length === 0 || components.some((c) => c.available === null || c.version === null)) {
    return { quantity: null, version: null };
  }
  const account: QuantityRules | null = row.has_rules
    ? { safetyBuffer: row.rule_buffer ?? 0, maxQuantity: row.rule_max, sharePercent: row.rule_share ?? 100, zeroBelow: row.rule_zero ?? 0 }
    : null;
  const rules = effectiveRules(account, {
    safetyBuffer: row.safety_buffer,
    maxQuantity: row.max_quantity,
    sharePercent: row.share_percent,
    zeroBelow: row.zero_below,
  });
  const units = sellableUnits(components.map((c) => ({ sku: c.sku, quantity: c.quantity, available: c.available ?? 0 })));
  return {
    quantity: publishedQuantity(units, rules),
    version: availabilityVersionOf(components.map((c) => ({ version: c.version ?? 0 }))),
  };
}
