import type { DataSource } from 'typeorm';
import { assertSchemaName } from './data-source-options';
import { queryRows } from './transactions';

/** SQL for a service's `leases` table (call it from a migration). */
export function leaseTableSql(schema: string): { up: string[]; down: string[] } {
  const s = `"${assertSchemaName(schema)}"`;
  return {
    up: [
      `CREATE TABLE ${s}.leases (
        resource text PRIMARY KEY,
        holder text NOT NULL,
        generation bigint NOT NULL DEFAULT 1,
        expires_at timestamptz NOT NULL,
        acquired_at timestamptz NOT NULL DEFAULT now())`,
    ],
    down: [`DROP TABLE ${s}.leases`],
  };
}

export interface HeldLease {
  resource: string;
  /** Bumped on every takeover: a fencing token for work done under the lease. */
  generation: number;
  expiresAt: Date;
}

/**
 * Leases in Postgres with expiry and takeover: "exactly one replica polls a given account
 * at a time". The holder renews before expiry; a crashed holder's lease expires and any
 * replica takes it over. Time is the database's (`now()`), never the replicas' clocks.
 */
export class LeaseKeeper {
  private readonly table: string;

  constructor(
    private readonly dataSource: DataSource,
    schema: string,
    /** Unique per process (hostname + pid + random). */
    readonly holder: string,
    readonly ttlMs: number,
  ) {
    this.table = `"${assertSchemaName(schema)}".leases`;
  }

  /** Takes or renews the lease; null when another live holder has it. */
  async acquire(resource: string): Promise<HeldLease | null> {
    const rows = await queryRows<{ generation: string; expires_at: Date }>(
      this.dataSource.manager,
      `INSERT INTO ${this.table} AS l (resource, holder, expires_at)
       VALUES ($1, $2, now() + ($3::int * interval '1 millisecond'))
       ON CONFLICT (resource) DO UPDATE
         SET holder = EXCLUDED.holder, expires_at = EXCLUDED.expires_at,
             generation = CASE WHEN l.holder = EXCLUDED.holder THEN l.generation ELSE l.generation + 1 END,
             acquired_at = CASE WHEN l.holder = EXCLUDED.holder THEN l.acquired_at ELSE now() END
         WHERE l.holder = EXCLUDED.holder OR l.expires_at < now()
       RETURNING generation, expires_at`,
      [resource, this.holder, this.ttlMs],
    );
    const row = rows[0];
    return row ? { resource, generation: Number(row.generation), expiresAt: row.expires_at } : null;
  }

  /** Lets another replica take it at once (graceful shutdown). */
  async release(resource: string): Promise<void> {
    await this.dataSource.query(
      `UPDATE ${this.table} SET expires_at = now() - interval '1 second' WHERE resource = $1 AND holder = $2`,
      [resource, this.holder],
    );
  }

  async holderOf(resource: string): Promise<string | null> {
    const rows = await this.dataSource.query<{ holder: string }[]>(
      `SELECT holder FROM ${this.table} WHERE resource = $1 AND expires_at > now()`,
      [resource],
    );
    return rows[0]?.holder ?? null;
  }
}
