import type { AvailabilityChangedPayload } from '@holdfast/contracts';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { DesiredQuantityRefresher } from '../../listings/application/desired-quantity.refresher';
import { DesiredQuantityRepository } from '../infrastructure/desired-quantity.repository';

/**
 * Takes an `availability.changed` in: records it if it is newer than what is stored (a
 * reordered or replayed one changes nothing), then recomputes the desired quantity of every
 * listing selling the SKU, alone or in a bundle, in the consumer's transaction.
 */
@Injectable()
export class RecordAvailabilityUseCase {
  constructor(
    @Inject(DesiredQuantityRepository) private readonly availability: DesiredQuantityRepository,
    @Inject(DesiredQuantityRefresher) private readonly refresher: DesiredQuantityRefresher,
  ) {}

  async execute(manager: EntityManager, change: AvailabilityChangedPayload): Promise<'applied' | 'stale'> {
    if (!(await this.availability.recordIfNewer(manager, change))) return 'stale';
    await this.refresher.refreshForSkus(manager, [change.sku]);
    return 'applied';
  }
}
