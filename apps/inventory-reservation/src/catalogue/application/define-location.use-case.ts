import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { StockLedgerRepository } from '../../availability/infrastructure/stock-ledger.repository';
import { CatalogueRepository, type Location } from '../infrastructure/catalogue.repository';

/**
 * Creates or changes a stock location. Changing which channels it serves changes every
 * channel's on-hand of the SKUs stocked there, so their heads are recomputed and each
 * publishes a new availability (one event per SKU).
 */
@Injectable()
export class DefineLocationUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CatalogueRepository) private readonly catalogue: CatalogueRepository,
    @Inject(StockLedgerRepository) private readonly stock: StockLedgerRepository,
  ) {}

  async execute(location: Location): Promise<{ location: Location; skusRepublished: number }> {
    const normalized: Location = {
      ...location,
      channels: location.channels === null ? null : [...new Set(location.channels)].sort(),
    };
    return inTransaction(this.dataSource, async (manager) => {
      const before = await this.catalogue.upsertLocation(manager, normalized);
      const servesDifferently =
        before !== undefined && JSON.stringify(before === null ? null : [...before].sort()) !== JSON.stringify(normalized.channels);
      if (!servesDifferently) return { location: normalized, skusRepublished: 0 };
      const skus = await this.catalogue.skusStockedAt(manager, normalized.locationId);
      const heads = await this.stock.lockHeads(manager, skus);
      const cause = { correlationId: uuidv7() };
      const changed = await this.stock.applyChanges(
        manager,
        heads,
        skus.map((sku) => ({ sku, levelsChanged: true, cause })),
      );
      return { location: normalized, skusRepublished: changed.length };
    });
  }
}
