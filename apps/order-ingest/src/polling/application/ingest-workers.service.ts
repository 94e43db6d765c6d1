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
import { AmazonConnections } from '../../accounts/infrastructure/amazon-connections';
import { ChannelAccountRepository } from '../../accounts/infrastructure/channel-account.repository';
import { RunCatchUpUseCase } from '../../catch-up/application/run-catch-up.use-case';
import { CatchUpRunRepository } from '../../catch-up/infrastructure/catch-up-run.repository';
import { INGEST_CONFIG, type IngestConfig } from '../../config/ingest.config';
import { PurgeBuyerDataUseCase } from '../../orders/application/purge-buyer-data.use-case';
import { RecoverOrderUseCase } from '../../orders/application/recover-order.use-case';
import { OrderRecoveryRepository } from '../../orders/infrastructure/order-recovery.repository';
import { AccountLeases } from '../infrastructure/account-lease';
import { PollStateRepository } from '../infrastructure/poll-state.repository';
import { AccountWorker } from './account-worker';
import { WorkerLoop } from '../../shared/worker-loop';
import { PollAccountUseCase } from './poll-account.use-case';

/**
 * Starts with the app: mirrors the accounts file into the database, then runs one worker
 * per configured account (each calls Amazon only while it holds the account's lease) and
 * the buyer-data purge. Stops before the database closes, handing every lease over.
 */
@Injectable()
export class IngestWorkersService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(IngestWorkersService.name);
  private readonly workers: AccountWorker[] = [];
  private readonly leases: AccountLeases;
  private started = false;
  private loop: WorkerLoop | null = null;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
    @Inject(ChannelAccountRepository) private readonly accounts: ChannelAccountRepository,
    @Inject(AmazonConnections) private readonly connections: AmazonConnections,
    @Inject(PollStateRepository) private readonly pollState: PollStateRepository,
    @Inject(PollAccountUseCase) private readonly poll: PollAccountUseCase,
    @Inject(RunCatchUpUseCase) private readonly runCatchUp: RunCatchUpUseCase,
    @Inject(CatchUpRunRepository) private readonly catchUpRuns: CatchUpRunRepository,
    @Inject(RecoverOrderUseCase) private readonly recover: RecoverOrderUseCase,
    @Inject(OrderRecoveryRepository) private readonly recoveries: OrderRecoveryRepository,
    @Inject(PurgeBuyerDataUseCase) private readonly purge: PurgeBuyerDataUseCase,
  ) {
    this.leases = new AccountLeases(
      dataSource,
      `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      config.leaseTtlMs,
    );
  }

  get holder(): string {
    return this.leases.holder;
  }

  async onApplicationBootstrap(): Promise<void> {
    // A hybrid app (HTTP + consumer) runs bootstrap hooks twice.
    if (this.started) return;
    this.started = true;
    const configured = this.connections.configured;
    await inTransaction(this.dataSource, (m) => this.accounts.syncConfigured(m, configured));
    this.logger.log(
      `${configured.length} Amazon account(s) configured: ${configured.map((a) => a.accountId).join(', ') || 'none'}`,
    );
    if (!this.config.workers) return;
    for (const account of configured) {
      this.workers.push(
        new AccountWorker(account.accountId, {
          dataSource: this.dataSource,
          leases: this.leases,
          accounts: this.accounts,
          connections: this.connections,
          pollState: this.pollState,
          poll: this.poll,
          runCatchUp: this.runCatchUp,
          catchUpRuns: this.catchUpRuns,
          recover: this.recover,
          recoveries: this.recoveries,
          tickMs: this.config.tickMs,
        }),
      );
    }
    this.loop = new WorkerLoop(this.workers, this.config.tickMs, {
      everyMs: this.config.purgeIntervalMs,
      run: () => this.housekeeping(),
    });
    this.loop.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.loop?.stop();
  }

  private async housekeeping(): Promise<void> {
    try {
      await this.purge.execute();
    } catch (error) {
      this.logger.warn(`buyer-data purge failed: ${(error as Error).message}`);
    }
  }
}
