import { Module } from '@nestjs/common';
import { AvailabilityEventsMessageController } from './api/availability-events.message.controller';
import { DesiredHttpController } from './api/desired.http.controller';
import { DesiredQuantityRepository } from './infrastructure/desired-quantity.repository';

@Module({
  controllers: [AvailabilityEventsMessageController, DesiredHttpController],
  providers: [DesiredQuantityRepository],
})
export class DesiredModule {}
