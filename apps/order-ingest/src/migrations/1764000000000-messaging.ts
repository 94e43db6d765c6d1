import { messagingTablesSql } from '@holdfast/persistence';
import type { MigrationInterface, QueryRunner } from 'typeorm';
import { INGEST_SCHEMA } from '../config/ingest.config';

export class Messaging1764000000000 implements MigrationInterface {
  name = 'Messaging1764000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesSql(INGEST_SCHEMA).up) await q.query(sql);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesSql(INGEST_SCHEMA).down) await q.query(sql);
  }
}
