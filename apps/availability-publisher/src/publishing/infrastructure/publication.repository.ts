import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PUBLISHER_SCHEMA } from '../../config/publisher.config';
import type { DeliveryCheckpoint, ItemOutcome, PublishItem, PublishTarget } from '../domain/channel-publisher';

const S = `"${PUBLISHER_SCHEMA}"`;

export interface AccountRef {
  channel: string;
  accountId: string;
}

/** A listing whose quantity the channel confirmed, for the `listing.published` event. */
export interface AppliedListing {
  listingId: string;
  marketplaceId: string | null;
  channelSku: string;
  quantity: number;
  availabilityVersion: number;
  /** When it fell out of sync (for the publish latency). */
  pendingSince: Date | null;
}

/** A listing whose publication failed, for the `listing.publish-failed` event. */
export interface FailedListing {
  listingId: string;
  marketplaceId: string | null;
  channelSku: string;
  quantity: number;
  availabilityVersion: number;
  code: string;
  message: string;
  failures: number;
}

export interface OpenAttempt {
  id: string;
  method: string;
  checkpoint: DeliveryCheckpoint;
}

export interface BacklogStats {
  /** Listings out of sync (any reason). */
  pending: number;
  /** Of those, ready to be sent now. */
  ready: number;
  /** The latest desired change among pending listings. */
  lastChangeAt: Date | null;
  /** Since when the oldest ready listing waits. */
  oldestReadySince: Date | null;
  /** Pending listings whose desired quantity changed within the last second. */
  changedLastSecond: number;
}

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
}

/**
 * A listing is ready to be sent when it is out of sync (a newer desired quantity, or a
 * republish), merchant-fulfilled, has a desired quantity (every SKU's availability known)
 * and, where the channel needs one, a product type; nothing of it is in flight; its backoff
 * has passed; and no earlier change whose fate is unknown may still land (hold).
 */
const READY = `
      l.channel = $1 AND l.account_id = $2
  AND (l.desired_seq > l.acked_seq OR l.force_publish)
  AND l.attempt_id IS NULL
  AND l.fulfilled_by = 'MERCHANT'
  AND l.desired_quantity IS NOT NULL
  AND (NOT $3::boolean OR l.product_type IS NOT NULL)
  AND l.next_attempt_at <= now()
  AND (l.hold_until IS NULL OR l.hold_until <= now())`;

const CLEAR_ATTEMPT = `attempt_id = NULL, attempt_item = NULL, attempt_quantity = NULL, attempt_seq = NULL,
  attempt_version = NULL, attempt_started_at = NULL, attempt_trace = NULL`;

/**
 * The publication state machine in SQL: claim what is ready, record what the channel said.
 * Every write that settles an item names the attempt it belongs to (`attempt_id = $n`), so
 * a completion that arrives after the item was given up (lease takeover, interruption)
 * changes nothing; and an acknowledgement only moves `acked_seq` forward, so a stale
 * quantity never overwrites a newer one, whatever order attempts finish in.
 */
@Injectable()
export class PublicationRepository {
  async backlog(manager: EntityManager, account: AccountRef, requiresProductType: boolean): Promise<BacklogStats> {
    const [row] = await manager.query<
      { pending: number; ready: number; last_change_at: Date | null; oldest_ready_since: Date | null; changed_last_second: number }[]
    >(
      `SELECT count(*)::int AS pending,
              (count(*) FILTER (WHERE ${READY}))::int AS ready,
              max(l.desired_at) AS last_change_at,
              min(l.pending_since) FILTER (WHERE ${READY}) AS oldest_ready_since,
              (count(*) FILTER (WHERE l.desired_at > now() - interval '1 second'))::int AS changed_last_second
         FROM ${S}.listings l
        WHERE l.channel = $1 AND l.account_id = $2 AND (l.desired_seq > l.acked_seq OR l.force_publish)`,
      [account.channel, account.accountId, requiresProductType],
    );
    return {
      pending: row.pending,
      ready: row.ready,
      lastChangeAt: row.last_change_at,
      oldestReadySince: row.oldest_ready_since,
      changedLastSecond: row.changed_last_second,
    };
  }

  /**
   * An unchanged quantity costs no call: a listing whose desired quantity went back to what
   * the channel already acknowledged is in sync again. Not for web shops: their own orders
   * move the quantity they show, so what they acknowledged may no longer be what they show.
   */
  async settleUnchanged(manager: EntityManager, account: AccountRef): Promise<number> {
    const rows = await queryRows(
      manager,
      `UPDATE ${S}.listings SET acked_seq = desired_seq, acked_version = availability_version, pending_since = NULL,
              failures = 0, last_error_code = NULL, last_error_message = NULL, last_error_at = NULL, updated_at = now()
        WHERE channel = $1 AND account_id = $2 AND desired_seq > acked_seq AND NOT force_publish
          AND attempt_id IS NULL AND acked_at IS NOT NULL AND desired_quantity = acked_quantity
          AND channel = 'amazon'
        RETURNING id`,
      [account.channel, account.accountId],
    );
    return rows.length;
  }

  /** Opens an attempt and claims up to `limit` ready listings for it, oldest first. */
  async claim(
    manager: EntityManager,
    account: AccountRef,
    attempt: { id: string; method: string; holder: string; leaseGeneration: number },
    limit: number,
    requiresProductType: boolean,
  ): Promise<PublishItem[]> {
    await manager.query(
      `INSERT INTO ${S}.publish_attempts (id, channel, account_id, method, state, item_count, holder, lease_generation)
       VALUES ($1, $2, $3, $4, 'sending', 0, $5, $6)`,
      [attempt.id, account.channel, account.accountId, attempt.method, attempt.holder, attempt.leaseGeneration],
    );
    const rows = await queryRows<{
      id: string;
      attempt_item: number;
      channel_sku: string;
      marketplace_id: string | null;
      product_type: string | null;
      attempt_quantity: number;
      attempt_trace: Record<string, string> | null;
    }>(
      manager,
      `WITH picked AS (
         SELECT l.id FROM ${S}.listings l WHERE ${READY}
          ORDER BY l.pending_since NULLS LAST, l.id LIMIT $4 FOR UPDATE SKIP LOCKED
       ), numbered AS (SELECT id, row_number() OVER (ORDER BY id)::int AS n FROM picked)
       UPDATE ${S}.listings l SET attempt_id = $5, attempt_item = numbered.n, attempt_quantity = l.desired_quantity,
              attempt_seq = l.desired_seq, attempt_version = l.availability_version, attempt_started_at = now(),
              attempt_trace = l.desired_trace, last_attempt_at = now()
         FROM numbered WHERE l.id = numbered.id
       RETURNING l.id, l.attempt_item, l.channel_sku, l.marketplace_id, l.product_type, l.attempt_quantity, l.attempt_trace`,
      [account.channel, account.accountId, requiresProductType, limit, attempt.id],
    );
    await manager.query(`UPDATE ${S}.publish_attempts SET item_count = $2 WHERE id = $1`, [attempt.id, rows.length]);
    return rows
      .map((r) => ({
        listingId: r.id,
        itemNo: r.attempt_item,
        channelSku: r.channel_sku,
        marketplaceId: r.marketplace_id,
        productType: r.product_type,
        quantity: r.attempt_quantity,
        trace: r.attempt_trace,
      }))
      .sort((a, b) => a.itemNo - b.itemNo);
  }

  /** The listings still claimed by an attempt. */
  async attemptItems(manager: EntityManager, attemptId: string): Promise<PublishItem[]> {
    const rows = await manager.query<
      {
        id: string;
        attempt_item: number;
        channel_sku: string;
        marketplace_id: string | null;
        product_type: string | null;
        attempt_quantity: number;
        attempt_trace: Record<string, string> | null;
      }[]
    >(
      `SELECT id, attempt_item, channel_sku, marketplace_id, product_type, attempt_quantity, attempt_trace
         FROM ${S}.listings WHERE attempt_id = $1 ORDER BY attempt_item`,
      [attemptId],
    );
    return rows.map((r) => ({
      listingId: r.id,
      itemNo: r.attempt_item,
      channelSku: r.channel_sku,
      marketplaceId: r.marketplace_id,
      productType: r.product_type,
      quantity: r.attempt_quantity,
      trace: r.attempt_trace,
    }));
  }

  /**
   * Records settled items. Applied: acknowledged with the attempt's quantity and version,
   * unless a newer acknowledgement is already there. Failed: backoff (doubling from the
   * base, capped, jittered; non-retryable failures start 8× later), and a hold when the
   * change may still land.
   */
  async recordOutcomes(
    manager: EntityManager,
    attempt: { id: string; method: string },
    outcomes: readonly ItemOutcome[],
    retry: RetryPolicy,
    holdMs: number,
  ): Promise<{ applied: AppliedListing[]; failed: FailedListing[] }> {
    const appliedIds = outcomes.filter((o) => o.result === 'applied').map((o) => o.listingId);
    const failures = outcomes.filter((o): o is Extract<ItemOutcome, { result: 'failed' }> => o.result === 'failed');
    const applied = appliedIds.length === 0 ? [] : await this.acknowledge(manager, attempt, appliedIds);
    const failed = failures.length === 0 ? [] : await this.fail(manager, attempt.id, failures, retry, holdMs);
    const settledIds = new Set([...applied.map((a) => a.listingId), ...failed.map((f) => f.listingId)]);
    // Applied items whose acknowledgement was stale (a newer one is there) still leave the attempt.
    const stale = appliedIds.filter((id) => !settledIds.has(id));
    if (stale.length > 0) {
      await manager.query(`UPDATE ${S}.listings SET ${CLEAR_ATTEMPT} WHERE id = ANY($1::uuid[]) AND attempt_id = $2`, [stale, attempt.id]);
    }
    await manager.query(
      `UPDATE ${S}.publish_attempts SET applied_count = applied_count + $2, failed_count = failed_count + $3, updated_at = now()
        WHERE id = $1`,
      [attempt.id, applied.length, failed.length],
    );
    return { applied, failed };
  }

  private async acknowledge(manager: EntityManager, attempt: { id: string; method: string }, ids: string[]): Promise<AppliedListing[]> {
    const rows = await queryRows<{
      id: string;
      marketplace_id: string | null;
      channel_sku: string;
      acked_quantity: number;
      acked_version: string;
      old_pending_since: Date | null;
    }>(
      manager,
      `WITH old AS (
         SELECT id, pending_since FROM ${S}.listings
          WHERE id = ANY($1::uuid[]) AND attempt_id = $2 AND attempt_seq >= acked_seq FOR UPDATE
       )
       UPDATE ${S}.listings l SET acked_quantity = l.attempt_quantity, acked_seq = l.attempt_seq,
              acked_version = l.attempt_version, acked_at = now(), acked_method = $3,
              force_publish = false, failures = 0, next_attempt_at = now(), hold_until = NULL,
              last_error_code = NULL, last_error_message = NULL, last_error_at = NULL,
              pending_since = CASE WHEN l.desired_seq <= l.attempt_seq THEN NULL ELSE l.pending_since END,
              updated_at = now(), ${CLEAR_ATTEMPT}
         FROM old WHERE l.id = old.id
       RETURNING l.id, l.marketplace_id, l.channel_sku, l.acked_quantity, l.acked_version::text AS acked_version,
                 old.pending_since AS old_pending_since`,
      [ids, attempt.id, attempt.method],
    );
    return rows.map((r) => ({
      listingId: r.id,
      marketplaceId: r.marketplace_id,
      channelSku: r.channel_sku,
      quantity: r.acked_quantity,
      availabilityVersion: Number(r.acked_version),
      pendingSince: r.old_pending_since,
    }));
  }

  private async fail(
    manager: EntityManager,
    attemptId: string,
    failures: readonly Extract<ItemOutcome, { result: 'failed' }>[],
    retry: RetryPolicy,
    holdMs: number,
  ): Promise<FailedListing[]> {
    const rows = await queryRows<{
      id: string;
      marketplace_id: string | null;
      channel_sku: string;
      quantity: number;
      version: string;
      code: string;
      message: string;
      failures: number;
    }>(
      manager,
      `WITH v AS (
         SELECT * FROM unnest($1::uuid[], $2::text[], $3::text[], $4::boolean[], $5::boolean[], $9::float8[])
           AS v(id, code, message, uncertain, retryable, hold_ms)
       ), old AS (
         SELECT l.id, l.attempt_quantity, l.attempt_version FROM ${S}.listings l JOIN v ON v.id = l.id
          WHERE l.attempt_id = $6 FOR UPDATE OF l
       )
       UPDATE ${S}.listings l SET failures = l.failures + 1, last_error_code = v.code, last_error_message = v.message,
              last_error_at = now(),
              next_attempt_at = now() + make_interval(secs => least($8::float8,
                  $7::float8 * power(2, least(l.failures + CASE WHEN v.retryable THEN 0 ELSE 3 END, 30)))
                  * (0.5 + random() / 2) / 1000),
              hold_until = CASE WHEN v.uncertain THEN greatest(coalesce(l.hold_until, now()), now() + make_interval(secs => v.hold_ms / 1000))
                                ELSE l.hold_until END,
              updated_at = now(), ${CLEAR_ATTEMPT}
         FROM v JOIN old ON old.id = v.id
        WHERE l.id = v.id
       RETURNING l.id, l.marketplace_id, l.channel_sku, old.attempt_quantity AS quantity,
                 old.attempt_version::text AS version, v.code, v.message, l.failures`,
      [
        failures.map((f) => f.listingId),
        failures.map((f) => f.code.slice(0, 100) || 'Unknown'),
        failures.map((f) => f.message.slice(0, 2000) || 'no message'),
        failures.map((f) => f.uncertain === true),
        failures.map((f) => f.retryable),
        attemptId,
        retry.baseMs,
        retry.maxMs,
        failures.map((f) => f.holdMs ?? holdMs),
      ],
    );
    return rows.map((r) => ({
      listingId: r.id,
      marketplaceId: r.marketplace_id,
      channelSku: r.channel_sku,
      quantity: r.quantity,
      availabilityVersion: Number(r.version),
      code: r.code,
      message: r.message,
      failures: r.failures,
    }));
  }

  async markOpen(manager: EntityManager, attemptId: string, checkpoint: DeliveryCheckpoint, pollAfterMs: number): Promise<void> {
    await manager.query(
      `UPDATE ${S}.publish_attempts SET state = 'open', checkpoint = $2,
              poll_at = now() + make_interval(secs => $3::float8 / 1000), updated_at = now()
        WHERE id = $1 AND state IN ('sending', 'open')`,
      [attemptId, JSON.stringify(checkpoint), pollAfterMs],
    );
  }

  /** Looks again later at an open attempt whose resume failed for a reason of ours. */
  async postpone(manager: EntityManager, attemptId: string, delayMs: number, error: string): Promise<void> {
    await manager.query(
      `UPDATE ${S}.publish_attempts SET poll_at = now() + make_interval(secs => $2::float8 / 1000), error = $3, updated_at = now()
        WHERE id = $1`,
      [attemptId, delayMs, error.slice(0, 2000)],
    );
  }

  async settle(manager: EntityManager, attemptId: string, state: 'settled' | 'interrupted', error?: string): Promise<void> {
    await manager.query(
      `UPDATE ${S}.publish_attempts SET state = $2, error = coalesce($3, error), settled_at = now(), updated_at = now()
        WHERE id = $1`,
      [attemptId, state, error ?? null],
    );
  }

  async dueOpenAttempts(manager: EntityManager, account: AccountRef, limit = 20): Promise<OpenAttempt[]> {
    return manager.query<OpenAttempt[]>(
      `SELECT id, method, checkpoint FROM ${S}.publish_attempts
        WHERE channel = $1 AND account_id = $2 AND state = 'open' AND poll_at <= now()
        ORDER BY poll_at LIMIT $3`,
      [account.channel, account.accountId, limit],
    );
  }

  /** Attempts of the account in 'sending' (their deliver was running somewhere). */
  async sendingAttempts(manager: EntityManager, account: AccountRef): Promise<{ id: string; method: string }[]> {
    return manager.query<{ id: string; method: string }[]>(
      `SELECT id, method FROM ${S}.publish_attempts WHERE channel = $1 AND account_id = $2 AND state = 'sending'`,
      [account.channel, account.accountId],
    );
  }

  async openAttemptsByMethod(manager: EntityManager, account: AccountRef): Promise<Record<string, number>> {
    const rows = await manager.query<{ method: string; n: number }[]>(
      `SELECT method, count(*)::int AS n FROM ${S}.publish_attempts
        WHERE channel = $1 AND account_id = $2 AND state = 'open' GROUP BY method`,
      [account.channel, account.accountId],
    );
    return Object.fromEntries(rows.map((r) => [r.method, r.n]));
  }

  /** Merchant-fulfilled listings the channel must be asked about (no product type yet), whose backoff passed. */
  async listingsToLookUp(manager: EntityManager, account: AccountRef, limit: number): Promise<PublishTarget[]> {
    const rows = await manager.query<{ id: string; channel_sku: string; marketplace_id: string | null }[]>(
      `SELECT id, channel_sku, marketplace_id FROM ${S}.listings
        WHERE channel = $1 AND account_id = $2 AND product_type IS NULL AND fulfilled_by = 'MERCHANT'
          AND next_attempt_at <= now() AND attempt_id IS NULL
        ORDER BY next_attempt_at LIMIT $3`,
      [account.channel, account.accountId, limit],
    );
    return rows.map((r) => ({ listingId: r.id, channelSku: r.channel_sku, marketplaceId: r.marketplace_id, productType: null }));
  }

  async setProductType(manager: EntityManager, listingId: string, productType: string): Promise<void> {
    await manager.query(
      `UPDATE ${S}.listings SET product_type = $2, failures = 0, next_attempt_at = now(), last_error_code = NULL,
              last_error_message = NULL, last_error_at = NULL, updated_at = now()
        WHERE id = $1 AND product_type IS NULL`,
      [listingId, productType],
    );
  }

  async recordLookupFailure(
    manager: EntityManager,
    listingId: string,
    failure: { code: string; message: string; retryable: boolean },
    retry: RetryPolicy,
  ): Promise<void> {
    await manager.query(
      `UPDATE ${S}.listings SET failures = failures + 1, last_error_code = $2, last_error_message = $3, last_error_at = now(),
              next_attempt_at = now() + make_interval(secs => least($5::float8,
                  $4::float8 * power(2, least(failures + CASE WHEN $6::boolean THEN 0 ELSE 3 END, 30))) / 1000),
              updated_at = now()
        WHERE id = $1`,
      [listingId, failure.code.slice(0, 100), failure.message.slice(0, 2000), retry.baseMs, retry.maxMs, failure.retryable],
    );
  }

  /** Asks for the listings to be sent again even if the channel acknowledged their quantity. */
  async requestRepublish(
    manager: EntityManager,
    scope: { sku?: string; channel?: string; accountId?: string; listingId?: string; accounts: readonly string[] | null },
  ): Promise<number> {
    const rows = await queryRows(
      manager,
      `UPDATE ${S}.listings SET force_publish = true, failures = 0, next_attempt_at = now(),
              pending_since = coalesce(pending_since, now()), updated_at = now()
        WHERE fulfilled_by = 'MERCHANT'
          AND ($1::text IS NULL OR id IN (SELECT listing_id FROM ${S}.listing_components WHERE sku = $1))
          AND ($2::text IS NULL OR channel = $2)
          AND ($3::text IS NULL OR account_id = $3)
          AND ($4::uuid IS NULL OR id = $4)
          AND ($5::text[] IS NULL OR account_id = ANY($5::text[]))
        RETURNING id`,
      [scope.sku ?? null, scope.channel ?? null, scope.accountId ?? null, scope.listingId ?? null, scope.accounts],
    );
    return rows.length;
  }

  /** Keeps the attempts table small: settled attempts older than the retention go. */
  async pruneAttempts(manager: EntityManager, retentionHours: number): Promise<void> {
    await manager.query(
      `DELETE FROM ${S}.publish_attempts WHERE state IN ('settled', 'interrupted')
          AND settled_at < now() - make_interval(hours => $1)`,
      [retentionHours],
    );
  }

  // ---- read models for the operations API ----------------------------------------------------

  async accountSummaries(manager: EntityManager): Promise<AccountSummary[]> {
    const rows = await manager.query<
      { channel: string; account_id: string; listings: number; pending: number; in_flight: number; failing: number; open_attempts: number }[]
    >(
      `SELECT l.channel, l.account_id, count(*)::int AS listings,
              (count(*) FILTER (WHERE l.desired_seq > l.acked_seq OR l.force_publish))::int AS pending,
              (count(*) FILTER (WHERE l.attempt_id IS NOT NULL))::int AS in_flight,
              (count(*) FILTER (WHERE l.last_error_code IS NOT NULL))::int AS failing,
              (SELECT count(*)::int FROM ${S}.publish_attempts a
                WHERE a.channel = l.channel AND a.account_id = l.account_id AND a.state IN ('sending', 'open')) AS open_attempts
         FROM ${S}.listings l GROUP BY l.channel, l.account_id`,
    );
    return rows.map((r) => ({
      channel: r.channel,
      accountId: r.account_id,
      listings: r.listings,
      pending: r.pending,
      inFlight: r.in_flight,
      failing: r.failing,
      openAttempts: r.open_attempts,
    }));
  }

  async failureCounts(manager: EntityManager, accounts: readonly string[] | null): Promise<{ channel: string; accountId: string; code: string; listings: number }[]> {
    const rows = await manager.query<{ channel: string; account_id: string; code: string; listings: number }[]>(
      `SELECT channel, account_id, last_error_code AS code, count(*)::int AS listings FROM ${S}.listings
        WHERE last_error_code IS NOT NULL AND ($1::text[] IS NULL OR account_id = ANY($1::text[]))
        GROUP BY channel, account_id, last_error_code ORDER BY listings DESC`,
      [accounts],
    );
    return rows.map((r) => ({ channel: r.channel, accountId: r.account_id, code: r.code, listings: r.listings }));
  }

  async attempts(
    manager: EntityManager,
    filter: { accountId?: string; state?: string; accounts: readonly string[] | null; limit: number },
  ): Promise<AttemptSummary[]> {
    const rows = await manager.query<
      {
        id: string;
        channel: string;
        account_id: string;
        method: string;
        state: string;
        item_count: number;
        applied_count: number;
        failed_count: number;
        checkpoint: Record<string, unknown> | null;
        error: string | null;
        created_at: Date;
        settled_at: Date | null;
      }[]
    >(
      `SELECT id, channel, account_id, method, state, item_count, applied_count, failed_count, checkpoint, error, created_at, settled_at
         FROM ${S}.publish_attempts
        WHERE ($1::text IS NULL OR account_id = $1) AND ($2::text IS NULL OR state = $2)
          AND ($3::text[] IS NULL OR account_id = ANY($3::text[]))
        ORDER BY created_at DESC LIMIT $4`,
      [filter.accountId ?? null, filter.state ?? null, filter.accounts, filter.limit],
    );
    return rows.map((r) => ({
      id: r.id,
      channel: r.channel,
      accountId: r.account_id,
      method: r.method,
      state: r.state,
      items: r.item_count,
      applied: r.applied_count,
      failed: r.failed_count,
      channelReference: r.checkpoint,
      error: r.error,
      createdAt: r.created_at.toISOString(),
      settledAt: r.settled_at?.toISOString() ?? null,
    }));
  }
}

export interface AccountSummary {
  channel: string;
  accountId: string;
  listings: number;
  pending: number;
  inFlight: number;
  failing: number;
  openAttempts: number;
}

export interface AttemptSummary {
  id: string;
  channel: string;
  accountId: string;
  method: string;
  state: string;
  items: number;
  applied: number;
  failed: number;
  /** What the channel knows it by (feed ids), while open. */
  channelReference: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  settledAt: string | null;
}
