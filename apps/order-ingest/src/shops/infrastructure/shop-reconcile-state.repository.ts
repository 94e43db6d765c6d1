import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { INGEST_SCHEMA } from '../../config/ingest.config';
import type { ShopChannel } from '../domain/shop-account';

const S = `"${INGEST_SCHEMA}"`;

export interface ShopReconcileState {
  channel: ShopChannel;
  accountId: string;
  checkpoint: Date | null;
  lastRunStartedAt: Date | null;
  lastRunSucceededAt: Date | null;
  lastRunFailedAt: Date | null;
  lastError: string | null;
  runsSucceeded: number;
  runsFailed: number;
  ordersSeen: number;
  ordersRecovered: number;
}

interface Row {
  channel: ShopChannel;
  account_id: string;
  checkpoint: Date | null;
  last_run_started_at: Date | null;
  last_run_succeeded_at: Date | null;
  last_run_failed_at: Date | null;
  last_error: string | null;
  runs_succeeded: string;
  runs_failed: string;
  orders_seen: string;
  orders_recovered: string;
}

function toState(r: Row): ShopReconcileState {
  return {
    channel: r.channel,
    accountId: r.account_id,
    checkpoint: r.checkpoint,
    lastRunStartedAt: r.last_run_started_at,
    lastRunSucceededAt: r.last_run_succeeded_at,
    lastRunFailedAt: r.last_run_failed_at,
    lastError: r.last_error,
    runsSucceeded: Number(r.runs_succeeded),
    runsFailed: Number(r.runs_failed),
    ordersSeen: Number(r.orders_seen),
    ordersRecovered: Number(r.orders_recovered),
  };
}

/** Per shop: the reconciliation checkpoint and the health of its runs. */
@Injectable()
export class ShopReconcileStateRepository {
  async load(m: EntityManager, channel: ShopChannel, accountId: string): Promise<ShopReconcileState> {
    await m.query(
      `INSERT INTO ${S}.shop_reconcile_state (channel, account_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [channel, accountId],
    );
    const rows = await m.query<Row[]>(
      `SELECT * FROM ${S}.shop_reconcile_state WHERE channel = $1 AND account_id = $2`,
      [channel, accountId],
    );
    return toState(rows[0]);
  }

  async list(m: EntityManager): Promise<ShopReconcileState[]> {
    const rows = await m.query<Row[]>(`SELECT * FROM ${S}.shop_reconcile_state ORDER BY channel, account_id`);
    return rows.map(toState);
  }

  async runStarted(m: EntityManager, channel: ShopChannel, accountId: string): Promise<void> {
    await m.query(
      `UPDATE ${S}.shop_reconcile_state SET last_run_started_at = now(), updated_at = now() WHERE channel = $1 AND account_id = $2`,
      [channel, accountId],
    );
  }

  /** In the run's last transaction: the checkpoint moves only once every page is imported. */
  async runSucceeded(
    m: EntityManager,
    channel: ShopChannel,
    accountId: string,
    run: { checkpoint: Date | null; ordersSeen: number; ordersRecovered: number },
  ): Promise<void> {
    await m.query(
      `UPDATE ${S}.shop_reconcile_state SET
         checkpoint = CASE WHEN $3::timestamptz IS NULL THEN checkpoint ELSE GREATEST(coalesce(checkpoint, $3::timestamptz), $3::timestamptz) END,
         last_run_succeeded_at = now(), runs_succeeded = runs_succeeded + 1, last_error = NULL,
         orders_seen = orders_seen + $4, orders_recovered = orders_recovered + $5, updated_at = now()
       WHERE channel = $1 AND account_id = $2`,
      [channel, accountId, run.checkpoint?.toISOString() ?? null, run.ordersSeen, run.ordersRecovered],
    );
  }

  async runFailed(m: EntityManager, channel: ShopChannel, accountId: string, error: string): Promise<void> {
    await m.query(
      `UPDATE ${S}.shop_reconcile_state SET last_run_failed_at = now(), runs_failed = runs_failed + 1, last_error = $3,
         updated_at = now() WHERE channel = $1 AND account_id = $2`,
      [channel, accountId, error.slice(0, 2000)],
    );
  }
}
