import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { INGEST_SCHEMA } from '../../config/ingest.config';

const S = `"${INGEST_SCHEMA}"`;

export interface PollState {
  accountId: string;
  origin: Date | null;
  checkpoint: Date | null;
  coveredUntil: Date | null;
  /** A window whose pages are partly committed: resume it with `token`. */
  window: { after: Date; before: Date; token: string; sorted: boolean; newest: Date | null; pages: number } | null;
  lastPollStartedAt: Date | null;
  lastPollSucceededAt: Date | null;
  lastPollFailedAt: Date | null;
  lastError: string | null;
  pollsSucceeded: number;
  pollsFailed: number;
  searchCalls: number;
  pagesCommitted: number;
  ordersSeen: number;
  throttledCalls: number;
  nextCatchUpAt: Date | null;
}

interface Row {
  account_id: string;
  origin: Date | null;
  checkpoint: Date | null;
  covered_until: Date | null;
  window_after: Date | null;
  window_before: Date | null;
  window_token: string | null;
  window_sorted: boolean;
  window_max: Date | null;
  window_pages: number;
  last_poll_started_at: Date | null;
  last_poll_succeeded_at: Date | null;
  last_poll_failed_at: Date | null;
  last_error: string | null;
  polls_succeeded: string;
  polls_failed: string;
  search_calls: string;
  pages_committed: string;
  orders_seen: string;
  throttled_calls: string;
  next_catch_up_at: Date | null;
}

function toState(r: Row): PollState {
  return {
    accountId: r.account_id,
    origin: r.origin,
    checkpoint: r.checkpoint,
    coveredUntil: r.covered_until,
    window:
      r.window_token && r.window_after && r.window_before
        ? { after: r.window_after, before: r.window_before, token: r.window_token, sorted: r.window_sorted, newest: r.window_max, pages: r.window_pages }
        : null,
    lastPollStartedAt: r.last_poll_started_at,
    lastPollSucceededAt: r.last_poll_succeeded_at,
    lastPollFailedAt: r.last_poll_failed_at,
    lastError: r.last_error,
    pollsSucceeded: Number(r.polls_succeeded),
    pollsFailed: Number(r.polls_failed),
    searchCalls: Number(r.search_calls),
    pagesCommitted: Number(r.pages_committed),
    ordersSeen: Number(r.orders_seen),
    throttledCalls: Number(r.throttled_calls),
    nextCatchUpAt: r.next_catch_up_at,
  };
}

export interface PageCommit {
  /** The new checkpoint, or null to leave it (only ever moves forward). */
  checkpoint: Date | null;
  orders: number;
  /** The window goes on with this token; null: it is complete. */
  continueWith: { after: Date; before: Date; token: string; sorted: boolean; newest: Date | null } | null;
  /** On the window's last page: everything updated before this is imported. */
  coveredUntil: Date | null;
}

/** Per account: the poll checkpoint, an interrupted window's position, and the poll's health counters. */
@Injectable()
export class PollStateRepository {
  async load(m: EntityManager, accountId: string): Promise<PollState> {
    await m.query(`INSERT INTO ${S}.poll_state (account_id) VALUES ($1) ON CONFLICT DO NOTHING`, [accountId]);
    const rows = await m.query<Row[]>(`SELECT * FROM ${S}.poll_state WHERE account_id = $1`, [accountId]);
    return toState(rows[0]);
  }

  async list(m: EntityManager, accountIds: readonly string[] | null): Promise<PollState[]> {
    const rows = await m.query<Row[]>(
      `SELECT * FROM ${S}.poll_state WHERE ($1::text[] IS NULL OR account_id = ANY($1::text[])) ORDER BY account_id`,
      [accountIds],
    );
    return rows.map(toState);
  }

  async pollStarted(m: EntityManager, accountId: string, origin: Date): Promise<void> {
    await m.query(
      `UPDATE ${S}.poll_state SET last_poll_started_at = now(), origin = coalesce(origin, $2), updated_at = now() WHERE account_id = $1`,
      [accountId, origin.toISOString()],
    );
  }

  /** In the page's transaction: the checkpoint moves with the orders it covers, or neither does. */
  async commitPage(m: EntityManager, accountId: string, commit: PageCommit): Promise<void> {
    const w = commit.continueWith;
    await m.query(
      `UPDATE ${S}.poll_state SET
         checkpoint = CASE WHEN $2::timestamptz IS NULL THEN checkpoint ELSE GREATEST(coalesce(checkpoint, $2::timestamptz), $2::timestamptz) END,
         covered_until = coalesce($3::timestamptz, covered_until),
         window_after = $4, window_before = $5, window_token = $6, window_sorted = $7, window_max = $8,
         window_pages = CASE WHEN $6::text IS NULL THEN 0 ELSE window_pages + 1 END,
         pages_committed = pages_committed + 1, orders_seen = orders_seen + $9, updated_at = now()
       WHERE account_id = $1`,
      [
        accountId,
        commit.checkpoint?.toISOString() ?? null,
        commit.coveredUntil?.toISOString() ?? null,
        w?.after.toISOString() ?? null,
        w?.before.toISOString() ?? null,
        w?.token ?? null,
        w?.sorted ?? true,
        w?.newest?.toISOString() ?? null,
        commit.orders,
      ],
    );
  }

  /** A window that cannot be resumed (its token expired or was refused) restarts from the checkpoint. */
  async abandonWindow(m: EntityManager, accountId: string): Promise<void> {
    await m.query(
      `UPDATE ${S}.poll_state SET window_after = NULL, window_before = NULL, window_token = NULL, window_sorted = true,
         window_max = NULL, window_pages = 0, updated_at = now() WHERE account_id = $1`,
      [accountId],
    );
  }

  async countCalls(m: EntityManager, accountId: string, calls: number, throttled: number): Promise<void> {
    await m.query(
      `UPDATE ${S}.poll_state SET search_calls = search_calls + $2, throttled_calls = throttled_calls + $3 WHERE account_id = $1`,
      [accountId, calls, throttled],
    );
  }

  async pollSucceeded(m: EntityManager, accountId: string): Promise<void> {
    await m.query(
      `UPDATE ${S}.poll_state SET last_poll_succeeded_at = now(), polls_succeeded = polls_succeeded + 1, last_error = NULL,
         updated_at = now() WHERE account_id = $1`,
      [accountId],
    );
  }

  async pollFailed(m: EntityManager, accountId: string, error: string): Promise<void> {
    await m.query(
      `UPDATE ${S}.poll_state SET last_poll_failed_at = now(), polls_failed = polls_failed + 1, last_error = $2,
         updated_at = now() WHERE account_id = $1`,
      [accountId, error.slice(0, 2000)],
    );
  }

  async scheduleCatchUp(m: EntityManager, accountId: string, at: Date): Promise<void> {
    await m.query(`UPDATE ${S}.poll_state SET next_catch_up_at = $2 WHERE account_id = $1`, [accountId, at.toISOString()]);
  }
}

/** Live lease holders by account id (for poll health). */
export async function liveLeaseHolders(m: EntityManager): Promise<Map<string, { holder: string; generation: number; expiresAt: Date }>> {
  const rows = await m.query<{ resource: string; holder: string; generation: string; expires_at: Date }[]>(
    `SELECT resource, holder, generation, expires_at FROM ${S}.leases WHERE expires_at > now()`,
  );
  const prefix = 'amazon-orders:';
  return new Map(
    rows
      .filter((r) => r.resource.startsWith(prefix))
      .map((r) => [r.resource.slice(prefix.length), { holder: r.holder, generation: Number(r.generation), expiresAt: r.expires_at }]),
  );
}
