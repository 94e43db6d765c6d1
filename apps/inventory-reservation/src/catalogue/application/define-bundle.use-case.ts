import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { StockLedgerRepository } from '../../availability/infrastructure/stock-ledger.repository';
import { InvalidBundleError } from '../../common/inventory.errors';
import { CatalogueRepository, type BundleDefinition } from '../infrastructure/catalogue.repository';

/**
 * Defines (or redefines) a bundle: a sellable SKU made of several internal SKUs. Order
 * lines of a bundle reserve its components; its availability is the minimum over them
 * and is published under the bundle's SKU. A redefinition applies to order events
 * received from now on; reservations already made keep their components until their
 * order changes.
 */
@Injectable()
export class DefineBundleUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CatalogueRepository) private readonly catalogue: CatalogueRepository,
    @Inject(StockLedgerRepository) private readonly stock: StockLedgerRepository,
  ) {}

  async execute(bundle: BundleDefinition): Promise<BundleDefinition> {
    const skus = bundle.components.map((c) => c.sku);
    if (new Set(skus).size !== skus.length) throw new InvalidBundleError('A component appears twice.');
    if (skus.includes(bundle.bundleSku)) throw new InvalidBundleError('A bundle cannot contain itself.');
    return inTransaction(this.dataSource, async (manager) => {
      const nested = await this.catalogue.isBundle(manager, skus);
      if (nested.length > 0) {
        throw new InvalidBundleError(`Components cannot be bundles themselves: ${nested.join(', ')}.`);
      }
      if (await this.catalogue.hasOwnStock(manager, bundle.bundleSku)) {
        throw new InvalidBundleError(
          `"${bundle.bundleSku}" holds stock or reservations of its own as a plain SKU; a bundle has only its components' stock.`,
        );
      }
      // Service-wide lock order: SKU heads (the components), then the bundle row.
      await this.stock.lockHeads(manager, skus);
      await this.catalogue.lockBundle(manager, bundle.bundleSku);
      await this.catalogue.replaceComponents(manager, bundle);
      await this.stock.refreshBundles(manager, { bundleSkus: [bundle.bundleSku] }, { correlationId: uuidv7() });
      return { bundleSku: bundle.bundleSku, components: [...bundle.components].sort((a, b) => (a.sku < b.sku ? -1 : 1)) };
    });
  }
}
