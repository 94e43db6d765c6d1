import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INGEST_SCHEMA } from '../config/ingest.config';

const S = `"${INGEST_SCHEMA}"`;

/**
 * Web shop intake: the webhook deliveries already processed (their dedupe key is written in the
 * same transaction as the order change and its outbox event, so a replayed delivery finds it and
 * changes nothing), and each shop's reconciliation checkpoint and health.
 */
export class ShopIntake1764200000000 implements MigrationInterface {
  name = 'ShopIntake1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ${S}.webhook_deliveries (
      channel text NOT NULL,
      account_id text NOT NULL,
      dedupe_key text NOT NULL,
      topic text NOT NULL,
      order_id text,
      outcome text NOT NULL,
      received_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, account_id, dedupe_key)
    )`);
    await q.query(`CREATE INDEX webhook_deliveries_received_idx ON ${S}.webhook_deliveries (received_at)`);

    await q.query(`CREATE TABLE ${S}.shop_reconcile_state (
      channel text NOT NULL,
      account_id text NOT NULL,
      checkpoint timestamptz,
      last_run_started_at timestamptz,
      last_run_succeeded_at timestamptz,
      last_run_failed_at timestamptz,
      last_error text,
      runs_succeeded bigint NOT NULL DEFAULT 0,
      runs_failed bigint NOT NULL DEFAULT 0,
      orders_seen bigint NOT NULL DEFAULT 0,
      orders_recovered bigint NOT NULL DEFAULT 0,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, account_id)
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${S}.shop_reconcile_state`);
    await q.query(`DROP TABLE ${S}.webhook_deliveries`);
  }
}
