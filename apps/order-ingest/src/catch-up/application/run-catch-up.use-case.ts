import { searchOrderPages, type AmazonOrders } from '@holdfast/channels-amazon';
import { inTransaction } from '@holdfast/persistence';
import { withSpan } from '@holdfast/telemetry';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import type { ChannelAccount } from '../../accounts/domain/channel-account';
import { INGEST_CONFIG, type IngestConfig } from '../../config/ingest.config';
import { ImportOrdersUseCase, ORDER_DATASETS } from '../../orders/application/import-orders.use-case';
import { planCatchUp } from '../domain/catch-up-plan';
import { CatchUpRunRepository, type CatchUpRun } from '../infrastructure/catch-up-run.repository';

/**
 * Carries out a catch-up run: each planned search, every page, each page imported like a
 * poll's (same change detection, so an order the poll already has is `unchanged` and emits
 * nothing) and its tally added to the run's record in the page's transaction.
 */
@Injectable()
export class RunCatchUpUseCase {
  private readonly logger = new Logger(RunCatchUpUseCase.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CatchUpRunRepository) private readonly runs: CatchUpRunRepository,
    @Inject(ImportOrdersUseCase) private readonly importOrders: ImportOrdersUseCase,
    @Inject(INGEST_CONFIG) private readonly config: IngestConfig,
  ) {}

  /** Takes the account's next queued run, if any, and carries it out. */
  async runNext(
    account: ChannelAccount,
    amazon: AmazonOrders,
    fence: (m: EntityManager) => Promise<void>,
    signal: AbortSignal,
  ): Promise<CatchUpRun | null> {
    // Runs are carried out one at a time, by the lease holder, in this call: a run still marked
    // running here was left so (its end could not be recorded while the database restarted, or
    // a previous holder stopped). It is closed and queued again, or it would hold the account's
    // one open run forever and every request would be answered with it.
    const run = await inTransaction(this.dataSource, async (m) => {
      await this.runs.replaceInterrupted(m, account.accountId);
      return this.runs.claimQueued(m, account.accountId);
    });
    if (!run) return null;
    // Like a poll, a run is the root of the traces of the orders it finds.
    const attributes = { 'holdfast.account_id': account.accountId, 'holdfast.catch_up_run_id': run.id };
    await withSpan('orders catch-up run', { attributes }, async () => {
      try {
        await this.carryOut(run, account, amazon, fence, signal);
        await this.runs.finish(this.dataSource.manager, run.id, 'succeeded', null);
      } catch (error) {
        // A stop or a lost lease leaves the run running: the next lease holder replaces it.
        if (signal.aborted) throw error;
        this.logger.warn(`catch-up run ${run.id} of ${account.accountId} failed: ${(error as Error).message}`);
        await this.runs.finish(this.dataSource.manager, run.id, 'failed', (error as Error).message);
      }
    });
    return this.runs.find(this.dataSource.manager, run.id);
  }

  private async carryOut(
    run: CatchUpRun,
    account: ChannelAccount,
    amazon: AmazonOrders,
    fence: (m: EntityManager) => Promise<void>,
    signal: AbortSignal,
  ): Promise<void> {
    const scans = planCatchUp(account.options, new Date(), this.config.searchLagMs);
    for (const [index, scan] of scans.entries()) {
      await this.runs.startScan(this.dataSource.manager, run.id, {
        name: scan.name,
        fulfilledBy: scan.fulfilledBy,
        fulfillmentStatuses: scan.fulfillmentStatuses ?? null,
        createdAfter: scan.createdAfter.toISOString(),
        createdBefore: scan.createdBefore.toISOString(),
        pages: 0,
        scanned: 0,
        new: 0,
        changed: 0,
        unchanged: 0,
        errors: 0,
      });
      const pages = searchOrderPages(
        amazon,
        {
          window: { by: 'created', after: scan.createdAfter, before: scan.createdBefore },
          marketplaceIds: account.marketplaceIds,
          fulfilledBy: scan.fulfilledBy,
          fulfillmentStatuses: scan.fulfillmentStatuses,
          includedData: ORDER_DATASETS,
          maxResultsPerPage: this.config.pageSize,
        },
        undefined,
        signal,
      );
      for await (const page of pages) {
        await this.importOrders.execute(
          {
            account,
            amazon,
            detectedBy: 'catch-up',
            correlationId: run.id,
            signal,
            before: fence,
            after: (m, tally) => this.runs.addPage(m, run.id, index, tally),
          },
          page.orders.map((raw) => ({ raw, operation: 'searchOrders' as const })),
        );
      }
    }
  }
}
