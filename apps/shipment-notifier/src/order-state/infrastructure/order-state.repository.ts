import type { FulfilledBy, OrderLine, OrderSnapshot, OrderStatus } from '@holdfast/contracts';
import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../../config/notifier.config';

const S = `"${NOTIFIER_SCHEMA}"`;

export interface OrderState {
  channel: string;
  accountId: string;
  orderId: string;
  marketplaceId: string | null;
  status: OrderStatus;
  fulfilledBy: FulfilledBy;
  revision: number;
  lines: OrderLine[];
}

interface OrderStateRow {
  channel: string;
  account_id: string;
  order_id: string;
  marketplace_id: string | null;
  status: OrderStatus;
  fulfilled_by: FulfilledBy;
  revision: string;
  lines: OrderLine[];
}

/**
 * What the notifier knows of each order, from `order.*` events: enough to refuse a
 * shipment for a Pending or cancelled order, or above the ordered quantities. Stale
 * revisions never overwrite newer ones.
 */
@Injectable()
export class OrderStateRepository {
  async recordIfNewer(manager: EntityManager, order: OrderSnapshot): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `INSERT INTO ${S}.order_states (channel, account_id, order_id, marketplace_id, status, fulfilled_by, revision, lines)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
       ON CONFLICT (channel, account_id, order_id) DO UPDATE SET marketplace_id = EXCLUDED.marketplace_id,
         status = EXCLUDED.status, fulfilled_by = EXCLUDED.fulfilled_by, revision = EXCLUDED.revision,
         lines = EXCLUDED.lines, updated_at = now()
       WHERE ${S}.order_states.revision < EXCLUDED.revision
       RETURNING 1`,
      [
        order.channel,
        order.accountId,
        order.orderId,
        order.marketplaceId,
        order.status,
        order.fulfilledBy,
        order.revision,
        JSON.stringify(order.lines),
      ],
    );
    return rows.length > 0;
  }

  /**
   * The order as last seen, or null. `lock` takes the row for update: shipments for one order
   * are planned one at a time, so two concurrent requests cannot both claim the last units.
   */
  async find(
    manager: EntityManager,
    key: { channel: string; accountId: string; orderId: string },
    { lock = false }: { lock?: boolean } = {},
  ): Promise<OrderState | null> {
    const rows = await queryRows<OrderStateRow>(
      manager,
      `SELECT channel, account_id, order_id, marketplace_id, status, fulfilled_by, revision, lines
         FROM ${S}.order_states WHERE channel = $1 AND account_id = $2 AND order_id = $3${lock ? ' FOR UPDATE' : ''}`,
      [key.channel, key.accountId, key.orderId],
    );
    const r = rows[0];
    if (!r) return null;
    return {
      channel: r.channel,
      accountId: r.account_id,
      orderId: r.order_id,
      marketplaceId: r.marketplace_id,
      status: r.status,
      fulfilledBy: r.fulfilled_by,
      revision: Number(r.revision),
      lines: r.lines,
    };
  }
}
