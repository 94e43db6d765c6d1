import type { HeldLease } from '@holdfast/persistence';
import { inTransaction } from '@holdfast/persistence';
import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { INGEST_CONFIG, type IngestConfig } from '../../config/ingest.config';
import type { ShopChannel } from '../domain/shop-account';
import { ShopConnections } from '../infrastructure/shop-connections';
import { ShopLeases } from '../infrastructure/shop-leases';
import { WebhookDeliveryRepository } from '../infrastructure/webhook-delivery.repository';
import { SHOP_INTAKE_CONFIG, type ShopIntakeConfig } from '../shop-intake.config';
import { WorkerLoop } from '../../shared/worker-loop';
import { ReconcileShopUseCase } from './reconcile-shop.use-case';

/** The reconciliation of one shop on this replica: runs only while it holds the shop's lease. */
class ShopWorker {
  private readonly logger: Logger;
  private lease: HeldLease | null = null;
  private renewedAt = 0;
  private abort = new AbortController();
  private task: Promise<void> | null = null;
  private nextRunAt = 0;
  private failures = 0;

  constructor(
    readonly channel: ShopChannel,
    readonly accountId: string,
    private readonly deps: {
      leases: ShopLeases;
      connections: ShopConnections;
      reconcile: ReconcileShopUseCase;
      intervalMs: number;
      tickMs: number;
    },
  ) {
    this.logger = new Logger(`ShopWorker ${channel}:${accountId}`);
  }

  /** One tick; never throws. */
  async tick(): Promise<void> {
    try {
      await this.keepLease();
      if (!this.lease || this.task || Date.now() < this.nextRunAt) return;
      const lease = this.lease;
      this.task = this.run(lease).finally(() => (this.task = null));
    } catch (error) {
      this.logger.warn(`tick failed: ${(error as Error).message}`);
    }
  }

  async stop(): Promise<void> {
    this.abort.abort();
    await this.task?.catch(() => undefined);
    if (this.lease) {
      this.lease = null;
      await this.deps.leases.release(this.channel, this.accountId).catch(() => undefined);
    }
  }

  private async keepLease(): Promise<void> {
    const ttl = this.deps.leases.ttlMs;
    if (this.lease && Date.now() - this.renewedAt < ttl / 3) return;
    if (!this.lease && Date.now() - this.renewedAt < Math.min(ttl / 3, 5 * this.deps.tickMs)) return;
    this.renewedAt = Date.now();
    const lease = await this.deps.leases.acquire(this.channel, this.accountId);
    if (!lease) {
      if (this.lease) {
        this.logger.warn('lost the shop lease to another replica; stopping its reconciliation here');
        this.lease = null;
        this.abort.abort();
        this.abort = new AbortController();
      }
      return;
    }
    if (!this.lease || this.lease.generation !== lease.generation)
      this.logger.log(`holding the shop lease (generation ${lease.generation})`);
    this.lease = lease;
  }

  private async run(lease: HeldLease): Promise<void> {
    const signal = this.abort.signal;
    try {
      const shop = this.deps.connections.get(this.channel, this.accountId);
      if (!shop) return;
      const outcome = await this.deps.reconcile.execute(shop, this.deps.leases.fence(lease), signal);
      if (outcome.recovered > 0)
        this.logger.log(`reconciliation brought ${outcome.recovered} order(s) the webhooks had not`);
      this.failures = 0;
      this.nextRunAt = Date.now() + this.deps.intervalMs;
    } catch (error) {
      if (signal.aborted) return;
      this.failures++;
      // The checkpoint did not move: retry sooner than the interval, with backoff.
      this.nextRunAt =
        Date.now() + Math.min(this.deps.intervalMs, this.deps.tickMs * 2 ** Math.min(this.failures, 10));
      this.logger.warn(`reconciliation failed (${this.failures} in a row): ${(error as Error).message}`);
    }
  }
}

/**
 * Starts with the app: one reconciliation worker per configured shop (under a lease per shop,
 * so replicas never call one shop at once) and the purge of old webhook dedupe keys. Webhooks
 * are taken by every replica; only the reconciliation is leased.
 */
@Injectable()
export class ShopIntakeWorkersService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ShopIntakeWorkersService.name);
  private readonly workers: ShopWorker[] = [];
  private readonly leases: ShopLeases;
  private started = false;
  private loop: WorkerLoop | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(INGEST_CONFIG) private readonly ingestConfig: IngestConfig,
    @Inject(SHOP_INTAKE_CONFIG) private readonly config: ShopIntakeConfig,
    @Inject(ShopConnections) private readonly connections: ShopConnections,
    @Inject(ReconcileShopUseCase) private readonly reconcile: ReconcileShopUseCase,
    @Inject(WebhookDeliveryRepository) private readonly deliveries: WebhookDeliveryRepository,
  ) {
    this.leases = new ShopLeases(
      dataSource,
      `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      ingestConfig.leaseTtlMs,
    );
  }

  onApplicationBootstrap(): void {
    // A hybrid app (HTTP + consumer) runs bootstrap hooks twice.
    if (this.started) return;
    this.started = true;
    const shops = this.connections.list();
    this.logger.log(
      `${shops.length} web shop(s) configured: ${shops.map((s) => `${s.channel}:${s.accountId}`).join(', ') || 'none'}`,
    );
    if (!this.ingestConfig.workers) return;
    for (const shop of shops) {
      this.workers.push(
        new ShopWorker(shop.channel, shop.accountId, {
          leases: this.leases,
          connections: this.connections,
          reconcile: this.reconcile,
          intervalMs: this.config.reconcileIntervalMs,
          tickMs: this.ingestConfig.tickMs,
        }),
      );
    }
    this.loop = new WorkerLoop(this.workers, this.ingestConfig.tickMs, {
      everyMs: this.ingestConfig.purgeIntervalMs,
      run: () => this.housekeeping(),
    });
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop?.stop();
  }

  private async housekeeping(): Promise<void> {
    try {
      await inTransaction(this.dataSource, (m) =>
        this.deliveries.purgeOlderThan(m, this.config.dedupeRetentionHours),
      );
    } catch (error) {
      this.logger.warn(`webhook dedupe purge failed: ${(error as Error).message}`);
    }
  }
}
