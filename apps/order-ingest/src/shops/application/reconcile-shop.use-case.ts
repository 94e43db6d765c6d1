import { inTransaction } from '@holdfast/persistence';
import { defineGauge, withSpan } from '@holdfast/telemetry';
import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource, type EntityManager } from 'typeorm';
import { nextCheckpoint, reconcileSince } from '../domain/shop-account';
import type { ShopConnection } from '../infrastructure/shop-connections';
import { ShopReconcileStateRepository } from '../infrastructure/shop-reconcile-state.repository';
import { SHOP_INTAKE_CONFIG, type ShopIntakeConfig } from '../shop-intake.config';
import { ImportShopOrdersUseCase } from './import-shop-orders.use-case';

const checkpointLag = defineGauge<'channel' | 'account'>({
  name: 'holdfast_order_ingest_shop_checkpoint_lag_seconds',
  help: 'Seconds between now and the reconciliation checkpoint of a web shop.',
  labelNames: ['channel', 'account'],
});

export interface ReconcileOutcome {
  pages: number;
  orders: number;
  /** Orders the webhooks had not brought (new to Holdfast) or not brought up to date. */
  recovered: number;
  events: number;
}

/**
 * One reconciliation run of one shop: every order updated since the checkpoint (minus the
 * overlap), page by page, each page imported in its own transaction under the lease fence. The
 * checkpoint moves only in the run's last transaction: WooCommerce lists by id, not by time, so
 * a watermark reached mid-run does not cover the orders before it. A failed run leaves the
 * checkpoint where it was; the next run reads the same window again and change detection drops
 * what was imported already.
 */
@Injectable()
export class ReconcileShopUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ShopReconcileStateRepository) private readonly state: ShopReconcileStateRepository,
    @Inject(ImportShopOrdersUseCase) private readonly importOrders: ImportShopOrdersUseCase,
    @Inject(SHOP_INTAKE_CONFIG) private readonly config: ShopIntakeConfig,
  ) {}

  /** In a span: the root of the traces of the orders a reconciliation finds, as a poll is for Amazon. */
  async execute(
    shop: ShopConnection,
    fence: (m: EntityManager) => Promise<void>,
    signal: AbortSignal,
  ): Promise<ReconcileOutcome> {
    const attributes = { 'holdfast.channel': shop.channel, 'holdfast.account_id': shop.accountId };
    return withSpan('shop orders reconcile', { attributes }, () => this.reconcile(shop, fence, signal));
  }

  private async reconcile(
    shop: ShopConnection,
    fence: (m: EntityManager) => Promise<void>,
    signal: AbortSignal,
  ): Promise<ReconcileOutcome> {
    const { channel, accountId } = shop;
    const m = this.dataSource.manager;
    const outcome: ReconcileOutcome = { pages: 0, orders: 0, recovered: 0, events: 0 };
    const runStartedAt = new Date();
    const correlationId = randomUUID();
    try {
      const current = await this.state.load(m, channel, accountId);
      await this.state.runStarted(m, channel, accountId);
      const since = reconcileSince(
        current.checkpoint,
        runStartedAt,
        this.config.reconcileOverlapMs,
        this.config.firstLookbackMs,
      );
      let highWatermark: Date | null = null;
      for await (const page of shop.orders.ordersUpdatedSince(since, { pageSize: this.config.pageSize })) {
        if (signal.aborted)
          throw new Error('reconciliation stopped: the lease was lost or the service is stopping');
        const tally = await inTransaction(this.dataSource, async (tx) => {
          await fence(tx);
          return this.importOrders.execute(tx, page.orders, 'poll', correlationId);
        });
        outcome.pages++;
        outcome.orders += page.orders.length;
        outcome.recovered += tally.new + tally.changed;
        outcome.events += tally.events;
        const seen = page.highWatermark ? new Date(page.highWatermark) : null;
        if (seen && (!highWatermark || seen > highWatermark)) highWatermark = seen;
      }
      const checkpoint = nextCheckpoint(current.checkpoint, highWatermark, runStartedAt);
      await inTransaction(this.dataSource, async (tx) => {
        await fence(tx);
        await this.state.runSucceeded(tx, channel, accountId, {
          checkpoint,
          ordersSeen: outcome.orders,
          ordersRecovered: outcome.recovered,
        });
      });
      if (checkpoint)
        checkpointLag.set(
          { channel, account: accountId },
          Math.max(0, (Date.now() - checkpoint.getTime()) / 1000),
        );
      return outcome;
    } catch (error) {
      await this.state.runFailed(m, channel, accountId, (error as Error).message).catch(() => undefined);
      throw error;
    }
  }
}
