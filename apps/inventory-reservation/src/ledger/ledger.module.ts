import { Module } from '@nestjs/common';
import { OrderEventsMessageController } from './api/order-events.message.controller';
import { StockHttpController } from './api/stock.http.controller';
import { ApplyOrderSnapshotUseCase } from './application/apply-order-snapshot.use-case';
import { ReservationLedgerRepository } from './infrastructure/reservation-ledger.repository';

@Module({
  controllers: [OrderEventsMessageController, StockHttpController],
  providers: [ApplyOrderSnapshotUseCase, ReservationLedgerRepository],
})
export class LedgerModule {}
