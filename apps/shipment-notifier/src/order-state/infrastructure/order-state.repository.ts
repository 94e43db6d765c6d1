import type { OrderSnapshot } from '@holdfast/contracts';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../../config/notifier.config';

const S = `"${NOTIFIER_SCHEMA}"`;

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
}
