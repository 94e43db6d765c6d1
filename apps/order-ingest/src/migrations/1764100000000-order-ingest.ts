import { leaseTableSql } from '@holdfast/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INGEST_SCHEMA } from '../config/ingest.config';

const S = `"${INGEST_SCHEMA}"`;

/**
 * Channel accounts and their options, poll checkpoints, order snapshots and their
 * changes, encrypted buyer data, catch-up runs, single-order recoveries, ingest errors
 * with their raw payloads, and the leases that make one replica the only caller per account.
 */
export class OrderIngest1764100000000 implements MigrationInterface {
  name = 'OrderIngest1764100000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of leaseTableSql(INGEST_SCHEMA).up) await q.query(sql);

    // Identity comes from the accounts file (credentials never reach the database);
    // the options are edited through the HTTP API.
    await q.query(`CREATE TABLE ${S}.channel_accounts (
      account_id text PRIMARY KEY,
      channel text NOT NULL DEFAULT 'amazon',
      seller_id text NOT NULL,
      region text NOT NULL,
      marketplace_ids text[] NOT NULL,
      configured boolean NOT NULL DEFAULT true,
      import_pending boolean NOT NULL,
      reserve_amazon_fulfilled boolean NOT NULL,
      polling_enabled boolean NOT NULL,
      poll_interval_seconds integer NOT NULL CHECK (poll_interval_seconds >= 1),
      overlap_seconds integer NOT NULL CHECK (overlap_seconds >= 0),
      catch_up_every_minutes integer NOT NULL CHECK (catch_up_every_minutes >= 1),
      catch_up_lookback_days integer NOT NULL CHECK (catch_up_lookback_days >= 1),
      catch_up_amazon_extra_days integer NOT NULL CHECK (catch_up_amazon_extra_days >= 0),
      options_updated_at timestamptz NOT NULL DEFAULT now(),
      created_at timestamptz NOT NULL DEFAULT now()
    )`);

    await q.query(`CREATE TABLE ${S}.poll_state (
      account_id text PRIMARY KEY REFERENCES ${S}.channel_accounts (account_id),
      origin timestamptz,
      checkpoint timestamptz,
      covered_until timestamptz,
      window_after timestamptz,
      window_before timestamptz,
      window_token text,
      window_sorted boolean NOT NULL DEFAULT true,
      window_max timestamptz,
      window_pages integer NOT NULL DEFAULT 0,
      last_poll_started_at timestamptz,
      last_poll_succeeded_at timestamptz,
      last_poll_failed_at timestamptz,
      last_error text,
      polls_succeeded bigint NOT NULL DEFAULT 0,
      polls_failed bigint NOT NULL DEFAULT 0,
      search_calls bigint NOT NULL DEFAULT 0,
      pages_committed bigint NOT NULL DEFAULT 0,
      orders_seen bigint NOT NULL DEFAULT 0,
      throttled_calls bigint NOT NULL DEFAULT 0,
      next_catch_up_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now()
    )`);

    await q.query(`CREATE TABLE ${S}.order_snapshots (
      account_id text NOT NULL,
      order_id text NOT NULL,
      channel text NOT NULL,
      marketplace_id text,
      status text NOT NULL,
      channel_status text NOT NULL,
      fulfilled_by text NOT NULL,
      purchased_at timestamptz NOT NULL,
      channel_updated_at timestamptz NOT NULL,
      revision bigint NOT NULL,
      snapshot jsonb NOT NULL,
      announced boolean NOT NULL,
      first_seen_by text NOT NULL,
      first_seen_at timestamptz NOT NULL DEFAULT now(),
      last_seen_at timestamptz NOT NULL DEFAULT now(),
      changed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (account_id, order_id)
    )`);
    await q.query(`CREATE INDEX order_snapshots_updated_idx ON ${S}.order_snapshots (channel_updated_at, account_id, order_id)`);
    await q.query(`CREATE INDEX order_snapshots_status_idx ON ${S}.order_snapshots (account_id, status)`);

    // One row per event emitted: the order's history, and the proof that a change was
    // announced exactly once.
    await q.query(`CREATE TABLE ${S}.order_changes (
      id bigserial PRIMARY KEY,
      account_id text NOT NULL,
      order_id text NOT NULL,
      revision bigint NOT NULL,
      event_type text NOT NULL,
      message_id uuid NOT NULL UNIQUE,
      status text NOT NULL,
      detected_by text NOT NULL,
      detected_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (account_id, order_id, revision)
    )`);

    await q.query(`CREATE TABLE ${S}.buyer_data (
      account_id text NOT NULL,
      order_id text NOT NULL,
      key_id text,
      iv bytea,
      auth_tag bytea,
      ciphertext bytea,
      stored_at timestamptz NOT NULL DEFAULT now(),
      purge_after timestamptz,
      purged_at timestamptz,
      PRIMARY KEY (account_id, order_id)
    )`);
    await q.query(`CREATE INDEX buyer_data_purge_idx ON ${S}.buyer_data (purge_after) WHERE purged_at IS NULL`);

    await q.query(`CREATE TABLE ${S}.catch_up_runs (
      id uuid PRIMARY KEY,
      account_id text NOT NULL REFERENCES ${S}.channel_accounts (account_id),
      trigger text NOT NULL,
      requested_by text,
      status text NOT NULL,
      requested_at timestamptz NOT NULL DEFAULT now(),
      started_at timestamptz,
      finished_at timestamptz,
      scans jsonb NOT NULL DEFAULT '[]',
      pages integer NOT NULL DEFAULT 0,
      scanned integer NOT NULL DEFAULT 0,
      new_orders integer NOT NULL DEFAULT 0,
      changed_orders integer NOT NULL DEFAULT 0,
      unchanged_orders integer NOT NULL DEFAULT 0,
      errors integer NOT NULL DEFAULT 0,
      new_order_ids text[] NOT NULL DEFAULT '{}',
      changed_order_ids text[] NOT NULL DEFAULT '{}',
      error text
    )`);
    await q.query(`CREATE INDEX catch_up_runs_account_idx ON ${S}.catch_up_runs (account_id, requested_at DESC)`);
    // At most one run waiting or running per account: a second request joins it.
    await q.query(
      `CREATE UNIQUE INDEX catch_up_runs_one_open_idx ON ${S}.catch_up_runs (account_id) WHERE status IN ('queued', 'running')`,
    );

    await q.query(`CREATE TABLE ${S}.order_recoveries (
      id uuid PRIMARY KEY,
      account_id text NOT NULL REFERENCES ${S}.channel_accounts (account_id),
      order_id text NOT NULL,
      requested_by text,
      status text NOT NULL,
      outcome text,
      error text,
      requested_at timestamptz NOT NULL DEFAULT now(),
      finished_at timestamptz
    )`);
    await q.query(`CREATE INDEX order_recoveries_queued_idx ON ${S}.order_recoveries (account_id, requested_at) WHERE status = 'queued'`);

    // Raw payloads keep what Amazon sent for an order that could not be imported, without
    // its personal data, so an operator can see why.
    await q.query(`CREATE TABLE ${S}.raw_payloads (
      id bigserial PRIMARY KEY,
      account_id text NOT NULL,
      operation text NOT NULL,
      body jsonb,
      body_text text,
      received_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE TABLE ${S}.ingest_errors (
      id bigserial PRIMARY KEY,
      account_id text NOT NULL,
      order_id text,
      problem text NOT NULL,
      detail text NOT NULL,
      operation text NOT NULL,
      detected_by text NOT NULL,
      raw_payload_id bigint REFERENCES ${S}.raw_payloads (id) ON DELETE SET NULL,
      occurred_at timestamptz NOT NULL DEFAULT now(),
      resolved_at timestamptz
    )`);
    await q.query(`CREATE INDEX ingest_errors_account_idx ON ${S}.ingest_errors (account_id, occurred_at DESC)`);
    await q.query(`CREATE INDEX ingest_errors_open_idx ON ${S}.ingest_errors (account_id, order_id) WHERE resolved_at IS NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      'ingest_errors',
      'raw_payloads',
      'order_recoveries',
      'catch_up_runs',
      'buyer_data',
      'order_changes',
      'order_snapshots',
      'poll_state',
      'channel_accounts',
    ]) {
      await q.query(`DROP TABLE ${S}.${table}`);
    }
    for (const sql of leaseTableSql(INGEST_SCHEMA).down) await q.query(sql);
  }
}
