import { canAccessAccount, type ApiKeyPrincipal } from '@holdfast/platform';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { shortfall } from '../../availability/domain/stock-head';
import { LedgerReadRepository } from '../infrastructure/ledger-read.repository';

/**
 * SKUs whose active reservations exceed on-hand, worst first, with the newest orders
 * that hold them (the ones sold last, usually the ones to talk to).
 */
@Injectable()
export class OversoldSkusQuery {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(LedgerReadRepository) private readonly read: LedgerReadRepository,
  ) {}

  async execute(principal?: ApiKeyPrincipal) {
    return this.dataSource.transaction('REPEATABLE READ', async (manager) => {
      await manager.query('SET TRANSACTION READ ONLY');
      const heads = await this.read.oversold(manager);
      const skus = [];
      for (const head of heads) {
        const active = await this.read.activeReservations(manager, head.sku);
        const newestFirst = [...active].reverse();
        const orders = [];
        let covered = 0;
        for (const r of newestFirst) {
          if (covered >= shortfall(head)) break;
          covered += r.quantity;
          if (principal && !canAccessAccount(principal, r.accountId)) continue;
          orders.push({ channel: r.channel, accountId: r.accountId, orderId: r.orderId, lineId: r.lineId, quantity: r.quantity, state: r.state, since: r.since });
        }
        skus.push({
          sku: head.sku,
          onHand: head.onHand,
          reserved: head.reserved,
          available: head.onHand - head.reserved,
          shortfall: shortfall(head),
          newestOrders: orders,
        });
      }
      return { skus };
    });
  }
}
