import { ORDER_ROUTING_KEYS, type OrderEventPayload } from '@holdfast/contracts';
import { HoldfastContext } from '@holdfast/messaging';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { OrderStateRepository } from '../infrastructure/order-state.repository';

@Controller()
export class OrderEventsMessageController {
  constructor(@Inject(OrderStateRepository) private readonly orders: OrderStateRepository) {}

  @EventPattern([...ORDER_ROUTING_KEYS], { queue: 'orders' })
  async onOrderEvent(
    @Payload() payload: OrderEventPayload,
    @Ctx() ctx: HoldfastContext<EntityManager>,
  ): Promise<void> {
    await this.orders.recordIfNewer(ctx.transaction, payload.order);
  }
}
