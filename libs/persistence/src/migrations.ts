import type { DataSource } from 'typeorm';
import { assertSchemaName } from './data-source-options';

/**
 * Runs pending migrations of a service. The schema is created first (TypeORM keeps its
 * migrations table inside it), and a Postgres advisory lock serialises concurrent runs
 * (two replicas' start-up steps, a Job and a developer) instead of racing them.
 */
export async function runMigrations(dataSource: DataSource, schema: string): Promise<string[]> {
  assertSchemaName(schema);
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`holdfast-migrations:${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((m) => m.name);
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`holdfast-migrations:${schema}`])
      .catch(() => undefined);
    await runner.release();
  }
}

export async function revertLastMigration(dataSource: DataSource, schema: string): Promise<void> {
  const runner = dataSource.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`holdfast-migrations:${schema}`]);
    await dataSource.undoLastMigration({ transaction: 'each' });
  } finally {
    await runner
      .query('SELECT pg_advisory_unlock(hashtext($1))', [`holdfast-migrations:${schema}`])
      .catch(() => undefined);
    await runner.release();
  }
}

/**
 * The outbox and inbox tables every service has. Its first migration calls this, so
 * the tables are versioned with the service's schema like everything else.
 */
export function messagingTablesSql(schema: string): { up: string[]; down: string[] } {
  const s = `"${assertSchemaName(schema)}"`;
  return {
    up: [
      `CREATE TABLE ${s}.outbox (
        id bigserial PRIMARY KEY,
        message_id uuid NOT NULL UNIQUE,
        routing_key text NOT NULL,
        envelope jsonb NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        available_at timestamptz NOT NULL DEFAULT now(),
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        sent_at timestamptz
      )`,
      `CREATE INDEX outbox_unsent_idx ON ${s}.outbox (available_at, id) WHERE sent_at IS NULL`,
      `CREATE TABLE ${s}.inbox (
        consumer text NOT NULL,
        message_id uuid NOT NULL,
        processed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (consumer, message_id)
      )`,
    ],
    down: [`DROP TABLE ${s}.inbox`, `DROP TABLE ${s}.outbox`],
  };
}
