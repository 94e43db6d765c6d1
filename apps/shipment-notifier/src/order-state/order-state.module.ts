import { Module } from '@nestjs/common';
import { OrderEventsMessageController } from './api/order-events.message.controller';
import { OrderStateRepository } from './infrastructure/order-state.repository';

@Module({
  controllers: [OrderEventsMessageController],
  providers: [OrderStateRepository],
  exports: [OrderStateRepository],
})
export class OrderStateModule {}
