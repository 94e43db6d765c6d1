import { Module } from '@nestjs/common';
import { AvailabilityModule } from '../availability/availability.module';
import { OrderEventsMessageController } from './api/order-events.message.controller';
import { ApplyLedgerEventsUseCase } from './application/apply-ledger-events.use-case';
import { ReservationLedgerRepository } from './infrastructure/reservation-ledger.repository';
import { LedgerGauges } from './ledger.metrics';

/** Reservations from order and shipment events. */
@Module({
  imports: [AvailabilityModule],
  controllers: [OrderEventsMessageController],
  providers: [ApplyLedgerEventsUseCase, ReservationLedgerRepository, LedgerGauges],
  exports: [ApplyLedgerEventsUseCase],
})
export class LedgerModule {}
