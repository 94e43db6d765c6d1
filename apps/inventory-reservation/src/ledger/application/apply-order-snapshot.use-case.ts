import type { Envelope, OrderSnapshot } from '@holdfast/contracts';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { planReservations } from '../domain/reservation-plan';
import { ReservationLedgerRepository } from '../infrastructure/reservation-ledger.repository';

export type ApplyOutcome = 'applied' | 'stale';

/**
 * Applies an order event to the ledger. Every order event carries the whole snapshot,
 * so the use case does not care which event it was: it converges on the newest
 * revision, whatever order and however often the events arrive.
 */
@Injectable()
export class ApplyOrderSnapshotUseCase {
  private readonly logger = new Logger(ApplyOrderSnapshotUseCase.name);

  constructor(@Inject(ReservationLedgerRepository) private readonly ledger: ReservationLedgerRepository) {}

  async execute(manager: EntityManager, order: OrderSnapshot, envelope: Envelope): Promise<ApplyOutcome> {
    if (!(await this.ledger.advanceRevision(manager, order))) {
      this.logger.debug(`stale ${envelope.type} for ${order.channel}/${order.orderId} (revision ${order.revision})`);
      return 'stale';
    }
    const plan = planReservations(order);
    const skus = [...plan.map((p) => p.sku), ...(await this.ledger.currentSkus(manager, order))];
    await this.ledger.lockSkus(manager, skus);
    await this.ledger.replaceReservations(manager, order, plan);
    await this.ledger.refreshAvailability(manager, skus, {
      correlationId: envelope.correlationId,
      causationId: envelope.messageId,
    });
    return 'applied';
  }
}
