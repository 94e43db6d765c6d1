import { messagingTablesSql } from '@holdfast/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PUBLISHER_SCHEMA } from '../config/publisher.config';

const S = `"${PUBLISHER_SCHEMA}"`;

export class DesiredQuantities1764000000000 implements MigrationInterface {
  name = 'DesiredQuantities1764000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesSql(PUBLISHER_SCHEMA).up) await q.query(sql);
    await q.query(`CREATE TABLE ${S}.desired_quantities (
      sku text PRIMARY KEY,
      available integer NOT NULL,
      on_hand integer NOT NULL,
      reserved integer NOT NULL,
      version integer NOT NULL,
      updated_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${S}.desired_quantities`);
    for (const sql of messagingTablesSql(PUBLISHER_SCHEMA).down) await q.query(sql);
  }
}
