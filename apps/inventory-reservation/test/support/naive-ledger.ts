import { ORDER_ROUTING_KEYS, type OrderEventPayload } from '@holdfast/contracts';
import { HoldfastContext } from '@holdfast/messaging';
import { Outbox } from '@holdfast/persistence';
import type { ServiceDefinition } from '@holdfast/runtime';
import { Controller, Inject, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EntityManager } from 'typeorm';
import { inventoryReservationService } from '../../src/service';

/**
 * A deliberately naive ledger, kept only to prove the concurrency test can fail: it
 * reads a SKU's counters, adds in JavaScript and writes the result back, without
 * locking the row. Two consumers that read the same `reserved` both write "read + 1":
 * one reservation is lost from the counter, availability is published too high and the
 * channels oversell without a stock.oversold. Same tables, same transport, same inbox.
 */
@Controller()
class NaiveOrderEventsController {
  constructor(@Inject(Outbox) private readonly outbox: Outbox) {}

  @EventPattern([...ORDER_ROUTING_KEYS], { queue: 'orders' })
  async onOrderEvent(@Payload() payload: OrderEventPayload, @Ctx() ctx: HoldfastContext<EntityManager>): Promise<void> {
    const m = ctx.transaction;
    const o = payload.order;
    for (const line of o.lines) {
      const quantity = line.quantityOrdered - line.quantityShipped - line.quantityCanceled;
      await m.query(`INSERT INTO inventory.stock (sku) VALUES ($1) ON CONFLICT DO NOTHING`, [line.channelSku]);
      await m.query(
        `INSERT INTO inventory.reservations (channel, account_id, order_id, line_id, sku, channel_sku, ordered, quantity, state, revision)
         VALUES ($1, $2, $3, $4, $5, $5, $6, $6, 'pending', $7) ON CONFLICT DO NOTHING`,
        [o.channel, o.accountId, o.orderId, line.lineId, line.channelSku, quantity, o.revision],
      );
      const [stock] = await m.query<{ on_hand: number; reserved: number; version: number }[]>(
        `SELECT on_hand, reserved, version FROM inventory.stock WHERE sku = $1`,
        [line.channelSku],
      );
      const reserved = stock.reserved + quantity;
      await m.query(`UPDATE inventory.stock SET reserved = $2, version = $3 WHERE sku = $1`, [
        line.channelSku,
        reserved,
        stock.version + 1,
      ]);
      if (reserved > stock.on_hand) {
        await this.outbox.add(m, 'stock.oversold', {
          sku: line.channelSku,
          shortfall: reserved - stock.on_hand,
          orders: [{ channel: o.channel, accountId: o.accountId, orderId: o.orderId }],
        });
      }
    }
  }
}

@Module({ controllers: [NaiveOrderEventsController] })
class NaiveLedgerModule {}

export const naiveInventoryService: ServiceDefinition = { ...inventoryReservationService, imports: [NaiveLedgerModule] };
