import { ORDER_ROUTING_KEYS, type OrderEventPayload } from '@holdfast/contracts';
import { HoldfastContext } from '@holdfast/messaging';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { ApplyOrderSnapshotUseCase } from '../application/apply-order-snapshot.use-case';

/** Consumes every order event from queue `<ns>.inventory-reservation.orders`. */
@Controller()
export class OrderEventsMessageController {
  constructor(@Inject(ApplyOrderSnapshotUseCase) private readonly applyOrder: ApplyOrderSnapshotUseCase) {}

  @EventPattern([...ORDER_ROUTING_KEYS], { queue: 'orders' })
  async onOrderEvent(@Payload() payload: OrderEventPayload, @Ctx() ctx: HoldfastContext<EntityManager>): Promise<void> {
    await this.applyOrder.execute(ctx.transaction, payload.order, ctx.envelope);
  }
}
