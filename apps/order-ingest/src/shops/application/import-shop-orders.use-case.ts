import type { OrderSnapshot } from '@holdfast/contracts';
import { Outbox } from '@holdfast/persistence';
import { defineCounter } from '@holdfast/telemetry';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { detectChange, type OrderChange } from '../../orders/domain/order-change';
import {
  OrderSnapshotRepository,
  type DetectedBy,
} from '../../orders/infrastructure/order-snapshot.repository';

export interface ShopImportTally {
  new: number;
  changed: number;
  unchanged: number;
  stale: number;
  events: number;
}

const importedOrders = defineCounter<'channel' | 'outcome'>({
  name: 'holdfast_order_ingest_shop_orders_total',
  help: 'Web shop orders order-ingest received (webhooks and reconciliation), by channel and outcome (new, changed, unchanged, stale).',
  labelNames: ['channel', 'outcome'],
});
const emittedEvents = defineCounter<'type'>({
  name: 'holdfast_order_ingest_shop_events_total',
  help: 'Order events of web shop orders written to the outbox, by type.',
  labelNames: ['type'],
});

/**
 * Web shop order snapshots through the same change detection, snapshot table and outbox as
 * Amazon's, inside the caller's transaction (the webhook's dedupe key, a reconciliation page's
 * fence commit with it). Web shops hold stock for unpaid and on-hold orders: a pending order is
 * always announced. The shop's payload carries no buyer data Holdfast keeps.
 */
@Injectable()
export class ImportShopOrdersUseCase {
  constructor(
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(OrderSnapshotRepository) private readonly snapshots: OrderSnapshotRepository,
  ) {}

  async execute(
    m: EntityManager,
    orders: readonly OrderSnapshot[],
    detectedBy: DetectedBy,
    correlationId?: string,
  ): Promise<ShopImportTally> {
    const tally: ShopImportTally = { new: 0, changed: 0, unchanged: 0, stale: 0, events: 0 };
    // The newest copy of an order counts when a page lists it twice; a fixed lock order keeps
    // two transactions over overlapping orders from deadlocking.
    const newest = new Map<string, OrderSnapshot>();
    for (const order of orders) {
      const previous = newest.get(order.orderId);
      if (!previous || previous.revision <= order.revision) newest.set(order.orderId, order);
    }
    const sorted = [...newest.values()].sort((a, b) => a.orderId.localeCompare(b.orderId));
    for (const order of sorted) {
      const outcome = await this.importOne(m, order, detectedBy, correlationId);
      tally[outcome.kind]++;
      if (outcome.evented) tally.events++;
      importedOrders.inc({ channel: order.channel, outcome: outcome.kind });
    }
    return tally;
  }

  private async importOne(
    m: EntityManager,
    incoming: OrderSnapshot,
    detectedBy: DetectedBy,
    correlationId: string | undefined,
  ): Promise<{ kind: OrderChange['kind']; evented: boolean }> {
    const options = { importPending: true };
    let recorded = await this.snapshots.lock(m, incoming.accountId, incoming.orderId);
    if (recorded && recorded.snapshot.channel !== incoming.channel) {
      // Account ids are unique across channels (checked at start); this would be a misconfiguration.
      throw new Error(
        `order ${incoming.orderId} of ${incoming.accountId} is recorded for ${recorded.snapshot.channel}, not ${incoming.channel}`,
      );
    }
    let change = detectChange(recorded, incoming, options);
    if (change.kind === 'new') {
      const inserted = await this.snapshots.insert(m, change.snapshot, change.announced, detectedBy);
      if (!inserted) {
        recorded = await this.snapshots.lock(m, incoming.accountId, incoming.orderId);
        change = detectChange(recorded, incoming, options);
      }
    }
    switch (change.kind) {
      case 'stale':
        return { kind: 'stale', evented: false };
      case 'unchanged':
        await this.snapshots.touch(m, change.touch, incoming.accountId, incoming.orderId);
        return { kind: 'unchanged', evented: false };
      case 'changed':
        await this.snapshots.update(m, change.snapshot, change.announced);
        break;
      case 'new':
        break;
    }
    if (!change.event) return { kind: change.kind, evented: false };
    const envelope = await this.outbox.add(
      m,
      change.event,
      { order: change.snapshot },
      {
        channelAccount: { channel: incoming.channel, accountId: incoming.accountId },
        ...(correlationId ? { correlationId } : {}),
      },
    );
    await this.snapshots.recordChange(m, change.snapshot, change.event, envelope.messageId, detectedBy);
    emittedEvents.inc({ type: change.event });
    return { kind: change.kind, evented: true };
  }
}
