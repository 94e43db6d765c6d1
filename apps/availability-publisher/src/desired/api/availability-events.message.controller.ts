import { RoutingKeys, type AvailabilityChangedPayload } from '@holdfast/contracts';
import { HoldfastContext } from '@holdfast/messaging';
import { Controller, Inject } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { RecordAvailabilityUseCase } from '../application/record-availability.use-case';

/** Consumes availability changes from queue `<ns>.availability-publisher.availability`. */
@Controller()
export class AvailabilityEventsMessageController {
  constructor(@Inject(RecordAvailabilityUseCase) private readonly recordAvailability: RecordAvailabilityUseCase) {}

  @EventPattern(RoutingKeys.availabilityChanged, { queue: 'availability' })
  async onAvailabilityChanged(
    @Payload() payload: AvailabilityChangedPayload,
    @Ctx() ctx: HoldfastContext<EntityManager>,
  ): Promise<void> {
    await this.recordAvailability.execute(ctx.transaction, payload);
  }
}
