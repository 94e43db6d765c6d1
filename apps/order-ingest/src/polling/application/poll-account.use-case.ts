import {
  SpApiError,
  type AmazonOrders,
  type OrderSearchPage,
  type OrderSearchQuery,
} from '@holdfast/channels-amazon';
import { defineGauge, withSpan } from '@holdfast/telemetry';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChannelAccount } from '../../accounts/domain/channel-account';
import { AmazonConnections } from '../../accounts/infrastructure/amazon-connections';
import { INGEST_CONFIG, type IngestConfig } from '../../config/ingest.config';
import { ImportOrdersUseCase, ORDER_DATASETS } from '../../orders/application/import-orders.use-case';
import { rawTextWithoutPersonalData } from '../../orders/domain/raw-payload-text';
import { IngestErrorRepository } from '../../orders/infrastructure/ingest-error.repository';
import { advanceWindow, nextPollWindow, type WindowProgress } from '../domain/poll-window';
import { PollStateRepository } from '../infrastructure/poll-state.repository';

const pollLag = defineGauge<'account'>({
  name: 'holdfast_order_ingest_poll_lag_seconds',
  help: 'Seconds between now and the time up to which every order update of the account is imported.',
  labelNames: ['account'],
});

export interface PollOutcome {
  pages: number;
  orders: number;
  newOrders: number;
  changedOrders: number;
  errors: number;
}

function lastUpdatedTimeOf(raw: unknown): Date | null {
  const t = (raw as { lastUpdatedTime?: unknown } | null)?.lastUpdatedTime;
  if (typeof t !== 'string') return null;
  const ms = Date.parse(t);
  return Number.isFinite(ms) ? new Date(ms) : null;
}

/**
 * One poll of one account (searchOrders by `lastUpdatedTime`, every status, every
 * marketplace of the account, every page). Each page is imported and the checkpoint moved
 * in one transaction; between pages the window's position (its pagination token) is
 * committed too, so a crash resumes with the next page: nothing lost, nothing fetched twice.
 */
@Injectable()
export class PollAccountUseCase {
  private readonly logger = new Logger(PollAccountUseCase.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PollStateRepository) private readonly state: PollStateRepository,
    @Inject(ImportOrdersUseCase) private readonly importOrders: ImportOrdersUseCase,
    @Inject(IngestErrorRepository) private readonly errors: IngestErrorRepository,
    @Inject(AmazonConnections) private readonly connections: AmazonConnections,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  async execute(
    account: ChannelAccount,
    amazon: AmazonOrders,
    fence: (m: EntityManager) => Promise<void>,
    signal: AbortSignal,
  ): Promise<PollOutcome> {
    // The root of an order's trace: the searchOrders calls (http spans) and each page's
    // import are its children, and the events a page writes carry its context onwards.
    return withSpan('orders poll', { attributes: { 'holdfast.account_id': account.accountId } }, async (span) => {
      const outcome: PollOutcome = { pages: 0, orders: 0, newOrders: 0, changedOrders: 0, errors: 0 };
      try {
        await this.poll(account, amazon, fence, signal, outcome);
        await this.state.pollSucceeded(this.dataSource.manager, account.accountId);
      } catch (error) {
        if (!signal.aborted)
          await this.state.pollFailed(this.dataSource.manager, account.accountId, (error as Error).message);
        throw error;
      } finally {
        span.setAttributes({
          'holdfast.poll.pages': outcome.pages,
          'holdfast.orders.received': outcome.orders,
          'holdfast.orders.new': outcome.newOrders,
          'holdfast.orders.changed': outcome.changedOrders,
        });
      }
      return outcome;
    });
  }

  private async poll(
    account: ChannelAccount,
    amazon: AmazonOrders,
    fence: (m: EntityManager) => Promise<void>,
    signal: AbortSignal,
    outcome: PollOutcome,
  ): Promise<void> {
    const { accountId } = account;
    const m = this.dataSource.manager;
    const current = await this.state.load(m, accountId);
    let after: Date;
    let before: Date;
    let token: string | undefined;
    let progress: WindowProgress;
    if (current.window) {
      ({ after, before } = current.window);
      token = current.window.token;
      progress = { sorted: current.window.sorted, newest: current.window.newest };
    } else {
      const next = nextPollWindow(current, new Date(), {
        overlapMs: account.options.overlapSeconds * 1000,
        searchLagMs: this.config.searchLagMs,
        firstPollLookbackMs: this.config.firstPollLookbackMs,
      });
      await this.state.pollStarted(m, accountId, next.origin);
      if (!next.window) return;
      ({ after, before } = next.window);
      progress = { sorted: true, newest: null };
    }
    if (current.window) await this.state.pollStarted(m, accountId, current.origin ?? after);

    const query: OrderSearchQuery = {
      window: { by: 'lastUpdated', after, before },
      marketplaceIds: account.marketplaceIds,
      includedData: ORDER_DATASETS,
      maxResultsPerPage: this.config.pageSize,
    };
    for (;;) {
      const page = await this.search(account, amazon, query, token, signal);
      if (page === 'restart') {
        // The saved token no longer works: start the window again from the checkpoint.
        await this.state.abandonWindow(m, accountId);
        return this.poll(account, amazon, fence, signal, outcome);
      }
      const times = page.orders.map(lastUpdatedTimeOf).filter((t): t is Date => t !== null);
      const lastPage = page.nextToken === null;
      const advanced = advanceWindow(progress, times, lastPage);
      progress = advanced.progress;
      const tally = await this.importOrders.execute(
        {
          account,
          amazon,
          detectedBy: 'poll',
          signal,
          before: fence,
          after: (tx) =>
            this.state.commitPage(tx, accountId, {
              checkpoint: advanced.checkpoint,
              orders: page.orders.length,
              continueWith: page.nextToken ? { after, before, token: page.nextToken, ...progress } : null,
              coveredUntil: lastPage ? before : null,
            }),
        },
        page.orders.map((raw) => ({ raw, operation: 'searchOrders' as const })),
      );
      outcome.pages++;
      outcome.orders += tally.received;
      outcome.newOrders += tally.new;
      outcome.changedOrders += tally.changed;
      outcome.errors += tally.errors;
      if (lastPage) {
        pollLag.set({ account: accountId }, Math.max(0, (Date.now() - before.getTime()) / 1000));
        return;
      }
      token = page.nextToken ?? undefined;
    }
  }

  /**
   * One searchOrders call, counted; a malformed answer is recorded as an ingest error (with
   * the text received) and fails the poll: the checkpoint stays, the next poll asks again.
   */
  private async search(
    account: ChannelAccount,
    amazon: AmazonOrders,
    query: OrderSearchQuery,
    token: string | undefined,
    signal: AbortSignal,
  ): Promise<OrderSearchPage | 'restart'> {
    const { accountId } = account;
    const throttledBefore = this.connections.throttles(accountId, 'searchOrders');
    try {
      return await amazon.searchOrders(query, token, signal);
    } catch (error) {
      if (token && error instanceof SpApiError && error.kind === 'rejected' && error.status === 400) {
        this.logger.warn(`pagination token of ${accountId} refused (${error.code}); restarting the window`);
        return 'restart';
      }
      if (error instanceof SpApiError && error.kind === 'malformed') {
        await this.errors.record(this.dataSource.manager, {
          accountId,
          orderId: null,
          problem: 'malformed-response',
          detail: error.message,
          operation: 'searchOrders',
          detectedBy: 'poll',
          ...(error.bodyText === undefined
            ? {}
            : { raw: { bodyText: rawTextWithoutPersonalData(error.bodyText) } }),
        });
      }
      throw error;
    } finally {
      const throttled = this.connections.recordThrottles(
        'searchOrders',
        throttledBefore,
        this.connections.throttles(accountId, 'searchOrders'),
      );
      await this.state.countCalls(this.dataSource.manager, accountId, 1, throttled);
    }
  }
}
