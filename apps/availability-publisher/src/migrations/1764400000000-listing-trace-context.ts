import type { MigrationInterface, QueryRunner } from 'typeorm';
import { PUBLISHER_SCHEMA } from '../config/publisher.config';

const S = `"${PUBLISHER_SCHEMA}"`;

/**
 * The trace context (W3C `traceparent`/`tracestate`, as a JSON carrier) of the change that
 * set each listing's desired quantity, and of the quantity an attempt carries. A listing
 * is published later, from the scheduler, after coalescing: without these the channel call
 * would start a trace of its own instead of ending the order's.
 */
export class ListingTraceContext1764400000000 implements MigrationInterface {
  name = 'ListingTraceContext1764400000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ${S}.listings ADD COLUMN desired_trace jsonb, ADD COLUMN attempt_trace jsonb`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE ${S}.listings DROP COLUMN desired_trace, DROP COLUMN attempt_trace`);
  }
}
