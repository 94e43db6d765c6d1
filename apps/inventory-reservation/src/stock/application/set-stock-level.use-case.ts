import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { StockLedgerRepository } from '../../availability/infrastructure/stock-ledger.repository';
import { available, type StockHead } from '../../availability/domain/stock-head';
import { BundleHasNoOwnStockError, LocationNotFoundError } from '../../common/inventory.errors';
import { StockLevelsRepository } from '../infrastructure/stock-levels.repository';

export interface SetStockLevelCommand {
  sku: string;
  locationId: string;
  onHand: number;
  asOf: number;
}

export interface StockLevelResult {
  applied: boolean;
  reason?: string;
  sku: string;
  locationId: string;
  /** On-hand at this location after the request. */
  locationOnHand: number;
  onHand: number;
  reserved: number;
  available: number;
  version: number;
}

/**
 * An ERP snapshot of one SKU at one location. Applied only when its asOf is newer than
 * the last one applied there, so a delayed or replayed snapshot cannot roll stock back.
 */
@Injectable()
export class SetStockLevelUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(StockLevelsRepository) private readonly levels: StockLevelsRepository,
    @Inject(StockLedgerRepository) private readonly stock: StockLedgerRepository,
  ) {}

  async execute(command: SetStockLevelCommand): Promise<StockLevelResult> {
    const requestId = uuidv7();
    return inTransaction(this.dataSource, async (manager) => {
      if ((await this.levels.missingLocations(manager, [command.locationId])).length > 0) {
        throw new LocationNotFoundError(command.locationId);
      }
      if ((await this.levels.bundlesAmong(manager, [command.sku])).size > 0) {
        throw new BundleHasNoOwnStockError(command.sku);
      }
      const heads = await this.stock.lockHeads(manager, [command.sku]);
      const applied = await this.levels.applySnapshots(manager, [command]);
      let head: StockHead = StockLedgerRepository.headOf(heads, command.sku);
      if (applied.length > 0) {
        const changed = await this.stock.applyChanges(manager, heads, [
          { sku: command.sku, levelsChanged: true, cause: { correlationId: requestId } },
        ]);
        head = changed[0] ?? head;
      }
      return {
        applied: applied.length > 0,
        ...(applied.length > 0 ? {} : { reason: 'a snapshot with the same or a newer asOf was already applied' }),
        sku: command.sku,
        locationId: command.locationId,
        locationOnHand: await this.levels.levelOf(manager, command.sku, command.locationId),
        onHand: head.onHand,
        reserved: head.reserved,
        available: available(head),
        version: head.version,
      };
    });
  }
}
