import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** Where the admin connection for test databases points. Same variable the services use. */
export function adminDatabaseUrl(): string {
  return process.env['TEST_ADMIN_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/postgres';
}

export function uniqueSuffix(): string {
  return `${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
}

/**
 * A database of its own for one test suite, so suites can run in any order and in
 * parallel. `drop()` terminates leftover connections (a killed service's) first.
 */
export class TestDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
  ) {}

  static async create(prefix: string): Promise<TestDatabase> {
    const name = `hf_${prefix.replace(/[^a-z0-9_]/gi, '_').toLowerCase()}_${uniqueSuffix()}`.slice(0, 63);
    const admin = new Client({ connectionString: adminDatabaseUrl() });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${name}"`);
    } finally {
      await admin.end();
    }
    const url = new URL(adminDatabaseUrl());
    url.pathname = `/${name}`;
    return new TestDatabase(name, url.toString());
  }

  async query<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }

  async drop(): Promise<void> {
    const admin = new Client({ connectionString: adminDatabaseUrl() });
    await admin.connect();
    try {
      await admin.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [
        this.name,
      ]);
      await admin.query(`DROP DATABASE IF EXISTS "${this.name}"`);
    } finally {
      await admin.end();
    }
  }
}
