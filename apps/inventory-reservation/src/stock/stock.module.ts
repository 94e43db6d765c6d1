import { Module } from '@nestjs/common';
import { AvailabilityModule } from '../availability/availability.module';
import { INVENTORY_ENV, loadInventoryEnv } from '../config/inventory.config';
import { StockHttpController } from './api/stock.http.controller';
import { AdjustStockUseCase } from './application/adjust-stock.use-case';
import { ImportStockFileUseCase } from './application/import-stock-file.use-case';
import { SetStockLevelUseCase } from './application/set-stock-level.use-case';
import { StockLevelsRepository } from './infrastructure/stock-levels.repository';

/** Stock input from the ERP. */
@Module({
  imports: [AvailabilityModule],
  controllers: [StockHttpController],
  providers: [
    { provide: INVENTORY_ENV, useFactory: () => loadInventoryEnv() },
    SetStockLevelUseCase,
    AdjustStockUseCase,
    ImportStockFileUseCase,
    StockLevelsRepository,
  ],
})
export class StockModule {}
