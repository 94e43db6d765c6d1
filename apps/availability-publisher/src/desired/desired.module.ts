import { Module } from '@nestjs/common';
import { ListingsModule } from '../listings/listings.module';
import { AvailabilityEventsMessageController } from './api/availability-events.message.controller';
import { DesiredHttpController } from './api/desired.http.controller';
import { RecordAvailabilityUseCase } from './application/record-availability.use-case';
import { DesiredQuantityRepository } from './infrastructure/desired-quantity.repository';

@Module({
  imports: [ListingsModule],
  controllers: [AvailabilityEventsMessageController, DesiredHttpController],
  providers: [DesiredQuantityRepository, RecordAvailabilityUseCase],
})
export class DesiredModule {}
