import type { Channel } from '@holdfast/contracts';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { OrderNotFoundError } from '../../common/inventory.errors';
import { LedgerReadRepository } from '../infrastructure/ledger-read.repository';

/** An order's reservations now, every transition they went through, and those refused. */
@Injectable()
export class OrderReservationsQuery {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LedgerReadRepository) private readonly read: LedgerReadRepository,
  ) {}

  async execute(channel: Channel, accountId: string, orderId: string) {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const order = await this.read.order(manager, channel, accountId, orderId);
      if (!order) throw new OrderNotFoundError();
      return {
        order: {
          channel,
          accountId,
          orderId,
          // 'unknown': only a shipment of the order has been seen so far.
          status: order.status,
          revision: order.revision < 0 ? null : order.revision,
          fulfilledBy: order.fulfilledBy,
          updatedAt: order.updatedAt,
        },
        reservations: await this.read.orderReservations(manager, channel, accountId, orderId),
        history: await this.read.orderHistory(manager, channel, accountId, orderId),
        rejectedTransitions: await this.read.rejectedTransitions(manager, { channel, accountId, orderId, limit: 1000 }),
      };
    });
  }
}
