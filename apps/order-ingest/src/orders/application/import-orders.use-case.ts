import {
  mapAmazonOrder,
  SpApiError,
  withoutPersonalData,
  type AmazonOrders,
  type MappedAmazonOrder,
} from '@holdfast/channels-amazon';
import { inTransaction, Outbox } from '@holdfast/persistence';
import { defineCounter, withSpan } from '@holdfast/telemetry';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChannelAccount } from '../../accounts/domain/channel-account';
import { INGEST_CONFIG, type IngestConfig } from '../../config/ingest.config';
import { detectChange, type OrderChange } from '../domain/order-change';
import { BuyerDataVault } from '../infrastructure/buyer-data.vault';
import { IngestErrorRepository } from '../infrastructure/ingest-error.repository';
import { OrderSnapshotRepository, type DetectedBy } from '../infrastructure/order-snapshot.repository';

/** An order as Amazon sent it, and which operation sent it. */
export interface ReceivedOrder {
  raw: unknown;
  operation: 'searchOrders' | 'getOrder';
}

export interface ImportContext {
  account: ChannelAccount;
  amazon: AmazonOrders;
  detectedBy: DetectedBy;
  /** The causal chain the events join (a catch-up run's id, a recovery's id); a poll starts its own. */
  correlationId?: string;
  signal?: AbortSignal;
  /** Runs first inside the import's transaction (the lease fence). */
  before?: (m: EntityManager) => Promise<void>;
  /** Runs last inside the import's transaction, with its tally (the poll checkpoint, a run's counts). */
  after?: (m: EntityManager, tally: ImportTally) => Promise<void>;
}

export interface ImportTally {
  received: number;
  new: number;
  changed: number;
  unchanged: number;
  stale: number;
  errors: number;
  events: number;
  newOrderIds: string[];
  changedOrderIds: string[];
}

/** What Amazon returned with every order, whichever call: fulfillment status and quantities, packages. */
export const ORDER_DATASETS = ['FULFILLMENT', 'PACKAGES'] as const;
/** A re-read after payment also asks for what the ERP needs to ship. */
export const REREAD_DATASETS = ['BUYER', 'RECIPIENT', 'FULFILLMENT', 'PACKAGES'] as const;

const importedOrders = defineCounter<'outcome'>({
  name: 'holdfast_order_ingest_orders_total',
  help: 'Orders order-ingest received from Amazon, by outcome (new, changed, unchanged, stale, error).',
  labelNames: ['outcome'],
});
const emittedEvents = defineCounter<'type'>({
  name: 'holdfast_order_ingest_events_total',
  help: 'Order events written to the outbox, by type.',
  labelNames: ['type'],
});

interface Planned {
  mapped: MappedAmazonOrder;
  received: ReceivedOrder;
}

interface Failure {
  received: ReceivedOrder;
  orderId: string | null;
  problem: string;
  detail: string;
}

function emptyTally(received: number): ImportTally {
  return { received, new: 0, changed: 0, unchanged: 0, stale: 0, errors: 0, events: 0, newOrderIds: [], changedOrderIds: [] };
}

/**
 * Imports a batch of orders (one searchOrders page, one getOrder answer) in one
 * transaction: change detection per order against its snapshot, exactly one outbox event
 * per real change, buyer data encrypted, ingest errors with their raw payload for orders
 * that do not map (the others go on), and the caller's own writes (the checkpoint) in the
 * same commit. Before the transaction, merchant orders that left Pending are re-read with
 * getOrder for their buyer data.
 */
@Injectable()
export class ImportOrdersUseCase {
  private readonly logger = new Logger(ImportOrdersUseCase.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(OrderSnapshotRepository) private readonly snapshots: OrderSnapshotRepository,
    @Inject(BuyerDataVault) private readonly vault: BuyerDataVault,
    @Inject(IngestErrorRepository) private readonly errors: IngestErrorRepository,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  /**
   * In a span of its own (a child of the poll, catch-up run or recovery that fetched the
   * batch): the outbox rows capture the active context, so every event of the batch, and
   * everything downstream of it, joins the trace that starts where the order was found.
   */
  async execute(ctx: ImportContext, batch: readonly ReceivedOrder[]): Promise<ImportTally> {
    const attributes = { 'holdfast.account_id': ctx.account.accountId, 'holdfast.detected_by': ctx.detectedBy };
    return withSpan('orders import', { attributes: { ...attributes, 'holdfast.orders.received': batch.length } }, async (span) => {
      const tally = await this.importBatch(ctx, batch);
      span.setAttributes({ 'holdfast.orders.new': tally.new, 'holdfast.orders.changed': tally.changed, 'holdfast.events': tally.events });
      return tally;
    });
  }

  private async importBatch(ctx: ImportContext, batch: readonly ReceivedOrder[]): Promise<ImportTally> {
    const { accountId } = ctx.account;
    const planned = new Map<string, Planned>();
    const failures: Failure[] = [];
    for (const received of batch) {
      const result = mapAmazonOrder(received.raw, accountId);
      if (!result.ok) {
        failures.push({ received, orderId: result.orderId, problem: result.problem, detail: result.detail });
        continue;
      }
      // The same order twice in one batch: the newer copy is the one that counts.
      const previous = planned.get(result.order.snapshot.orderId);
      if (!previous || previous.mapped.lastUpdatedTime <= result.order.lastUpdatedTime) {
        planned.set(result.order.snapshot.orderId, { mapped: result.order, received });
      }
    }

    await this.completeWithBuyerData(ctx, planned, failures);

    const tally = await inTransaction(this.dataSource, async (m) => {
      const t = emptyTally(batch.length);
      await ctx.before?.(m);
      // A fixed lock order keeps two transactions over overlapping orders from deadlocking.
      const orders = [...planned.values()].sort((a, b) => a.mapped.snapshot.orderId.localeCompare(b.mapped.snapshot.orderId));
      for (const order of orders) await this.importOne(m, ctx, order, t);
      for (const failure of failures) {
        await this.errors.record(m, {
          accountId,
          orderId: failure.orderId,
          problem: failure.problem,
          detail: failure.detail,
          operation: failure.received.operation,
          detectedBy: ctx.detectedBy,
          ...(failure.received.raw === null ? {} : { raw: { body: withoutPersonalData(failure.received.raw) } }),
        });
        t.errors++;
      }
      const failedIds = new Set(failures.map((f) => f.orderId));
      await this.errors.resolve(
        m,
        accountId,
        orders.map((o) => o.mapped.snapshot.orderId).filter((id) => !failedIds.has(id)),
      );
      await ctx.after?.(m, t);
      return t;
    });

    for (const outcome of ['new', 'changed', 'unchanged', 'stale'] as const) importedOrders.inc({ outcome }, tally[outcome]);
    importedOrders.inc({ outcome: 'error' }, tally.errors);
    return tally;
  }

  private async importOne(m: EntityManager, ctx: ImportContext, order: Planned, t: ImportTally): Promise<void> {
    const { snapshot: incoming } = order.mapped;
    const options = { importPending: ctx.account.options.importPending };
    let recorded = await this.snapshots.lock(m, incoming.accountId, incoming.orderId);
    let change: OrderChange = detectChange(recorded, incoming, options);
    if (change.kind === 'new') {
      const inserted = await this.snapshots.insert(m, change.snapshot, change.announced, ctx.detectedBy);
      if (!inserted) {
        // Another transaction recorded it between our lock and insert: decide against that.
        recorded = await this.snapshots.lock(m, incoming.accountId, incoming.orderId);
        change = detectChange(recorded, incoming, options);
      }
    }
    switch (change.kind) {
      case 'stale':
        t.stale++;
        return;
      case 'unchanged':
        t.unchanged++;
        await this.snapshots.touch(m, change.touch, incoming.accountId, incoming.orderId);
        break;
      case 'changed':
        t.changed++;
        t.changedOrderIds.push(incoming.orderId);
        await this.snapshots.update(m, change.snapshot, change.announced);
        break;
      case 'new':
        t.new++;
        t.newOrderIds.push(incoming.orderId);
        break;
    }
    if (change.kind === 'new' || change.kind === 'changed') {
      if (change.event) {
        const envelope = await this.outbox.add(m, change.event, { order: change.snapshot }, {
          channelAccount: { channel: 'amazon', accountId: incoming.accountId },
          ...(ctx.correlationId ? { correlationId: ctx.correlationId } : {}),
        });
        await this.snapshots.recordChange(m, change.snapshot, change.event, envelope.messageId, ctx.detectedBy);
        emittedEvents.inc({ type: change.event });
        t.events++;
      }
    }
    await this.keepBuyerData(m, order.mapped, change);
  }

  /** Stores buyer data an order needs to ship, and schedules its purge once it shipped or was cancelled. */
  private async keepBuyerData(m: EntityManager, mapped: MappedAmazonOrder, change: OrderChange): Promise<void> {
    if (!this.vault.enabled || change.kind === 'stale') return;
    const current = change.kind === 'unchanged' ? mapped.snapshot : change.snapshot;
    if (current.fulfilledBy !== 'MERCHANT') return;
    const { accountId, orderId } = current;
    if (mapped.buyerData && (current.status === 'confirmed' || current.status === 'partially_shipped')) {
      await this.vault.store(m, accountId, orderId, mapped.buyerData);
    }
    if (current.status === 'canceled') await this.vault.scheduleImmediatePurge(m, accountId, orderId);
    if (current.status === 'shipped') {
      // Delivery is not reported as a time: a DELIVERED package counts from now, else the
      // promised delivery window, else the shipment itself (earlier, never later).
      const now = new Date();
      const deliveredAt = mapped.delivered ? now : mapped.deliverBy && mapped.deliverBy < now ? mapped.deliverBy : now;
      await this.vault.scheduleRetention(m, accountId, orderId, deliveredAt);
    }
  }

  /**
   * Merchant orders that left Pending (or arrive already paid) are re-read with getOrder,
   * asking for buyer and recipient: a Pending order has none, and searches do not ask for
   * personal data. Only when buyer data can be stored (a key is configured) and is not yet:
   * every re-read spends getOrder quota. A failed re-read does not hold the batch back: the
   * order is imported from the search and the failure recorded; the next catch-up run, or
   * a recovery, re-reads it.
   */
  private async completeWithBuyerData(ctx: ImportContext, planned: Map<string, Planned>, failures: Failure[]): Promise<void> {
    if (!this.vault.enabled) return;
    const candidates = [...planned.values()].filter(
      ({ mapped }) =>
        mapped.buyerData === null &&
        mapped.snapshot.fulfilledBy === 'MERCHANT' &&
        (mapped.snapshot.status === 'confirmed' || mapped.snapshot.status === 'partially_shipped'),
    );
    if (candidates.length === 0) return;
    const { accountId } = ctx.account;
    const ids = candidates.map((c) => c.mapped.snapshot.orderId);
    const [held, known] = await Promise.all([
      this.vault.held(this.dataSource.manager, accountId, ids),
      this.snapshots.peek(this.dataSource.manager, accountId, ids),
    ]);
    const due = candidates.filter(({ mapped }) => {
      const recorded = known.get(mapped.snapshot.orderId);
      const stale = recorded !== undefined && Date.parse(recorded.snapshot.updatedAt) > mapped.lastUpdatedTime.getTime();
      return !held.has(mapped.snapshot.orderId) && !stale;
    });

    let next = 0;
    const worker = async () => {
      while (next < due.length) {
        const item = due[next++];
        const orderId = item.mapped.snapshot.orderId;
        let raw: unknown;
        try {
          raw = await ctx.amazon.getOrder(orderId, REREAD_DATASETS, ctx.signal);
        } catch (error) {
          if (ctx.signal?.aborted) throw error;
          const detail = error instanceof SpApiError ? error.message : String(error);
          failures.push({ received: { raw: null, operation: 'getOrder' }, orderId, problem: 'reread-failed', detail });
          this.logger.warn(`re-reading order ${orderId} of ${accountId} failed: ${detail}`);
          continue;
        }
        if (raw === null) continue; // Not visible to getOrder yet: the search copy stands.
        const reread = mapAmazonOrder(raw, accountId);
        if (!reread.ok) {
          failures.push({ received: { raw, operation: 'getOrder' }, orderId, problem: reread.problem, detail: reread.detail });
          continue;
        }
        if (reread.order.lastUpdatedTime >= item.mapped.lastUpdatedTime) {
          planned.set(orderId, { mapped: reread.order, received: { raw, operation: 'getOrder' } });
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.config.rereadConcurrency, due.length) }, () => worker()));
  }
}
