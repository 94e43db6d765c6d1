import type { Channel } from '@holdfast/contracts';
import { inTransaction, type HeldLease, type LeaseKeeper, type Outbox } from '@holdfast/persistence';
import { parentAndLinks, withSpan } from '@holdfast/telemetry';
import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { DataSource, EntityManager } from 'typeorm';
import type { PublisherSettings } from '../../config/publisher.settings';
import type { ChannelAccountDescriptor, ChannelPublisher, DeliveryProgress, ItemOutcome, PublishItem } from '../domain/channel-publisher';
import { shouldKeepCoalescing } from '../domain/coalescing';
import type { AccountRef, AppliedListing, FailedListing, PublicationRepository, RetryPolicy } from '../infrastructure/publication.repository';
import { listingPublications, publishAttempts, publishLatency } from '../publishing.metrics';

export interface AccountPublisherDeps {
  dataSource: DataSource;
  publications: PublicationRepository;
  outbox: Outbox;
  leases: LeaseKeeper;
  settings: PublisherSettings;
}

/** Product types looked up per round (getListingsItem allows a burst of 10). */
const LOOKUPS_PER_ROUND = 10;

/**
 * Publishes one channel account: the only place that calls the channel for it, and only
 * while this replica holds the account's lease. One round (`tick`):
 *
 * 1. hold the lease, or do nothing;
 * 2. give up attempts some earlier holder left half-sent;
 * 3. resume attempts due at the channel (poll a feed, read back patched listings);
 * 4. look up missing product types;
 * 5. settle listings whose desired quantity went back to the acknowledged one (no call);
 * 6. if the backlog is ready and has stopped growing, claim a batch and send it the way
 *    the channel adapter decides.
 *
 * Sending and resuming run in the background, so a slow PATCH batch never delays a feed
 * poll; at most one `deliver` per method runs at a time. Every outcome is written with
 * its events in one transaction.
 */
export class AccountPublisher {
  private readonly logger: Logger;
  private readonly account: AccountRef;
  private lease: HeldLease | null = null;
  private leaseCheckedAt = 0;
  private readonly running = new Map<string, { method: string; kind: 'deliver' | 'resume'; task: Promise<void> }>();
  private readonly retry: RetryPolicy;

  constructor(
    private readonly publisher: ChannelPublisher,
    descriptor: ChannelAccountDescriptor,
    private readonly deps: AccountPublisherDeps,
  ) {
    this.account = { channel: descriptor.channel, accountId: descriptor.accountId };
    this.logger = new Logger(`AccountPublisher:${descriptor.channel}:${descriptor.accountId}`);
    this.retry = { baseMs: deps.settings.PUBLISH_RETRY_BASE_MS, maxMs: deps.settings.PUBLISH_RETRY_MAX_MS };
  }

  get resource(): string {
    return `publish:${this.account.channel}:${this.account.accountId}`;
  }

  get holdsLease(): boolean {
    return this.lease !== null && this.lease.expiresAt.getTime() > Date.now();
  }

  async tick(): Promise<void> {
    if (!(await this.holdLease())) return;
    const { dataSource, publications } = this.deps;
    await this.interruptOrphans();
    for (const attempt of await publications.dueOpenAttempts(dataSource.manager, this.account)) {
      if (this.running.has(attempt.id)) continue;
      this.runInBackground(attempt.id, attempt.method, 'resume', () => this.resume(attempt.id, attempt.method, attempt.checkpoint));
    }
    await this.lookUpProductTypes();
    await inTransaction(dataSource, (m) => publications.settleUnchanged(m, this.account));
    await this.sendReady();
  }

  /** Waits for background work (shutdown), then lets another replica take the account at once. */
  async stop(): Promise<void> {
    await Promise.allSettled([...this.running.values()].map((r) => r.task));
    if (this.lease) await this.deps.leases.release(this.resource).catch(() => undefined);
    this.lease = null;
  }

  private async holdLease(): Promise<boolean> {
    const renewEvery = this.deps.settings.PUBLISH_LEASE_TTL_MS / 3;
    if (this.lease && Date.now() - this.leaseCheckedAt < renewEvery) return true;
    const previous = this.lease;
    this.lease = await this.deps.leases.acquire(this.resource);
    this.leaseCheckedAt = Date.now();
    if (this.lease && !previous) this.logger.log(`holding the lease (generation ${this.lease.generation})`);
    if (!this.lease && previous) this.logger.warn('lost the lease to another replica');
    return this.lease !== null;
  }

  /**
   * An attempt left in 'sending' by a process that is gone (or lost the lease) was cut off
   * mid-call: what it sent is unknown. Its items fail as uncertain, so they wait out the
   * channel's hold before anything else is sent for them.
   */
  private async interruptOrphans(): Promise<void> {
    const { dataSource, publications } = this.deps;
    const sending = await publications.sendingAttempts(dataSource.manager, this.account);
    for (const attempt of sending.filter((a) => !this.running.has(a.id))) {
      const items = await publications.attemptItems(dataSource.manager, attempt.id);
      this.logger.warn(`attempt ${attempt.id} (${attempt.method}, ${items.length} listings) was interrupted; its outcome is unknown`);
      await this.record(attempt.id, attempt.method, {
        outcomes: items.map((i) => ({
          listingId: i.listingId,
          result: 'failed',
          code: 'Interrupted',
          message: 'the process sending this change stopped before the channel answered',
          retryable: true,
          uncertain: true,
        })),
      }, 'interrupted');
    }
  }

  private async lookUpProductTypes(): Promise<void> {
    if (!this.publisher.requiresProductType) return;
    const { dataSource, publications } = this.deps;
    const targets = await publications.listingsToLookUp(dataSource.manager, this.account, LOOKUPS_PER_ROUND);
    for (const target of targets) {
      const found = await this.publisher.lookUpListing(this.account.accountId, target);
      await inTransaction(dataSource, (m) =>
        found.found
          ? publications.setProductType(m, target.listingId, found.productType)
          : publications.recordLookupFailure(m, target.listingId, found, this.retry),
      );
    }
  }

  private async sendReady(): Promise<void> {
    const { dataSource, publications } = this.deps;
    const requiresProductType = this.publisher.requiresProductType;
    const backlog = await publications.backlog(dataSource.manager, this.account, requiresProductType);
    if (backlog.ready === 0) return;
    const sending: Record<string, number> = {};
    for (const r of this.running.values()) if (r.kind === 'deliver') sending[r.method] = (sending[r.method] ?? 0) + 1;
    const now = Date.now();
    const arriving = backlog.lastChangeAt !== null && now - backlog.lastChangeAt.getTime() < this.deps.settings.PUBLISH_QUIET_MS;
    const decision = this.publisher.decide(this.account.accountId, {
      ready: backlog.ready,
      sending,
      open: await publications.openAttemptsByMethod(dataSource.manager, this.account),
      arrivalsPerSecond: arriving ? backlog.changedLastSecond : 0,
    });
    if (decision.action === 'wait') return;
    if (
      shouldKeepCoalescing({
        now,
        lastChangeAt: backlog.lastChangeAt?.getTime() ?? null,
        oldestReadySince: backlog.oldestReadySince?.getTime() ?? null,
        quietMs: decision.quietMs,
        worthWaitingMs: decision.worthWaitingMs,
      })
    ) {
      return;
    }
    if (!this.lease) return;
    const attemptId = randomUUID();
    const items = await inTransaction(dataSource, (m) =>
      publications.claim(
        m,
        this.account,
        { id: attemptId, method: decision.method, holder: this.deps.leases.holder, leaseGeneration: this.lease?.generation ?? 0 },
        decision.maxItems,
        requiresProductType,
      ),
    );
    if (items.length === 0) {
      await inTransaction(dataSource, (m) => publications.settle(m, attemptId, 'settled'));
      return;
    }
    publishAttempts.inc({ channel: this.account.channel, method: decision.method });
    this.logger.debug(`sending ${items.length} listings by ${decision.method} (attempt ${attemptId})`);
    this.runInBackground(attemptId, decision.method, 'deliver', () =>
      this.traced('publish attempt', attemptId, decision.method, items, () => this.deliver(attemptId, decision.method, items)),
    );
  }

  /**
   * Runs a channel call in a span that continues the trace of the change that set the
   * quantities, not of the scheduler's round: the order's trace then ends with the channel
   * call (an http span under this one). A batch serves many changes: its parent is the first
   * item's, the others are links.
   */
  private traced(name: string, attemptId: string, method: string, items: PublishItem[], work: () => Promise<void>): Promise<void> {
    const { parent, links } = parentAndLinks(items.map((i) => i.trace));
    const attributes = {
      'holdfast.channel': this.account.channel,
      'holdfast.account_id': this.account.accountId,
      'holdfast.publish.attempt_id': attemptId,
      'holdfast.publish.method': method,
      'holdfast.publish.items': items.length,
    };
    return withSpan(name, { parent, links, attributes }, work);
  }

  private runInBackground(attemptId: string, method: string, kind: 'deliver' | 'resume', work: () => Promise<void>): void {
    const task = work()
      .catch((error: unknown) => this.logger.error(`attempt ${attemptId} (${kind}): ${(error as Error).stack ?? String(error)}`))
      .finally(() => this.running.delete(attemptId));
    this.running.set(attemptId, { method, kind, task });
  }

  private async deliver(attemptId: string, method: string, items: PublishItem[]): Promise<void> {
    let progress: DeliveryProgress;
    try {
      progress = await this.publisher.deliver(this.account.accountId, method, items);
    } catch (error) {
      // The adapter broke its contract (a bug): nobody knows what reached the channel.
      progress = {
        outcomes: items.map((i) => ({
          listingId: i.listingId,
          result: 'failed',
          code: 'InternalError',
          message: (error as Error)?.message ?? String(error),
          retryable: true,
          uncertain: true,
        })),
      };
    }
    await this.record(attemptId, method, progress);
  }

  private async resume(attemptId: string, method: string, checkpoint: Record<string, unknown>): Promise<void> {
    const { dataSource, publications } = this.deps;
    const items = await publications.attemptItems(dataSource.manager, attemptId);
    if (items.length === 0) {
      await inTransaction(dataSource, (m) => publications.settle(m, attemptId, 'settled'));
      return;
    }
    await this.traced('publish attempt resume', attemptId, method, items, () => this.resumeItems(attemptId, method, checkpoint, items));
  }

  private async resumeItems(attemptId: string, method: string, checkpoint: Record<string, unknown>, items: PublishItem[]): Promise<void> {
    const { dataSource, publications } = this.deps;
    let progress: DeliveryProgress;
    try {
      progress = await this.publisher.resume(this.account.accountId, method, checkpoint, items);
    } catch (error) {
      const message = (error as Error)?.message ?? String(error);
      this.logger.warn(`resuming attempt ${attemptId} failed, trying again later: ${message}`);
      await inTransaction(dataSource, (m) => publications.postpone(m, attemptId, this.retry.baseMs, message));
      return;
    }
    await this.record(attemptId, method, progress);
  }

  /**
   * Writes what the channel said, and the events, in one transaction. With nothing left
   * open, items the adapter did not account for fail as uncertain.
   */
  private async record(attemptId: string, method: string, progress: DeliveryProgress, endState: 'settled' | 'interrupted' = 'settled'): Promise<void> {
    const { dataSource, publications } = this.deps;
    const { applied, failed } = await inTransaction(dataSource, async (m) => {
      let outcomes: ItemOutcome[] = progress.outcomes;
      if (!progress.open) {
        const mentioned = new Set(outcomes.map((o) => o.listingId));
        const forgotten = (await publications.attemptItems(m, attemptId)).filter((i) => !mentioned.has(i.listingId));
        outcomes = [
          ...outcomes,
          ...forgotten.map(
            (i): ItemOutcome => ({
              listingId: i.listingId,
              result: 'failed',
              code: 'NoOutcome',
              message: 'the channel adapter reported nothing for this listing',
              retryable: true,
              uncertain: true,
            }),
          ),
        ];
      }
      const result = await publications.recordOutcomes(
        m,
        { id: attemptId, method },
        outcomes,
        this.retry,
        this.publisher.uncertaintyHoldMs(method),
      );
      await this.emitEvents(m, method, result.applied, result.failed);
      if (progress.open) await publications.markOpen(m, attemptId, progress.open.checkpoint, progress.open.pollAfterMs);
      else await publications.settle(m, attemptId, endState);
      return result;
    });
    const channel = this.account.channel;
    if (applied.length > 0) listingPublications.inc({ channel, method, outcome: 'applied' }, applied.length);
    if (failed.length > 0) listingPublications.inc({ channel, method, outcome: 'failed' }, failed.length);
    const now = Date.now();
    for (const a of applied) if (a.pendingSince) publishLatency.observe({ channel, method }, (now - a.pendingSince.getTime()) / 1000);
    if (failed.length > 0) {
      const codes = [...new Set(failed.map((f) => f.code))].join(', ');
      this.logger.warn(`${failed.length} listing(s) failed by ${method} (${codes}); retried with backoff`);
    }
  }

  private async emitEvents(manager: EntityManager, method: string, applied: AppliedListing[], failed: FailedListing[]): Promise<void> {
    const channel = this.account.channel as Channel;
    const publishedAt = new Date().toISOString();
    for (const a of applied) {
      await this.deps.outbox.add(manager, 'listing.published', {
        channel,
        accountId: this.account.accountId,
        marketplaceId: a.marketplaceId,
        channelSku: a.channelSku,
        quantity: a.quantity,
        availabilityVersion: a.availabilityVersion,
        method: method === 'patch' || method === 'feed' ? method : 'api',
        publishedAt,
      });
    }
    for (const f of failed) {
      await this.deps.outbox.add(manager, 'listing.publish-failed', {
        channel,
        accountId: this.account.accountId,
        marketplaceId: f.marketplaceId,
        channelSku: f.channelSku,
        quantity: f.quantity,
        availabilityVersion: f.availabilityVersion,
        code: f.code,
        message: f.message,
        attempt: f.failures,
        willRetry: true,
      });
    }
  }
}
