import { leaseTableSql } from '@holdfast/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PUBLISHER_SCHEMA } from '../config/publisher.config';

const S = `"${PUBLISHER_SCHEMA}"`;

/**
 * Channel listings (which channel SKU sells which internal SKU or bundle), channel rules,
 * the desired-vs-acknowledged state of every listing, publish attempts, and the leases
 * that make one replica the only caller of each channel account.
 */
export class ListingsAndPublications1764100000000 implements MigrationInterface {
  name = 'ListingsAndPublications1764100000000';

  async up(q: QueryRunner): Promise<void> {
    // availability.changed may carry figures per channel (stock locations that serve only some
    // channels); a listing uses its channel's entry when there is one.
    await q.query(`ALTER TABLE ${S}.desired_quantities ADD COLUMN channels jsonb`);
    await q.query(`CREATE TABLE ${S}.channel_rules (
      channel text NOT NULL,
      account_id text NOT NULL,
      safety_buffer integer NOT NULL DEFAULT 0 CHECK (safety_buffer >= 0),
      max_quantity integer CHECK (max_quantity >= 0),
      share_percent integer NOT NULL DEFAULT 100 CHECK (share_percent BETWEEN 0 AND 100),
      zero_below integer NOT NULL DEFAULT 0 CHECK (zero_below >= 0),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, account_id))`);

    // One row per channel listing. The columns after the definition are its publication
    // state: desired_* (what it should show, and the availability version it comes from),
    // acked_* (what the channel confirmed), attempt_* (the change in flight; at most one,
    // so a PATCH and a feed are never in flight for the same SKU) and the failure state.
    // *_seq is a per-listing counter of desired quantities: an acknowledgement only ever
    // moves acked_seq forward, so a stale completion cannot overwrite a newer one.
    await q.query(`CREATE TABLE ${S}.listings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      channel text NOT NULL,
      account_id text NOT NULL,
      marketplace_id text,
      channel_sku text NOT NULL,
      product_type text,
      fulfilled_by text NOT NULL DEFAULT 'MERCHANT' CHECK (fulfilled_by IN ('MERCHANT', 'AMAZON')),
      safety_buffer integer CHECK (safety_buffer >= 0),
      max_quantity integer CHECK (max_quantity >= 0),
      share_percent integer CHECK (share_percent BETWEEN 0 AND 100),
      zero_below integer CHECK (zero_below >= 0),
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      desired_quantity integer CHECK (desired_quantity >= 0),
      desired_seq bigint NOT NULL DEFAULT 0,
      availability_version bigint,
      desired_at timestamptz,
      pending_since timestamptz,
      acked_quantity integer,
      acked_seq bigint NOT NULL DEFAULT 0,
      acked_version bigint,
      acked_at timestamptz,
      acked_method text,
      force_publish boolean NOT NULL DEFAULT false,
      attempt_id uuid,
      attempt_item integer,
      attempt_quantity integer,
      attempt_seq bigint,
      attempt_version bigint,
      attempt_started_at timestamptz,
      failures integer NOT NULL DEFAULT 0,
      next_attempt_at timestamptz NOT NULL DEFAULT now(),
      hold_until timestamptz,
      last_attempt_at timestamptz,
      last_error_code text,
      last_error_message text,
      last_error_at timestamptz,
      UNIQUE (channel, account_id, channel_sku))`);
    await q.query(
      `CREATE INDEX listings_pending_idx ON ${S}.listings (channel, account_id, pending_since)
         WHERE desired_seq > acked_seq OR force_publish`,
    );
    await q.query(`CREATE INDEX listings_attempt_idx ON ${S}.listings (attempt_id) WHERE attempt_id IS NOT NULL`);
    await q.query(`CREATE INDEX listings_failing_idx ON ${S}.listings (last_error_at) WHERE last_error_code IS NOT NULL`);
    await q.query(
      `CREATE INDEX listings_missing_type_idx ON ${S}.listings (channel, account_id) WHERE product_type IS NULL`,
    );

    await q.query(`CREATE TABLE ${S}.listing_components (
      listing_id uuid NOT NULL REFERENCES ${S}.listings (id) ON DELETE CASCADE,
      sku text NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      PRIMARY KEY (listing_id, sku))`);
    await q.query(`CREATE INDEX listing_components_sku_idx ON ${S}.listing_components (sku)`);

    // One PATCH batch or one feed. `checkpoint` is what the channel adapter needs to resume
    // it on any replica (a feed id); `poll_at` when to look again.
    await q.query(`CREATE TABLE ${S}.publish_attempts (
      id uuid PRIMARY KEY,
      channel text NOT NULL,
      account_id text NOT NULL,
      method text NOT NULL,
      state text NOT NULL CHECK (state IN ('sending', 'open', 'settled', 'interrupted')),
      item_count integer NOT NULL,
      applied_count integer NOT NULL DEFAULT 0,
      failed_count integer NOT NULL DEFAULT 0,
      checkpoint jsonb,
      poll_at timestamptz,
      holder text NOT NULL,
      lease_generation bigint NOT NULL,
      error text,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      settled_at timestamptz)`);
    await q.query(
      `CREATE INDEX publish_attempts_active_idx ON ${S}.publish_attempts (channel, account_id, poll_at)
         WHERE state IN ('sending', 'open')`,
    );
    await q.query(`CREATE INDEX publish_attempts_created_idx ON ${S}.publish_attempts (created_at)`);

    for (const sql of leaseTableSql(PUBLISHER_SCHEMA).up) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of leaseTableSql(PUBLISHER_SCHEMA).down) await q.query(sql);
    await q.query(`DROP TABLE ${S}.publish_attempts`);
    await q.query(`DROP TABLE ${S}.listing_components`);
    await q.query(`DROP TABLE ${S}.listings`);
    await q.query(`DROP TABLE ${S}.channel_rules`);
    await q.query(`ALTER TABLE ${S}.desired_quantities DROP COLUMN channels`);
  }
}
