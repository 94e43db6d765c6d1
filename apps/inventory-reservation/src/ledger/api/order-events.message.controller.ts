import {
  ORDER_ROUTING_KEYS,
  RoutingKeys,
  type OrderEventPayload,
  type ShipmentConfirmedPayload,
} from '@holdfast/contracts';
import { HoldfastBatchContext, type DeliveryInfo } from '@holdfast/messaging';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { ApplyLedgerEventsUseCase, type LedgerCause } from '../application/apply-ledger-events.use-case';

function causeOf(delivery: DeliveryInfo): LedgerCause {
  const { envelope } = delivery;
  return { type: envelope.type, messageId: envelope.messageId, correlationId: envelope.correlationId };
}

/**
 * Order and shipment events into the ledger. Queue names are wire names
 * (`<ns>.inventory-reservation.orders`, `….shipments`): renaming one strands its messages.
 *
 * Batch handlers: the transport hands over every message the consumer holds (up to
 * AMQP_PREFETCH) with one transaction for all of them and their inbox rows, so a backlog
 * costs one transaction per batch, not per message. If a batch fails, the transport
 * applies its messages one by one, so a bad message is retried or dead-lettered alone.
 */
@Controller()
export class OrderEventsMessageController {
  constructor(@Inject(ApplyLedgerEventsUseCase) private readonly ledger: ApplyLedgerEventsUseCase) {}

  @EventPattern([...ORDER_ROUTING_KEYS], { queue: 'orders', batch: true })
  async onOrderEvents(
    @Payload() payloads: OrderEventPayload[],
    @Ctx() ctx: HoldfastBatchContext<EntityManager>,
  ): Promise<void> {
    await this.ledger.execute(
      ctx.transaction,
      payloads.map((payload, i) => ({
        kind: 'order',
        order: payload.order,
        cause: causeOf(ctx.deliveries[i]),
      })),
    );
  }

  @EventPattern(RoutingKeys.shipmentConfirmed, { queue: 'shipments', batch: true })
  async onShipmentsConfirmed(
    @Payload() payloads: ShipmentConfirmedPayload[],
    @Ctx() ctx: HoldfastBatchContext<EntityManager>,
  ): Promise<void> {
    await this.ledger.execute(
      ctx.transaction,
      payloads.map((shipment, i) => ({ kind: 'shipment', shipment, cause: causeOf(ctx.deliveries[i]) })),
    );
  }
}
