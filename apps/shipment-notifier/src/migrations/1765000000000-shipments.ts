import { leaseTableSql } from '@holdfast/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../config/notifier.config';

const S = `"${NOTIFIER_SCHEMA}"`;

/**
 * Shipments from the ERP, their packages with each package's notification state at the
 * channel, manifests, per-order package reference numbers, idempotency keys and the
 * sender's account leases.
 */
export class Shipments1765000000000 implements MigrationInterface {
  name = 'Shipments1765000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of leaseTableSql(NOTIFIER_SCHEMA).up) await q.query(sql);
    await q.query(`CREATE TABLE ${S}.manifests (
      id uuid PRIMARY KEY,
      reference text,
      carrier text,
      status text NOT NULL DEFAULT 'in_preparation' CHECK (status IN ('in_preparation', 'shipped')),
      created_at timestamptz NOT NULL DEFAULT now(),
      shipped_at timestamptz)`);
    await q.query(`CREATE TABLE ${S}.shipments (
      id uuid PRIMARY KEY,
      reference text,
      channel text NOT NULL,
      account_id text NOT NULL,
      order_id text NOT NULL,
      marketplace_id text,
      manifest_id uuid REFERENCES ${S}.manifests (id),
      lines jsonb NOT NULL,
      released_at timestamptz,
      voided_at timestamptz,
      confirmed_event_at timestamptz,
      created_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE INDEX shipments_order_idx ON ${S}.shipments (channel, account_id, order_id)`);
    await q.query(`CREATE INDEX shipments_manifest_idx ON ${S}.shipments (manifest_id) WHERE manifest_id IS NOT NULL`);
    await q.query(`CREATE TABLE ${S}.shipment_packages (
      shipment_id uuid NOT NULL REFERENCES ${S}.shipments (id),
      package_no int NOT NULL,
      channel text NOT NULL,
      account_id text NOT NULL,
      order_id text NOT NULL,
      package_reference_id text NOT NULL,
      carrier text NOT NULL,
      tracking_number text NOT NULL,
      ship_date timestamptz NOT NULL,
      shipping_method text,
      items jsonb NOT NULL,
      state text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'confirmed', 'failed', 'held')),
      outcome_unknown boolean NOT NULL DEFAULT false,
      attempts int NOT NULL DEFAULT 0,
      next_attempt_at timestamptz,
      attempt_started_at timestamptz,
      channel_carrier_code text,
      channel_carrier_name text,
      last_error_code text,
      last_error_message text,
      last_error_at timestamptz,
      confirmed_at timestamptz,
      confirmed_by text CHECK (confirmed_by IN ('response', 'reconciliation')),
      verification text NOT NULL DEFAULT 'none' CHECK (verification IN ('none', 'pending', 'applied', 'not_applied')),
      verify_at timestamptz,
      verified_at timestamptz,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (shipment_id, package_no),
      UNIQUE (channel, account_id, order_id, package_reference_id))`);
    await q.query(`CREATE INDEX shipment_packages_due_idx ON ${S}.shipment_packages (channel, account_id, next_attempt_at)
      WHERE state IN ('pending', 'sent')`);
    await q.query(`CREATE INDEX shipment_packages_verify_idx ON ${S}.shipment_packages (channel, account_id, verify_at)
      WHERE verification = 'pending'`);
    await q.query(`CREATE TABLE ${S}.package_reference_sequences (
      channel text NOT NULL, account_id text NOT NULL, order_id text NOT NULL,
      last_value bigint NOT NULL,
      PRIMARY KEY (channel, account_id, order_id))`);
    await q.query(`CREATE TABLE ${S}.idempotency_keys (
      principal text NOT NULL,
      key text NOT NULL,
      operation text NOT NULL,
      request_hash text NOT NULL,
      response_status int NOT NULL,
      response_body jsonb NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (principal, key))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${S}.idempotency_keys`);
    await q.query(`DROP TABLE ${S}.package_reference_sequences`);
    await q.query(`DROP TABLE ${S}.shipment_packages`);
    await q.query(`DROP TABLE ${S}.shipments`);
    await q.query(`DROP TABLE ${S}.manifests`);
    for (const sql of leaseTableSql(NOTIFIER_SCHEMA).down) await q.query(sql);
  }
}
