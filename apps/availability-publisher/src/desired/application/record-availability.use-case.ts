import type { AvailabilityChangedPayload } from '@holdfast/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DesiredQuantityRefresher } from '../../listings/application/desired-quantity.refresher';
import { DesiredQuantityRepository } from '../infrastructure/desired-quantity.repository';

/**
 * Takes `availability.changed` events in: records each if it is newer than what is stored (a
 * reordered or replayed one changes nothing), then recomputes the desired quantity of every
 * listing selling the SKUs, alone or in a bundle, in the consumer's transaction.
 */
@Injectable()
export class RecordAvailabilityUseCase {
  constructor(
    @Inject(DesiredQuantityRepository) private readonly availability: DesiredQuantityRepository,
    @Inject(DesiredQuantityRefresher) private readonly refresher: DesiredQuantityRefresher,
  ) {}

  /**
   * Changes in one transaction (a batch the consumer held): only the newest of each SKU
   * can win, so the older ones are not even written; every SKU that changed is refreshed once.
   * Returns the SKUs recorded.
   */
  async executeBatch(
    manager: EntityManager,
    changes: readonly AvailabilityChangedPayload[],
  ): Promise<string[]> {
    const newest = new Map<string, AvailabilityChangedPayload>();
    for (const change of changes) {
      const seen = newest.get(change.sku);
      if (!seen || change.version > seen.version) newest.set(change.sku, change);
    }
    const recorded: string[] = [];
    for (const change of newest.values())
      if (await this.availability.recordIfNewer(manager, change)) recorded.push(change.sku);
    if (recorded.length > 0) await this.refresher.refreshForSkus(manager, recorded);
    return recorded;
  }
}
