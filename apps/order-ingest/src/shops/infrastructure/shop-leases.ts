import { LeaseKeeper, type HeldLease } from '@holdfast/persistence';
import type { DataSource, EntityManager } from 'typeorm';
import { INGEST_SCHEMA } from '../../config/ingest.config';
import { LeaseLostError } from '../../polling/infrastructure/account-lease';
import { shopLeaseResource, type ShopChannel } from '../domain/shop-account';

/**
 * One replica calls a shop at a time: the same LeaseKeeper table and fence as the Amazon
 * accounts, under a resource of the shop's own. The fence locks the lease row FOR SHARE in the
 * writing transaction, so a deposed holder's page fails instead of committing.
 */
export class ShopLeases {
  private readonly keeper: LeaseKeeper;

  constructor(
    dataSource: DataSource,
    readonly holder: string,
    readonly ttlMs: number,
  ) {
    this.keeper = new LeaseKeeper(dataSource, INGEST_SCHEMA, holder, ttlMs);
  }

  acquire(channel: ShopChannel, accountId: string): Promise<HeldLease | null> {
    return this.keeper.acquire(shopLeaseResource(channel, accountId));
  }

  release(channel: ShopChannel, accountId: string): Promise<void> {
    return this.keeper.release(shopLeaseResource(channel, accountId));
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
