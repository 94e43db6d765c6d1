import { Module } from '@nestjs/common';
import { OutboxWriter } from './infrastructure/outbox-writer';
import { StockLedgerRepository } from './infrastructure/stock-ledger.repository';

/** The SKU heads and the events every change of them owes: shared by every writer. */
@Module({
  providers: [OutboxWriter, StockLedgerRepository],
  exports: [OutboxWriter, StockLedgerRepository],
})
export class AvailabilityModule {}
