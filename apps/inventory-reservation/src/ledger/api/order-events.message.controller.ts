import {
  ORDER_ROUTING_KEYS,
  RoutingKeys,
  type OrderEventPayload,
  type ShipmentConfirmedPayload,
} from '@holdfast/contracts';
import { HoldfastContext } from '@holdfast/messaging';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { ApplyLedgerEventsUseCase, type LedgerCause } from '../application/apply-ledger-events.use-case';

function causeOf(ctx: HoldfastContext): LedgerCause {
  return { type: ctx.envelope.type, messageId: ctx.envelope.messageId, correlationId: ctx.envelope.correlationId };
}

/**
 * Order and shipment events into the ledger. Queue names are wire names
 * (`<ns>.inventory-reservation.orders`, `….shipments`): renaming one strands its messages.
 *
 * Each message is applied in the transaction the transport's inbox opened for it. The
 * use case takes any number of events at once; when the transport offers batches, these
 * handlers pass a whole batch in one call (see the README).
 */
@Controller()
export class OrderEventsMessageController {
  constructor(@Inject(ApplyLedgerEventsUseCase) private readonly ledger: ApplyLedgerEventsUseCase) {}

  @EventPattern([...ORDER_ROUTING_KEYS], { queue: 'orders' })
  async onOrderEvent(
    @Payload() payload: OrderEventPayload,
    @Ctx() ctx: HoldfastContext<EntityManager>,
  ): Promise<void> {
    await this.ledger.execute(ctx.transaction, [{ kind: 'order', order: payload.order, cause: causeOf(ctx) }]);
  }

  @EventPattern(RoutingKeys.shipmentConfirmed, { queue: 'shipments' })
  async onShipmentConfirmed(
    @Payload() payload: ShipmentConfirmedPayload,
    @Ctx() ctx: HoldfastContext<EntityManager>,
  ): Promise<void> {
    await this.ledger.execute(ctx.transaction, [{ kind: 'shipment', shipment: payload, cause: causeOf(ctx) }]);
  }
}
