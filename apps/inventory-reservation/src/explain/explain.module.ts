import { Module } from '@nestjs/common';
import { AvailabilityHttpController } from './api/availability.http.controller';
import { OrderReservationsHttpController } from './api/order-reservations.http.controller';
import { ExplainAvailabilityQuery } from './application/explain-availability.query';
import { OrderReservationsQuery } from './application/order-reservations.query';
import { OversoldSkusQuery } from './application/oversold-skus.query';
import { LedgerReadRepository } from './infrastructure/ledger-read.repository';

/** The ledger's read side: explained availability, oversold SKUs, order histories. */
@Module({
  controllers: [AvailabilityHttpController, OrderReservationsHttpController],
  providers: [LedgerReadRepository, ExplainAvailabilityQuery, OversoldSkusQuery, OrderReservationsQuery],
})
export class ExplainModule {}
