import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { StockLedgerRepository } from '../../availability/infrastructure/stock-ledger.repository';
import { available } from '../../availability/domain/stock-head';
import {
  BundleHasNoOwnStockError,
  IdempotencyKeyReusedError,
  LocationNotFoundError,
} from '../../common/inventory.errors';
import { StockLevelsRepository } from '../infrastructure/stock-levels.repository';

export interface AdjustStockCommand {
  idempotencyKey: string;
  sku: string;
  locationId: string;
  delta: number;
  reason: string | null;
}

export interface AdjustmentResult {
  idempotencyKey: string;
  /** False when the key was seen before: this answer repeats the first one, nothing changed. */
  applied: boolean;
  sku: string;
  locationId: string;
  delta: number;
  /** What on-hand really moved: less than asked when it would have gone below zero. */
  appliedDelta: number;
  locationOnHand: number;
  appliedAt: string;
  /** The SKU's figures now (absent on a repeated request). */
  stock?: { onHand: number; reserved: number; available: number; version: number };
}

/**
 * A relative stock movement from the ERP (a count correction, a delivery, breakage). The
 * idempotency key makes a retried request harmless: the key is claimed in the same
 * transaction as the movement, so the movement happens once whatever the retries.
 */
@Injectable()
export class AdjustStockUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(StockLevelsRepository) private readonly levels: StockLevelsRepository,
    @Inject(StockLedgerRepository) private readonly stock: StockLedgerRepository,
  ) {}

  async execute(command: AdjustStockCommand): Promise<AdjustmentResult> {
    const requestHash = createHash('sha256')
      .update(JSON.stringify([command.sku, command.locationId, command.delta, command.reason]))
      .digest('hex');
    return inTransaction(this.dataSource, async (manager) => {
      const previous = await this.levels.claimAdjustment(manager, { ...command, requestHash });
      if (previous) {
        if (previous.requestHash !== requestHash) throw new IdempotencyKeyReusedError(command.idempotencyKey);
        return {
          idempotencyKey: previous.idempotencyKey,
          applied: false,
          sku: previous.sku,
          locationId: previous.locationId,
          delta: previous.delta,
          appliedDelta: previous.appliedDelta,
          locationOnHand: previous.onHandAfter,
          appliedAt: previous.appliedAt.toISOString(),
        };
      }
      if ((await this.levels.missingLocations(manager, [command.locationId])).length > 0) {
        throw new LocationNotFoundError(command.locationId);
      }
      if ((await this.levels.bundlesAmong(manager, [command.sku])).size > 0) {
        throw new BundleHasNoOwnStockError(command.sku);
      }
      const heads = await this.stock.lockHeads(manager, [command.sku]);
      const { before, after } = await this.levels.addToLevel(manager, command.sku, command.locationId, command.delta);
      await this.levels.completeAdjustment(manager, command.idempotencyKey, after - before, after);
      const changed = await this.stock.applyChanges(manager, heads, [
        { sku: command.sku, levelsChanged: true, cause: { correlationId: uuidv7() } },
      ]);
      const head = changed[0] ?? StockLedgerRepository.headOf(heads, command.sku);
      return {
        idempotencyKey: command.idempotencyKey,
        applied: true,
        sku: command.sku,
        locationId: command.locationId,
        delta: command.delta,
        appliedDelta: after - before,
        locationOnHand: after,
        appliedAt: new Date().toISOString(),
        stock: { onHand: head.onHand, reserved: head.reserved, available: available(head), version: head.version },
      };
    });
  }
}
