import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { v7 as uuidv7 } from 'uuid';
import { DataSource } from 'typeorm';
import { sortedSkus, StockLedgerRepository } from '../../availability/infrastructure/stock-ledger.repository';
import { StockImportRejectedError } from '../../common/inventory.errors';
import { DEFAULT_LOCATION_ID, INVENTORY_ENV, type InventoryEnv } from '../../config/inventory.config';
import { parseStockFile, type StockFileFormat } from '../domain/stock-file';
import { StockLevelsRepository } from '../infrastructure/stock-levels.repository';

export interface ImportStockFileCommand {
  format: StockFileFormat;
  lines: AsyncIterable<string>;
  /** asOf for rows that carry none. */
  asOf: number | null;
}

export interface StockImportResult {
  importId: string;
  rows: number;
  /** Rows whose snapshot was newer than the stored one. */
  appliedRows: number;
  /** Rows ignored because a newer snapshot was already applied. */
  staleRows: number;
  /** SKUs whose availability changed (one availability.changed each). */
  changedSkus: number;
}

/**
 * A full stock file from the ERP (100,000 rows and more), read as a stream and checked
 * row by row before anything is written. A file with any bad row is rejected whole,
 * naming every bad line; a good one is applied in a single transaction, set-based, with
 * the usual asOf rule per row, so a reader never sees half a file.
 */
@Injectable()
export class ImportStockFileUseCase {
  private readonly logger = new Logger(ImportStockFileUseCase.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(StockLevelsRepository) private readonly levels: StockLevelsRepository,
    @Inject(StockLedgerRepository) private readonly stock: StockLedgerRepository,
    @Inject(INVENTORY_ENV) private readonly env: InventoryEnv,
  ) {}

  async execute(command: ImportStockFileCommand): Promise<StockImportResult> {
    const importId = uuidv7();
    const receivedAt = new Date();
    const file = await parseStockFile(command.lines, command.format, {
      defaultLocationId: DEFAULT_LOCATION_ID,
      defaultAsOf: command.asOf,
      maxRows: this.env.STOCK_IMPORT_MAX_ROWS,
      maxReportedErrors: this.env.STOCK_IMPORT_MAX_REPORTED_ERRORS,
    });

    // Rows that parse but name what the ledger refuses are bad rows too.
    const report = (line: number, reason: string) => {
      file.errorCount++;
      if (file.errors.length < this.env.STOCK_IMPORT_MAX_REPORTED_ERRORS) file.errors.push({ line, reason });
    };
    const missing = new Set(await this.levels.missingLocations(this.dataSource.manager, file.rows.map((r) => r.locationId)));
    const bundles = await this.levels.bundlesAmong(this.dataSource.manager, file.rows.map((r) => r.sku));
    for (const row of file.rows) {
      if (missing.has(row.locationId)) report(row.line, `unknown location "${row.locationId}"`);
      if (bundles.has(row.sku)) report(row.line, `"${row.sku}" is a bundle: send its components' stock`);
    }

    if (file.errorCount > 0) {
      file.errors.sort((a, b) => a.line - b.line);
      await this.levels.recordImport(this.dataSource.manager, {
        importId,
        format: command.format,
        status: 'rejected',
        rowCount: file.rowCount,
        errorCount: file.errorCount,
        appliedRows: 0,
        staleRows: 0,
        changedSkus: 0,
        receivedAt,
      });
      this.logger.warn(`stock import ${importId} rejected: ${file.errorCount} bad row(s) of ${file.rowCount}`);
      throw new StockImportRejectedError({
        importId,
        rows: file.rowCount,
        errorCount: file.errorCount,
        errors: file.errors,
        truncated: file.errors.length < file.errorCount,
      });
    }

    const result = await inTransaction(this.dataSource, async (manager) => {
      const heads = await this.stock.lockHeads(manager, file.rows.map((r) => r.sku));
      const applied = await this.levels.applySnapshots(manager, file.rows);
      const changed = await this.stock.applyChanges(
        manager,
        heads,
        sortedSkus(applied.map((a) => a.sku)).map((sku) => ({
          sku,
          levelsChanged: true,
          cause: { correlationId: importId },
        })),
      );
      const outcome: StockImportResult = {
        importId,
        rows: file.rowCount,
        appliedRows: applied.length,
        staleRows: file.rowCount - applied.length,
        changedSkus: changed.length,
      };
      await this.levels.recordImport(manager, {
        ...outcome,
        format: command.format,
        status: 'applied',
        rowCount: file.rowCount,
        errorCount: 0,
        receivedAt,
      });
      return outcome;
    });
    this.logger.log(
      `stock import ${importId}: ${result.rows} rows, ${result.appliedRows} applied, ${result.staleRows} stale, ${result.changedSkus} SKUs changed`,
    );
    return result;
  }
}
