import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { INGEST_SCHEMA } from '../../config/ingest.config';
import type { ShopChannel } from '../domain/shop-account';

const S = `"${INGEST_SCHEMA}"`;

export type DeliveryOutcome = 'imported' | 'ignored' | 'no-stock-lines';

export interface DeliveryClaim {
  channel: ShopChannel;
  accountId: string;
  dedupeKey: string;
  topic: string;
}

/** Webhook deliveries already processed, by their dedupe key. */
@Injectable()
export class WebhookDeliveryRepository {
  /**
   * Records the delivery inside the transaction of its effects; false when it was recorded
   * before (a replay or a redelivery: change nothing). A concurrent copy of the same delivery
   * waits on the key until the first commits, then sees it.
   */
  async claim(
    m: EntityManager,
    d: DeliveryClaim,
    outcome: DeliveryOutcome,
    orderId: string | null,
  ): Promise<boolean> {
    const rows = await m.query<unknown[]>(
      `INSERT INTO ${S}.webhook_deliveries (channel, account_id, dedupe_key, topic, order_id, outcome)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING RETURNING 1`,
      [d.channel, d.accountId, d.dedupeKey, d.topic.slice(0, 100), orderId, outcome],
    );
    return rows.length > 0;
  }

  /** Forgets deliveries older than the retention (long past any redelivery); returns how many. */
  async purgeOlderThan(m: EntityManager, hours: number): Promise<number> {
    const rows = await m.query<unknown[]>(
      `DELETE FROM ${S}.webhook_deliveries WHERE received_at < now() - ($1::int * interval '1 hour') RETURNING 1`,
      [hours],
    );
    return rows.length;
  }
}
