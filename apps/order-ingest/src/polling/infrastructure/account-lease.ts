import { LeaseKeeper, type HeldLease } from '@holdfast/persistence';
import { DomainError } from '@holdfast/platform';
import type { DataSource, EntityManager } from 'typeorm';
import { INGEST_SCHEMA } from '../../config/ingest.config';

export class LeaseLostError extends DomainError {
  readonly code = 'lease.lost';
  readonly kind = 'conflict';

  constructor(resource: string) {
    super(`The lease on ${resource} is held by another replica now.`);
  }
}

/** The lease resource of an account's Amazon calls. */
export const accountLeaseResource = (accountId: string) => `amazon-orders:${accountId}`;

/**
 * One replica per account: LeaseKeeper in Postgres, plus a fence for the writes done
 * under it. The fence locks the lease row FOR SHARE inside the writing transaction, so a
 * takeover (an UPDATE of that row) waits for the write, and a write after a takeover
 * fails instead of committing work of a deposed holder.
 */
export class AccountLeases {
  private readonly keeper: LeaseKeeper;

  constructor(
    dataSource: DataSource,
    readonly holder: string,
    readonly ttlMs: number,
  ) {
    this.keeper = new LeaseKeeper(dataSource, INGEST_SCHEMA, holder, ttlMs);
  }

  acquire(accountId: string): Promise<HeldLease | null> {
    return this.keeper.acquire(accountLeaseResource(accountId));
  }

  release(accountId: string): Promise<void> {
    return this.keeper.release(accountLeaseResource(accountId));
  }

  holderOf(accountId: string): Promise<string | null> {
    return this.keeper.holderOf(accountLeaseResource(accountId));
  }

  fence(lease: HeldLease): (m: EntityManager) => Promise<void> {
    return async (m) => {
      const rows = await m.query<unknown[]>(
        `SELECT 1 FROM "${INGEST_SCHEMA}".leases WHERE resource = $1 AND holder = $2 AND generation = $3 FOR SHARE`,
        [lease.resource, this.holder, lease.generation],
      );
      if (rows.length === 0) throw new LeaseLostError(lease.resource);
    };
  }
}
