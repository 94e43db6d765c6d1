import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import type { EntityManager } from 'typeorm';
import { INGEST_SCHEMA } from '../../config/ingest.config';

const S = `"${INGEST_SCHEMA}"`;

export type RecoveryStatus = 'queued' | 'running' | 'recovered' | 'not-found' | 'failed';

export interface OrderRecovery {
  id: string;
  accountId: string;
  orderId: string;
  requestedBy: string | null;
  status: RecoveryStatus;
  /** new | changed | unchanged | stale | error: what the import made of Amazon's copy. */
  outcome: string | null;
  error: string | null;
  requestedAt: Date;
  finishedAt: Date | null;
}

interface Row {
  id: string;
  account_id: string;
  order_id: string;
  requested_by: string | null;
  status: RecoveryStatus;
  outcome: string | null;
  error: string | null;
  requested_at: Date;
  finished_at: Date | null;
}

const toRecovery = (r: Row): OrderRecovery => ({
  id: r.id,
  accountId: r.account_id,
  orderId: r.order_id,
  requestedBy: r.requested_by,
  status: r.status,
  outcome: r.outcome,
  error: r.error,
  requestedAt: r.requested_at,
  finishedAt: r.finished_at,
});

/**
 * Single-order recoveries: requested over HTTP on any replica, carried out by the replica
 * holding the account's lease (so its getOrder call is within that account's budget).
 */
@Injectable()
export class OrderRecoveryRepository {
  async request(m: EntityManager, accountId: string, orderId: string, requestedBy: string): Promise<OrderRecovery> {
    const [row] = await m.query<Row[]>(
      `INSERT INTO ${S}.order_recoveries (id, account_id, order_id, requested_by, status) VALUES ($1, $2, $3, $4, 'queued') RETURNING *`,
      [uuidv7(), accountId, orderId, requestedBy],
    );
    return toRecovery(row);
  }

  async find(m: EntityManager, id: string): Promise<OrderRecovery | null> {
    const rows = await m.query<Row[]>(`SELECT * FROM ${S}.order_recoveries WHERE id = $1`, [id]);
    return rows[0] ? toRecovery(rows[0]) : null;
  }

  /** Takes the account's queued recoveries (oldest first) for this replica. */
  async claimQueued(m: EntityManager, accountId: string, limit: number): Promise<OrderRecovery[]> {
    const rows = await queryRows<Row>(
      m,
      `UPDATE ${S}.order_recoveries SET status = 'running'
        WHERE id IN (SELECT id FROM ${S}.order_recoveries WHERE account_id = $1 AND status = 'queued'
                      ORDER BY requested_at LIMIT $2 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [accountId, limit],
    );
    return rows.map(toRecovery);
  }

  async finish(m: EntityManager, id: string, status: RecoveryStatus, outcome: string | null, error: string | null): Promise<void> {
    await m.query(`UPDATE ${S}.order_recoveries SET status = $2, outcome = $3, error = $4, finished_at = now() WHERE id = $1`, [
      id,
      status,
      outcome,
      error?.slice(0, 2000) ?? null,
    ]);
  }

  /** Recoveries a crashed lease holder left running go back to the queue. */
  async requeueRunning(m: EntityManager, accountId: string): Promise<void> {
    await m.query(`UPDATE ${S}.order_recoveries SET status = 'queued' WHERE account_id = $1 AND status = 'running'`, [accountId]);
  }
}
