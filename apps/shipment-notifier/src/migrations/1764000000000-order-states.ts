import { messagingTablesSql } from '@holdfast/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../config/notifier.config';

const S = `"${NOTIFIER_SCHEMA}"`;

export class OrderStates1764000000000 implements MigrationInterface {
  name = 'OrderStates1764000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesSql(NOTIFIER_SCHEMA).up) await q.query(sql);
    await q.query(`CREATE TABLE ${S}.order_states (
      channel text NOT NULL, account_id text NOT NULL, order_id text NOT NULL,
      marketplace_id text, status text NOT NULL, fulfilled_by text NOT NULL,
      revision bigint NOT NULL, lines jsonb NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, account_id, order_id))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${S}.order_states`);
    for (const sql of messagingTablesSql(NOTIFIER_SCHEMA).down) await q.query(sql);
  }
}
