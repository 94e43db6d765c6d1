import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { INGEST_SCHEMA } from '../../config/ingest.config';
import type { ImportTally } from '../../orders/application/import-orders.use-case';

const S = `"${INGEST_SCHEMA}"`;

export type CatchUpTrigger = 'schedule' | 'request';
export type CatchUpStatus = 'queued' | 'running' | 'succeeded' | 'failed';

/** What one search of a run covered and found. */
export interface ScanRecord {
  name: string;
  fulfilledBy: string[];
  fulfillmentStatuses: string[] | null;
  createdAfter: string;
  createdBefore: string;
  pages: number;
  scanned: number;
  new: number;
  changed: number;
  unchanged: number;
  errors: number;
}

export interface CatchUpRun {
  id: string;
  accountId: string;
  trigger: CatchUpTrigger;
  requestedBy: string | null;
  status: CatchUpStatus;
  requestedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  scans: ScanRecord[];
  pages: number;
  scanned: number;
  newOrders: number;
  changedOrders: number;
  unchangedOrders: number;
  errors: number;
  newOrderIds: string[];
  changedOrderIds: string[];
  error: string | null;
}

interface Row {
  id: string;
  account_id: string;
  trigger: CatchUpTrigger;
  requested_by: string | null;
  status: CatchUpStatus;
  requested_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  scans: ScanRecord[];
  pages: number;
  scanned: number;
  new_orders: number;
  changed_orders: number;
  unchanged_orders: number;
  errors: number;
  new_order_ids: string[];
  changed_order_ids: string[];
  error: string | null;
}

const toRun = (r: Row): CatchUpRun => ({
  id: r.id,
  accountId: r.account_id,
  trigger: r.trigger,
  requestedBy: r.requested_by,
  status: r.status,
  requestedAt: r.requested_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  scans: r.scans,
  pages: r.pages,
  scanned: r.scanned,
  newOrders: r.new_orders,
  changedOrders: r.changed_orders,
  unchangedOrders: r.unchanged_orders,
  errors: r.errors,
  newOrderIds: r.new_order_ids,
  changedOrderIds: r.changed_order_ids,
  error: r.error,
});

/** The ids a run lists: enough to find what it caught, bounded so a large run stays one row. */
const MAX_LISTED_IDS = 1000;

/** Catch-up runs: requested, carried out by the account's lease holder, recorded page by page. */
@Injectable()
export class CatchUpRunRepository {
  /** Queues a run, or returns the one already queued or running (a second request joins it). */
  async request(
    m: EntityManager,
    accountId: string,
    trigger: CatchUpTrigger,
    requestedBy: string | null,
  ): Promise<{ run: CatchUpRun; created: boolean }> {
    const inserted = await m.query<Row[]>(
      `INSERT INTO ${S}.catch_up_runs (id, account_id, trigger, requested_by, status) VALUES ($1, $2, $3, $4, 'queued')
       ON CONFLICT (account_id) WHERE status IN ('queued', 'running') DO NOTHING RETURNING *`,
      [uuidv7(), accountId, trigger, requestedBy],
    );
    if (inserted[0]) return { run: toRun(inserted[0]), created: true };
    const open = await m.query<Row[]>(
      `SELECT * FROM ${S}.catch_up_runs WHERE account_id = $1 AND status IN ('queued', 'running')`,
      [accountId],
    );
    if (!open[0]) throw new Error('catch-up run neither created nor open (finished concurrently); retry');
    return { run: toRun(open[0]), created: false };
  }

  async claimQueued(m: EntityManager, accountId: string): Promise<CatchUpRun | null> {
    const rows = await queryRows<Row>(
      m,
      `UPDATE ${S}.catch_up_runs SET status = 'running', started_at = now()
        WHERE id = (SELECT id FROM ${S}.catch_up_runs WHERE account_id = $1 AND status = 'queued'
                     ORDER BY requested_at LIMIT 1 FOR UPDATE SKIP LOCKED)
        RETURNING *`,
      [accountId],
    );
    return rows[0] ? toRun(rows[0]) : null;
  }

  async startScan(m: EntityManager, runId: string, scan: ScanRecord): Promise<void> {
    await m.query(`UPDATE ${S}.catch_up_runs SET scans = scans || $2::jsonb WHERE id = $1`, [runId, JSON.stringify([scan])]);
  }

  /** Adds a committed page's tally, in the page's own transaction. */
  async addPage(m: EntityManager, runId: string, scanIndex: number, tally: ImportTally): Promise<void> {
    await m.query(
      `UPDATE ${S}.catch_up_runs SET
         pages = pages + 1, scanned = scanned + $3, new_orders = new_orders + $4, changed_orders = changed_orders + $5,
         unchanged_orders = unchanged_orders + $6, errors = errors + $7,
         new_order_ids = (new_order_ids || $8::text[])[1:${MAX_LISTED_IDS}],
         changed_order_ids = (changed_order_ids || $9::text[])[1:${MAX_LISTED_IDS}],
         scans = jsonb_set(scans, ARRAY[$2::text], (scans -> $2::int) || jsonb_build_object(
           'pages', (scans -> $2::int ->> 'pages')::int + 1,
           'scanned', (scans -> $2::int ->> 'scanned')::int + $3,
           'new', (scans -> $2::int ->> 'new')::int + $4,
           'changed', (scans -> $2::int ->> 'changed')::int + $5,
           'unchanged', (scans -> $2::int ->> 'unchanged')::int + $6,
           'errors', (scans -> $2::int ->> 'errors')::int + $7))
       WHERE id = $1`,
      [
        runId,
        scanIndex,
        tally.received,
        tally.new,
        tally.changed,
        tally.unchanged + tally.stale,
        tally.errors,
        tally.newOrderIds,
        tally.changedOrderIds,
      ],
    );
  }

  async finish(m: EntityManager, runId: string, status: 'succeeded' | 'failed', error: string | null): Promise<void> {
    await m.query(`UPDATE ${S}.catch_up_runs SET status = $2, error = $3, finished_at = now() WHERE id = $1`, [
      runId,
      status,
      error?.slice(0, 2000) ?? null,
    ]);
  }

  /**
   * Runs a crashed (or deposed) lease holder left running are closed as failed, with what
   * they had found so far, and a fresh run takes their place: a run's record stays true to
   * what that run did.
   */
  async replaceInterrupted(m: EntityManager, accountId: string): Promise<number> {
    const interrupted = await queryRows<Row>(
      m,
      `UPDATE ${S}.catch_up_runs SET status = 'failed', finished_at = now(),
         error = 'interrupted: the replica running it stopped, lost the account lease or could not record its end'
        WHERE account_id = $1 AND status = 'running' RETURNING *`,
      [accountId],
    );
    for (const run of interrupted) await this.request(m, accountId, run.trigger, run.requested_by);
    return interrupted.length;
  }

  async find(m: EntityManager, id: string): Promise<CatchUpRun | null> {
    const rows = await m.query<Row[]>(`SELECT * FROM ${S}.catch_up_runs WHERE id = $1`, [id]);
    return rows[0] ? toRun(rows[0]) : null;
  }

  async list(m: EntityManager, accountIds: readonly string[] | null, limit: number): Promise<CatchUpRun[]> {
    const rows = await m.query<Row[]>(
      `SELECT * FROM ${S}.catch_up_runs WHERE ($1::text[] IS NULL OR account_id = ANY($1::text[]))
        ORDER BY requested_at DESC, id DESC LIMIT $2`,
      [accountIds, limit],
    );
    return rows.map(toRun);
  }
}
