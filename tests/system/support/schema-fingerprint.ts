import { Client } from 'pg';

/** Row count and an md5 of every row of each table of one schema: what "changed nothing" is checked against. */
export type SchemaFingerprint = Record<string, string>;

/**
 * Reads fingerprints of a service's schema over one open connection (a probe suite takes
 * thousands). Tables that background work rewrites on its own clock (leases, poll state) are
 * left out by name, each with the reason next to it at the caller.
 */
export class SchemaFingerprints {
  private constructor(private readonly client: Client) {}

  static async open(url: string): Promise<SchemaFingerprints> {
    const client = new Client({ connectionString: url });
    await client.connect();
    return new SchemaFingerprints(client);
  }

  async read(schema: string, exclude: readonly string[] = []): Promise<SchemaFingerprint> {
    const tables = (
      await this.client.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables
          WHERE table_schema = $1 AND table_type = 'BASE TABLE' ORDER BY table_name`,
        [schema],
      )
    ).rows
      .map((r) => r.table_name)
      .filter((t) => !exclude.includes(t));
    if (tables.length === 0) return {};
    const sql = tables
      .map(
        (t) =>
          `SELECT '${t}' AS t, count(*)::text || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') AS h
             FROM "${schema}"."${t}" x`,
      )
      .join(' UNION ALL ');
    const rows = (await this.client.query<{ t: string; h: string }>(sql)).rows;
    return Object.fromEntries(rows.map((r) => [r.t, r.h]));
  }

  /** Reads until two reads `quietMs` apart agree: what the schema is once background work is done. */
  async settled(schema: string, exclude: readonly string[] = [], quietMs = 250, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    let last = await this.read(schema, exclude);
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, quietMs));
      const now = await this.read(schema, exclude);
      if (JSON.stringify(now) === JSON.stringify(last)) return now;
      if (Date.now() > deadline)
        throw new Error(`${schema} did not settle: ${changedTables(last, now).join(', ')} keep changing`);
      last = now;
    }
  }

  async query<T extends Record<string, unknown>>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.client.query<T>(sql, params)).rows;
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

/** The tables whose rows differ between two fingerprints. */
export function changedTables(before: SchemaFingerprint, after: SchemaFingerprint): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names].filter((t) => before[t] !== after[t]).sort();
}
