import { RoutingKeys, type AvailabilityChangedPayload } from '@holdfast/contracts';
import { HoldfastBatchContext } from '@holdfast/messaging';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { RecordAvailabilityUseCase } from '../application/record-availability.use-case';

/**
 * Consumes availability changes from queue `<ns>.availability-publisher.availability`.
 *
 * A batch handler: the transport hands over every message the consumer holds (up to
 * AMQP_PREFETCH) with one transaction for all of them and their inbox rows, so a wave of
 * changes costs one transaction per batch, not per event. If a batch fails, the transport
 * applies its messages one by one, so a bad message is retried or dead-lettered alone.
 */
@Controller()
export class AvailabilityEventsMessageController {
  constructor(
    @Inject(RecordAvailabilityUseCase) private readonly recordAvailability: RecordAvailabilityUseCase,
  ) {}

  @EventPattern(RoutingKeys.availabilityChanged, { queue: 'availability', batch: true })
  async onAvailabilityChanged(
    @Payload() payloads: AvailabilityChangedPayload[],
    @Ctx() ctx: HoldfastBatchContext<EntityManager>,
  ): Promise<void> {
    await this.recordAvailability.executeBatch(ctx.transaction, payloads);
  }
}
