import type { AmazonOrders } from '@holdfast/channels-amazon';
import { inTransaction } from '@holdfast/persistence';
import { withSpan } from '@holdfast/telemetry';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountNotConfiguredError, AccountNotFoundError } from '../../accounts/domain/account.errors';
import type { ChannelAccount } from '../../accounts/domain/channel-account';
import { AmazonConnections } from '../../accounts/infrastructure/amazon-connections';
import { ChannelAccountRepository } from '../../accounts/infrastructure/channel-account.repository';
import { pollUntil } from '../../shared/poll-until';
import { OrderRecoveryRepository, type OrderRecovery } from '../infrastructure/order-recovery.repository';
import { ImportOrdersUseCase, REREAD_DATASETS } from './import-orders.use-case';

/**
 * Single-order recovery by id: the order is read with getOrder (buyer data included) and
 * imported like any other, so a missing order becomes `order.placed` and a known one
 * emits only what really changed. The request is queued and carried out by the replica
 * that holds the account's lease; the HTTP caller waits a little for the outcome.
 */
@Injectable()
export class RecoverOrderUseCase {
  private readonly logger = new Logger(RecoverOrderUseCase.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelAccountRepository) private readonly accounts: ChannelAccountRepository,
    @Inject(AmazonConnections) private readonly connections: AmazonConnections,
    @Inject(OrderRecoveryRepository) private readonly recoveries: OrderRecoveryRepository,
    @Inject(ImportOrdersUseCase) private readonly importOrders: ImportOrdersUseCase,
  ) {}

  /** Queues a recovery and waits up to `waitMs` for it to finish; returns it finished or still queued. */
  async request(accountId: string, orderId: string, requestedBy: string, waitMs: number): Promise<OrderRecovery> {
    const account = await this.accounts.find(this.dataSource.manager, accountId);
    if (!account) throw new AccountNotFoundError(accountId);
    if (!account.configured || !this.connections.isConfigured(accountId)) throw new AccountNotConfiguredError(accountId);
    const queued = await inTransaction(this.dataSource, (m) => this.recoveries.request(m, accountId, orderId, requestedBy));
    const finished = await pollUntil(waitMs, 100, async () => {
      const current = await this.recoveries.find(this.dataSource.manager, queued.id);
      return current && current.status !== 'queued' && current.status !== 'running' ? current : undefined;
    });
    return finished ?? queued;
  }

  async find(id: string): Promise<OrderRecovery | null> {
    return this.recoveries.find(this.dataSource.manager, id);
  }

  /** Carries out the account's queued recoveries (called by the lease holder). */
  async processQueued(account: ChannelAccount, amazon: AmazonOrders, signal: AbortSignal): Promise<number> {
    const claimed = await inTransaction(this.dataSource, (m) => this.recoveries.claimQueued(m, account.accountId, 10));
    for (const recovery of claimed) {
      // Each recovery is the root of the trace of the order it reads (getOrder, the import, the events).
      const attributes = { 'holdfast.account_id': account.accountId, 'holdfast.order_id': recovery.orderId, 'holdfast.recovery_id': recovery.id };
      await withSpan('order recovery', { attributes }, () => this.recoverOne(account, amazon, recovery, signal));
    }
    return claimed.length;
  }

  private async recoverOne(account: ChannelAccount, amazon: AmazonOrders, recovery: OrderRecovery, signal: AbortSignal): Promise<void> {
    try {
      const raw = await amazon.getOrder(recovery.orderId, REREAD_DATASETS, signal);
      if (raw === null) {
        await this.recoveries.finish(this.dataSource.manager, recovery.id, 'not-found', null, null);
        return;
      }
      const tally = await this.importOrders.execute(
        { account, amazon, detectedBy: 'recovery', correlationId: recovery.id, signal },
        [{ raw, operation: 'getOrder' }],
      );
      const outcome = tally.errors > 0 ? 'error' : tally.new ? 'new' : tally.changed ? 'changed' : tally.stale ? 'stale' : 'unchanged';
      await this.recoveries.finish(this.dataSource.manager, recovery.id, outcome === 'error' ? 'failed' : 'recovered', outcome, null);
    } catch (error) {
      if (signal.aborted) throw error;
      const message = (error as Error).message;
      this.logger.warn(`recovery of order ${recovery.orderId} (${account.accountId}) failed: ${message}`);
      await this.recoveries.finish(this.dataSource.manager, recovery.id, 'failed', null, message);
    }
  }
}
