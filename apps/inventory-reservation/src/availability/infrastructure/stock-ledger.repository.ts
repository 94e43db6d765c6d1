import type { Channel, EnvelopeOptions } from '@holdfast/contracts';
import { queryRows } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { compareText, type OrderRef } from '../../common/order-ref';
import { INVENTORY_SCHEMA } from '../../config/inventory.config';
import { bundleFigures, type BundleComponent } from '../domain/bundle-figures';
import { MAX_OVERSOLD_ORDERS, ordersBeyondOnHand, type HeldIncrease } from '../domain/oversold-attribution';
import { available, channelFigures, sameFigures, shortfall, type StockHead } from '../domain/stock-head';
import { OutboxWriter, type PendingEvent } from './outbox-writer';

const S = `"${INVENTORY_SCHEMA}"`;

/** What one transaction does to one SKU. */
export interface SkuChange {
  sku: string;
  /** Change of the units held by active reservations. */
  reservedDelta?: number;
  /** Shipped units to take off on-hand; locations serving the order's channel go first. */
  shipped?: { channel: Channel; units: number }[];
  /** The transaction rewrote the SKU's stock levels: recompute its on-hand. */
  levelsChanged?: boolean;
  /** New holds, in the order they were made (who to name if the SKU is oversold). */
  increases?: HeldIncrease[];
  /** The message (or request) that caused the change, for the events' causation. */
  cause?: EnvelopeOptions;
}

interface HeadRow {
  sku: string;
  on_hand: number;
  reserved: number;
  version: number;
  shared_on_hand: number;
  channel_on_hand: Partial<Record<Channel, number>>;
}

const HEAD_COLUMNS = 'sku, on_hand, reserved, version, shared_on_hand, channel_on_hand';

function toHead(r: HeadRow): StockHead {
  return {
    sku: r.sku,
    onHand: r.on_hand,
    reserved: r.reserved,
    version: r.version,
    sharedOnHand: r.shared_on_hand,
    channelOnHand: r.channel_on_hand ?? {},
  };
}

export function sortedSkus(skus: Iterable<string>): string[] {
  return [...new Set(skus)].sort(compareText);
}

/**
 * The heads of the ledger: locking, on-hand and reserved arithmetic, and the events
 * every change owes the channels. All of it runs in the caller's transaction.
 *
 * Lock order, everywhere in the service: order rows (sorted), then SKU heads (sorted by
 * code point, `COLLATE "C"`), then bundle rows (sorted). Two transactions therefore
 * never wait on each other in a cycle; the inbox's transaction retries the rare
 * deadlock or serialization failure that remains (a SKU created by two at once).
 */
@Injectable()
export class StockLedgerRepository {
  constructor(@Inject(OutboxWriter) private readonly outbox: OutboxWriter) {}

  /** The locked head of `sku` (lockHeads returns one for every SKU asked). */
  static headOf(heads: Map<string, StockHead>, sku: string): StockHead {
    const head = heads.get(sku);
    if (!head) throw new Error(`the head of SKU ${sku} is not locked`);
    return head;
  }

  /** Locks the heads of `skus` in sorted order, creating missing ones, and returns them. */
  async lockHeads(manager: EntityManager, skus: Iterable<string>): Promise<Map<string, StockHead>> {
    const sorted = sortedSkus(skus);
    const heads = new Map<string, StockHead>();
    if (sorted.length === 0) return heads;
    const lock = async (list: string[]) => {
      const rows: HeadRow[] = await manager.query(
        `SELECT ${HEAD_COLUMNS} FROM ${S}.stock WHERE sku = ANY($1::text[]) ORDER BY sku COLLATE "C" FOR UPDATE`,
        [list],
      );
      for (const r of rows) heads.set(r.sku, toHead(r));
    };
    await lock(sorted);
    const missing = sorted.filter((s) => !heads.has(s));
    if (missing.length > 0) {
      // A row this transaction inserts is its own until commit: no lock needed. A SKU
      // another transaction created meanwhile conflicts and is locked afterwards.
      const created: HeadRow[] = await manager.query(
        `INSERT INTO ${S}.stock (sku) SELECT s FROM unnest($1::text[]) s ORDER BY s COLLATE "C"
         ON CONFLICT (sku) DO NOTHING RETURNING ${HEAD_COLUMNS}`,
        [missing],
      );
      for (const r of created) heads.set(r.sku, toHead(r));
      const raced = missing.filter((s) => !heads.has(s));
      if (raced.length > 0) await lock(raced);
    }
    return heads;
  }

  /**
   * Applies the changes to heads locked by `lockHeads` (`before`), bumps the version of
   * every SKU whose figures changed and writes its availability.changed (once per SKU),
   * a stock.oversold where the shortfall grew, and the same for bundles of those SKUs.
   * Returns the heads that changed.
   */
  async applyChanges(
    manager: EntityManager,
    before: Map<string, StockHead>,
    changes: readonly SkuChange[],
  ): Promise<StockHead[]> {
    const bySku = new Map<string, Required<SkuChange>>();
    for (const c of changes) {
      const merged = bySku.get(c.sku) ?? {
        sku: c.sku,
        reservedDelta: 0,
        shipped: [],
        levelsChanged: false,
        increases: [],
        cause: {},
      };
      merged.reservedDelta += c.reservedDelta ?? 0;
      merged.shipped.push(...(c.shipped ?? []));
      merged.levelsChanged ||= c.levelsChanged ?? false;
      merged.increases.push(...(c.increases ?? []));
      if (c.cause) merged.cause = c.cause;
      bySku.set(c.sku, merged);
    }
    const lockedHead = (sku: string): StockHead => {
      const head = before.get(sku);
      if (!head) throw new Error(`SKU ${sku} changed without its head locked`);
      return head;
    };
    for (const sku of bySku.keys()) lockedHead(sku);

    if (await this.takeShippedUnits(manager, [...bySku.values()])) {
      for (const c of bySku.values()) if (c.shipped.some((s) => s.units > 0)) c.levelsChanged = true;
    }
    const onHand = await this.sumLevels(
      manager,
      [...bySku.values()].filter((c) => c.levelsChanged).map((c) => c.sku),
    );

    // Only heads whose figures really changed are written, get a new version and an event.
    const moved = [...bySku.values()].filter((c) => {
      const old = lockedHead(c.sku);
      const next = { ...old, ...onHand.get(c.sku), reserved: old.reserved + c.reservedDelta };
      return !sameFigures(old, next);
    });
    if (moved.length === 0) return [];
    const sums = moved.map((c) => onHand.get(c.sku));
    const rows = await queryRows<HeadRow & { in_bundle: boolean }>(
      manager,
      `UPDATE ${S}.stock s
          SET reserved = s.reserved + d.delta,
              on_hand = coalesce(d.on_hand, s.on_hand),
              shared_on_hand = coalesce(d.shared_on_hand, s.shared_on_hand),
              channel_on_hand = coalesce(d.channel_on_hand, s.channel_on_hand),
              version = s.version + 1, updated_at = now()
         FROM unnest($1::text[], $2::int[], $3::int[], $4::int[], $5::jsonb[])
           AS d(sku, delta, on_hand, shared_on_hand, channel_on_hand)
        WHERE s.sku = d.sku
      RETURNING s.sku, s.on_hand, s.reserved, s.version, s.shared_on_hand, s.channel_on_hand,
                EXISTS (SELECT 1 FROM ${S}.bundle_components b WHERE b.sku = s.sku) AS in_bundle`,
      [
        moved.map((c) => c.sku),
        moved.map((c) => c.reservedDelta),
        sums.map((t) => t?.onHand ?? null),
        sums.map((t) => t?.sharedOnHand ?? null),
        sums.map((t) => (t ? JSON.stringify(t.channelOnHand) : null)),
      ],
    );
    rows.sort((a, b) => compareText(a.sku, b.sku));

    const events: PendingEvent[] = [];
    const after: StockHead[] = [];
    for (const row of rows) {
      const head = toHead(row);
      const change = bySku.get(head.sku);
      after.push(head);
      events.push(availabilityEvent(head, change?.cause));
      const old = lockedHead(head.sku);
      const growth = shortfall(head) - shortfall(old);
      if (growth > 0) {
        const orders =
          ordersBeyondOnHand(growth, change?.increases ?? []) ??
          (await this.newestHolders(manager, head.sku, shortfall(head)));
        if (orders.length > 0) {
          events.push({
            type: 'stock.oversold',
            payload: { sku: head.sku, shortfall: shortfall(head), orders },
            options: change?.cause,
          });
        }
      }
    }
    const inBundles = rows.filter((r) => r.in_bundle).map((r) => r.sku);
    await this.outbox.addAll(manager, events);
    if (inBundles.length > 0) {
      const cause = bySku.get(inBundles[inBundles.length - 1])?.cause;
      await this.refreshBundles(manager, { componentSkus: inBundles }, cause);
    }
    return after;
  }

  /**
   * Recomputes bundles from their components' heads and publishes the ones whose
   * figures changed. Bundle rows are locked after the SKU heads (sorted), and the
   * components are read after that lock, so a concurrent change of another component
   * is either already committed or waits for this transaction.
   */
  async refreshBundles(
    manager: EntityManager,
    which: { componentSkus?: string[]; bundleSkus?: string[] },
    cause?: EnvelopeOptions,
  ): Promise<void> {
    let bundleSkus = which.bundleSkus ?? [];
    if (which.componentSkus?.length) {
      const found: { bundle_sku: string }[] = await manager.query(
        `SELECT DISTINCT bundle_sku FROM ${S}.bundle_components WHERE sku = ANY($1::text[])`,
        [which.componentSkus],
      );
      bundleSkus = [...bundleSkus, ...found.map((f) => f.bundle_sku)];
    }
    const sorted = sortedSkus(bundleSkus);
    if (sorted.length === 0) return;
    const locked: { bundle_sku: string; on_hand: number; reserved: number; channel_figures: unknown }[] =
      await manager.query(
        `SELECT bundle_sku, on_hand, reserved, channel_figures FROM ${S}.bundles
          WHERE bundle_sku = ANY($1::text[]) ORDER BY bundle_sku COLLATE "C" FOR UPDATE`,
        [sorted],
      );
    const components: (HeadRow & { bundle_sku: string; quantity: number })[] = await manager.query(
      `SELECT c.bundle_sku, c.quantity, s.sku, s.on_hand, s.reserved, s.version, s.shared_on_hand, s.channel_on_hand
         FROM ${S}.bundle_components c JOIN ${S}.stock s ON s.sku = c.sku
        WHERE c.bundle_sku = ANY($1::text[])`,
      [sorted],
    );
    const byBundle = new Map<string, BundleComponent[]>();
    for (const c of components) {
      byBundle.set(c.bundle_sku, [...(byBundle.get(c.bundle_sku) ?? []), { head: toHead(c), quantity: c.quantity }]);
    }
    const updates = locked
      .map((b) => ({ b, figures: bundleFigures(byBundle.get(b.bundle_sku) ?? []) }))
      .filter(
        ({ b, figures }) =>
          b.on_hand !== figures.onHand ||
          b.reserved !== figures.reserved ||
          JSON.stringify(b.channel_figures) !== JSON.stringify(figures.channels),
      );
    if (updates.length === 0) return;
    const rows = await queryRows<{ bundle_sku: string; version: number }>(
      manager,
      `UPDATE ${S}.bundles b SET on_hand = u.on_hand, reserved = u.reserved, channel_figures = u.figures,
              version = b.version + 1, updated_at = now()
         FROM unnest($1::text[], $2::int[], $3::int[], $4::jsonb[]) AS u(bundle_sku, on_hand, reserved, figures)
        WHERE b.bundle_sku = u.bundle_sku
      RETURNING b.bundle_sku, b.version`,
      [
        updates.map((u) => u.b.bundle_sku),
        updates.map((u) => u.figures.onHand),
        updates.map((u) => u.figures.reserved),
        updates.map((u) => JSON.stringify(u.figures.channels)),
      ],
    );
    const versions = new Map(rows.map((r) => [r.bundle_sku, r.version]));
    const versionOf = (sku: string) => {
      const version = versions.get(sku);
      if (version === undefined) throw new Error(`bundle ${sku} vanished while locked`);
      return version;
    };
    await this.outbox.addAll(
      manager,
      updates.map(({ b, figures }) => ({
        type: 'availability.changed' as const,
        payload: {
          sku: b.bundle_sku,
          onHand: figures.onHand,
          reserved: figures.reserved,
          available: figures.available,
          version: versionOf(b.bundle_sku),
          ...(figures.channels.every((c) => c.onHand === figures.onHand && c.available === figures.available)
            ? {}
            : { channels: figures.channels }),
        },
        options: cause,
      })),
    );
  }

  /** Takes shipped units off the SKUs' stock levels; true when any level changed. */
  private async takeShippedUnits(manager: EntityManager, changes: Required<SkuChange>[]): Promise<boolean> {
    const shipping = changes.filter((c) => c.shipped.some((s) => s.units > 0));
    if (shipping.length === 0) return false;
    const levels: { sku: string; location_id: string; on_hand: number; channels: Channel[] | null }[] =
      await manager.query(
        `SELECT l.sku, l.location_id, l.on_hand, loc.channels
           FROM ${S}.stock_levels l JOIN ${S}.locations loc USING (location_id)
          WHERE l.sku = ANY($1::text[]) AND l.on_hand > 0
          ORDER BY l.sku, loc.priority, l.location_id`,
        [shipping.map((c) => c.sku)],
      );
    const updates = new Map<string, { sku: string; location: string; onHand: number }>();
    for (const change of shipping) {
      const own = levels.filter((l) => l.sku === change.sku);
      for (const { channel, units } of change.shipped) {
        // Locations that serve the order's channel first (that is where it shipped from),
        // then any other; never below zero: the next ERP snapshot settles the difference.
        const ordered = [
          ...own.filter((l) => l.channels === null || l.channels.includes(channel)),
          ...own.filter((l) => l.channels !== null && !l.channels.includes(channel)),
        ];
        let left = units;
        for (const level of ordered) {
          if (left <= 0) break;
          const take = Math.min(left, level.on_hand);
          if (take === 0) continue;
          level.on_hand -= take;
          left -= take;
          updates.set(`${level.sku}\u0000${level.location_id}`, {
            sku: level.sku,
            location: level.location_id,
            onHand: level.on_hand,
          });
        }
      }
    }
    if (updates.size === 0) return false;
    const list = [...updates.values()];
    await manager.query(
      `UPDATE ${S}.stock_levels l SET on_hand = u.on_hand, updated_at = now()
         FROM unnest($1::text[], $2::text[], $3::int[]) AS u(sku, location_id, on_hand)
        WHERE l.sku = u.sku AND l.location_id = u.location_id`,
      [list.map((u) => u.sku), list.map((u) => u.location), list.map((u) => u.onHand)],
    );
    return true;
  }

  /** On-hand of `skus` summed from their stock levels: in total, shared, and per channel. */
  private async sumLevels(
    manager: EntityManager,
    skus: string[],
  ): Promise<Map<string, Pick<StockHead, 'onHand' | 'sharedOnHand' | 'channelOnHand'>>> {
    const result = new Map<string, Pick<StockHead, 'onHand' | 'sharedOnHand' | 'channelOnHand'>>();
    if (skus.length === 0) return result;
    const rows: Pick<HeadRow, 'sku' | 'on_hand' | 'shared_on_hand' | 'channel_on_hand'>[] = await manager.query(
      `WITH levels AS (
         SELECT l.sku, l.on_hand, loc.channels
           FROM ${S}.stock_levels l JOIN ${S}.locations loc USING (location_id)
          WHERE l.sku = ANY($1::text[])),
       per_channel AS (
         SELECT sku, jsonb_object_agg(channel, units) AS by_channel
           FROM (SELECT sku, c AS channel, sum(on_hand)::int AS units
                   FROM levels, unnest(channels) AS c GROUP BY sku, c) x
          GROUP BY sku)
       SELECT k.sku,
              coalesce(sum(l.on_hand), 0)::int AS on_hand,
              coalesce(sum(l.on_hand) FILTER (WHERE l.channels IS NULL), 0)::int AS shared_on_hand,
              coalesce(min(p.by_channel::text), '{}')::jsonb AS channel_on_hand
         FROM unnest($1::text[]) AS k(sku)
         LEFT JOIN levels l ON l.sku = k.sku
         LEFT JOIN per_channel p ON p.sku = k.sku
        GROUP BY k.sku`,
      [skus],
    );
    for (const r of rows) {
      result.set(r.sku, { onHand: r.on_hand, sharedOnHand: r.shared_on_hand, channelOnHand: r.channel_on_hand });
    }
    return result;
  }

  /** The newest active reservations of a SKU that together hold at least `units`. */
  private async newestHolders(manager: EntityManager, sku: string, units: number): Promise<OrderRef[]> {
    const rows: { channel: Channel; account_id: string; order_id: string; quantity: number }[] = await manager.query(
      `SELECT channel, account_id, order_id, quantity FROM ${S}.reservations
        WHERE sku = $1 AND state IN ('pending', 'committed') AND quantity > 0
        ORDER BY created_at DESC, order_id DESC LIMIT $2`,
      [sku, MAX_OVERSOLD_ORDERS],
    );
    const orders: OrderRef[] = [];
    let covered = 0;
    for (const r of rows) {
      if (covered >= units) break;
      covered += r.quantity;
      if (!orders.some((o) => o.channel === r.channel && o.accountId === r.account_id && o.orderId === r.order_id)) {
        orders.push({ channel: r.channel, accountId: r.account_id, orderId: r.order_id });
      }
    }
    return orders;
  }
}

/**
 * The event every change of a head owes. Per-channel figures go along only when some of
 * the SKU's stock sits at locations that do not serve every channel; otherwise every
 * channel's figures are the totals, and the publisher reads those.
 */
export function availabilityEvent(head: StockHead, cause?: EnvelopeOptions): PendingEvent<'availability.changed'> {
  const restricted = head.sharedOnHand !== head.onHand;
  return {
    type: 'availability.changed',
    payload: {
      sku: head.sku,
      onHand: head.onHand,
      reserved: head.reserved,
      available: available(head),
      version: head.version,
      ...(restricted ? { channels: channelFigures(head) } : {}),
    },
    options: cause,
  };
}
