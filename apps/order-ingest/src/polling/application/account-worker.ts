import type { HeldLease } from '@holdfast/persistence';
import { Logger } from '@nestjs/common';
import type { DataSource } from 'typeorm';
import type { ChannelAccount } from '../../accounts/domain/channel-account';
import type { AmazonConnections } from '../../accounts/infrastructure/amazon-connections';
import type { ChannelAccountRepository } from '../../accounts/infrastructure/channel-account.repository';
import type { RunCatchUpUseCase } from '../../catch-up/application/run-catch-up.use-case';
import { nextScheduledCatchUp } from '../../catch-up/domain/catch-up-plan';
import type { CatchUpRunRepository } from '../../catch-up/infrastructure/catch-up-run.repository';
import type { RecoverOrderUseCase } from '../../orders/application/recover-order.use-case';
import type { OrderRecoveryRepository } from '../../orders/infrastructure/order-recovery.repository';
import type { AccountLeases } from '../infrastructure/account-lease';
import type { PollStateRepository } from '../infrastructure/poll-state.repository';
import type { PollAccountUseCase } from './poll-account.use-case';

export interface AccountWorkerDeps {
  dataSource: DataSource;
  leases: AccountLeases;
  accounts: ChannelAccountRepository;
  connections: AmazonConnections;
  pollState: PollStateRepository;
  poll: PollAccountUseCase;
  runCatchUp: RunCatchUpUseCase;
  catchUpRuns: CatchUpRunRepository;
  recover: RecoverOrderUseCase;
  recoveries: OrderRecoveryRepository;
  tickMs: number;
}

/**
 * The background work of one account on this replica. Every tick it takes or renews the
 * account's lease; only while it holds the lease does it call Amazon: polls on the
 * account's interval, queued and scheduled catch-up runs, queued recoveries. Polls run
 * beside runs and recoveries (one limiter paces them all), never two polls at once.
 * Losing the lease aborts what is in flight; its last page's transaction fails on the fence.
 */
export class AccountWorker {
  private readonly logger: Logger;
  private lease: HeldLease | null = null;
  private renewedAt = 0;
  private abort = new AbortController();
  private pollTask: Promise<void> | null = null;
  private backgroundTask: Promise<void> | null = null;
  /** When this replica's last poll started (from the database on taking the lease). */
  private lastPollStartedAt = 0;
  /** After failures: no poll before this. */
  private retryAfter = 0;
  private failures = 0;

  constructor(
    readonly accountId: string,
    private readonly deps: AccountWorkerDeps,
  ) {
    this.logger = new Logger(`AccountWorker ${accountId}`);
  }

  get holdsLease(): boolean {
    return this.lease !== null;
  }

  /** One tick; never throws (the loop that calls it must go on). */
  async tick(): Promise<void> {
    try {
      await this.keepLease();
      if (!this.lease) return;
      const account = await this.deps.accounts.find(this.deps.dataSource.manager, this.accountId);
      if (!account?.configured) return;
      if (!this.pollTask && account.options.pollingEnabled && this.pollDue(account)) {
        this.pollTask = this.pollOnce(account).finally(() => (this.pollTask = null));
      }
      if (!this.backgroundTask) {
        this.backgroundTask = this.background(account).finally(() => (this.backgroundTask = null));
      }
    } catch (error) {
      this.logger.warn(`tick failed: ${(error as Error).message}`);
    }
  }

  /** Due on the account's current interval, so a changed interval applies to the next poll. */
  private pollDue(account: ChannelAccount): boolean {
    const now = Date.now();
    return now >= this.retryAfter && now >= this.lastPollStartedAt + account.options.pollIntervalSeconds * 1000;
  }

  /** Stops in-flight work and hands the lease over at once. */
  async stop(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled([this.pollTask, this.backgroundTask].filter((t) => t !== null));
    if (this.lease) {
      this.lease = null;
      await this.deps.leases.release(this.accountId).catch(() => undefined);
    }
  }

  private async keepLease(): Promise<void> {
    const ttl = this.deps.leases.ttlMs;
    if (this.lease && Date.now() - this.renewedAt < ttl / 3) return;
    // Without the lease, try again only every third of the TTL: a takeover needs the old
    // lease to expire anyway, and the database is spared an upsert per tick per replica.
    if (!this.lease && Date.now() - this.renewedAt < Math.min(ttl / 3, 5 * this.deps.tickMs)) return;
    this.renewedAt = Date.now();
    const lease = await this.deps.leases.acquire(this.accountId);
    if (!lease) {
      if (this.lease) {
        this.logger.warn('lost the account lease to another replica; stopping its work here');
        this.lease = null;
        this.abort.abort();
        this.abort = new AbortController();
      }
      return;
    }
    const taken = this.lease === null || this.lease.generation !== lease.generation;
    this.lease = lease;
    if (taken) await this.onLeaseTaken();
  }

  /** A new holder: pick up the poll cadence and close what a crashed holder left running. */
  private async onLeaseTaken(): Promise<void> {
    const m = this.deps.dataSource.manager;
    const state = await this.deps.pollState.load(m, this.accountId);
    // A window left half-done (a crash between pages) resumes at once; otherwise the
    // cadence goes on from the last poll, whoever made it.
    this.lastPollStartedAt = state.window ? 0 : (state.lastPollStartedAt?.getTime() ?? 0);
    await this.deps.catchUpRuns.replaceInterrupted(m, this.accountId);
    await this.deps.recoveries.requeueRunning(m, this.accountId);
    this.logger.log(`holding the account lease (generation ${this.lease?.generation})`);
  }

  private async pollOnce(account: ChannelAccount): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    const signal = this.abort.signal;
    this.lastPollStartedAt = Date.now();
    try {
      await this.deps.poll.execute(account, this.deps.connections.ordersFor(account.accountId), this.deps.leases.fence(lease), signal);
      this.failures = 0;
    } catch (error) {
      if (signal.aborted) return;
      this.failures++;
      // A failing poll is retried sooner than the interval, with backoff: the checkpoint
      // did not move, so nothing is lost by waiting, and the limiter paces the calls.
      const backoff = Math.min(account.options.pollIntervalSeconds * 1000, this.deps.tickMs * 2 ** Math.min(this.failures, 10));
      this.lastPollStartedAt = 0;
      this.retryAfter = Date.now() + backoff;
      this.logger.warn(`poll failed (${this.failures} in a row): ${(error as Error).message}`);
    }
  }

  /** Recoveries first (an operator waits for them), then a scheduled or queued catch-up run. */
  private async background(account: ChannelAccount): Promise<void> {
    const lease = this.lease;
    if (!lease) return;
    const signal = this.abort.signal;
    try {
      const amazon = this.deps.connections.ordersFor(account.accountId);
      await this.deps.recover.processQueued(account, amazon, signal);
      await this.scheduleCatchUp(account);
      await this.deps.runCatchUp.runNext(account, amazon, this.deps.leases.fence(lease), signal);
    } catch (error) {
      if (!signal.aborted) this.logger.warn(`background work failed: ${(error as Error).message}`);
    }
  }

  private async scheduleCatchUp(account: ChannelAccount): Promise<void> {
    const m = this.deps.dataSource.manager;
    const state = await this.deps.pollState.load(m, account.accountId);
    const now = new Date();
    if (!state.nextCatchUpAt) {
      await this.deps.pollState.scheduleCatchUp(m, account.accountId, nextScheduledCatchUp(null, now, account.options.catchUpEveryMinutes));
      return;
    }
    if (state.nextCatchUpAt > now) return;
    await this.deps.catchUpRuns.request(m, account.accountId, 'schedule', null);
    await this.deps.pollState.scheduleCatchUp(
      m,
      account.accountId,
      nextScheduledCatchUp(state.nextCatchUpAt, now, account.options.catchUpEveryMinutes),
    );
  }
}
