import { messagingTablesSql } from '@holdfast/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INVENTORY_SCHEMA } from '../config/inventory.config';

const S = `"${INVENTORY_SCHEMA}"`;

export class Ledger1764000000000 implements MigrationInterface {
  name = 'Ledger1764000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesSql(INVENTORY_SCHEMA).up) await q.query(sql);
    await q.query(`CREATE TABLE ${S}.stock (
      sku text PRIMARY KEY,
      on_hand integer NOT NULL DEFAULT 0 CHECK (on_hand >= 0),
      reserved integer NOT NULL DEFAULT 0 CHECK (reserved >= 0),
      version integer NOT NULL DEFAULT 0,
      as_of bigint,
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE ${S}.order_revisions (
      channel text NOT NULL, account_id text NOT NULL, order_id text NOT NULL,
      revision bigint NOT NULL, status text NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, account_id, order_id))`);
    await q.query(`CREATE TABLE ${S}.reservations (
      channel text NOT NULL, account_id text NOT NULL, order_id text NOT NULL, line_id text NOT NULL,
      sku text NOT NULL REFERENCES ${S}.stock (sku),
      quantity integer NOT NULL CHECK (quantity >= 0),
      state text NOT NULL CHECK (state IN ('pending', 'committed', 'fulfilled', 'released')),
      revision bigint NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, account_id, order_id, line_id))`);
    await q.query(`CREATE INDEX reservations_active_sku_idx ON ${S}.reservations (sku) WHERE state IN ('pending', 'committed')`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${S}.reservations`);
    await q.query(`DROP TABLE ${S}.order_revisions`);
    await q.query(`DROP TABLE ${S}.stock`);
    for (const sql of messagingTablesSql(INVENTORY_SCHEMA).down) await q.query(sql);
  }
}
