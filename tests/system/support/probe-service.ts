import { ORDER_ROUTING_KEYS, type OrderEventPayload } from '@holdfast/contracts';
import { HoldfastContext, PermanentFailure } from '@holdfast/messaging';
import { messagingTablesSql } from '@holdfast/persistence';
import { Controller, Module } from '@nestjs/common';
import { Ctx, EventPattern, Payload } from '@nestjs/microservices';
import type { EntityManager, MigrationInterface, QueryRunner } from 'typeorm';
import type { ServiceDefinition } from '@holdfast/runtime';

/**
 * A small service built on the same runtime as the real ones, whose handler misbehaves
 * on purpose according to the order id: it lets the tests drive every failure path of
 * the messaging rules and read the effects back from its table.
 */
export const PROBE_SCHEMA = 'probe';

/** Order ids listed here fail until removed (a "bug" that a later fix and a replay cure). */
export const brokenOrders = new Set<string>();

@Controller()
class ProbeController {
  @EventPattern([...ORDER_ROUTING_KEYS], { queue: 'orders' })
  async onOrder(
    @Payload() payload: OrderEventPayload,
    @Ctx() ctx: HoldfastContext<EntityManager>,
  ): Promise<void> {
    const { orderId } = payload.order;
    const { attempt } = ctx.delivery;
    await ctx.transaction.query(
      `INSERT INTO probe.effects (message_id, order_id, attempt) VALUES ($1, $2, $3)`,
      [ctx.envelope.messageId, orderId, attempt],
    );
    if (orderId.startsWith('transient-') && attempt < 3)
      throw new Error(`transient failure on attempt ${attempt}`);
    if (orderId.startsWith('permanent-')) throw new PermanentFailure('this order can never be applied');
    if (brokenOrders.has(orderId)) throw new Error('handler bug');
  }
}

@Module({ controllers: [ProbeController] })
class ProbeModule {}

class ProbeSchema1700000000000 implements MigrationInterface {
  name = 'ProbeSchema1700000000000';
  async up(q: QueryRunner): Promise<void> {
    for (const sql of messagingTablesSql(PROBE_SCHEMA).up) await q.query(sql);
    await q.query(
      `CREATE TABLE probe.effects (message_id uuid NOT NULL, order_id text NOT NULL, attempt int NOT NULL)`,
    );
  }
  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE probe.effects`);
  }
}

export function probeService(name: string): ServiceDefinition {
  return {
    name,
    schema: PROBE_SCHEMA,
    defaultHttpPort: 0,
    imports: [ProbeModule],
    migrations: [ProbeSchema1700000000000],
  };
}
