import { LeaseKeeper, Outbox } from '@holdfast/persistence';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { DataSource } from 'typeorm';
import { PUBLISHER_SCHEMA } from '../../config/publisher.config';
import { PUBLISHER_SETTINGS, type PublisherSettings } from '../../config/publisher.settings';
import { PublicationRepository } from '../infrastructure/publication.repository';
import { AccountPublisher } from './account-publisher';
import { ChannelPublisherRegistry } from './channel-publisher.registry';

const ATTEMPT_RETENTION_HOURS = 168;

/**
 * Runs one publishing loop per configured channel account, from start-up to shutdown.
 * Every replica runs the loops; the account leases decide which one actually calls each
 * account, so adding replicas never multiplies calls. On shutdown the loops finish what
 * they are sending and release their leases, so another replica takes over at once.
 */
@Injectable()
export class PublishingScheduler implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(PublishingScheduler.name);
  private readonly publishers: AccountPublisher[] = [];
  private readonly loops: Promise<void>[] = [];
  private readonly wakers = new Set<() => void>();
  private running = false;
  private lastPrune = 0;
  readonly leases: LeaseKeeper;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PublicationRepository) private readonly publications: PublicationRepository,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(ChannelPublisherRegistry) private readonly registry: ChannelPublisherRegistry,
    @Inject(PUBLISHER_SETTINGS) private readonly settings: PublisherSettings,
  ) {
    this.leases = new LeaseKeeper(
      dataSource,
      PUBLISHER_SCHEMA,
      `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      settings.PUBLISH_LEASE_TTL_MS,
    );
  }

  onApplicationBootstrap(): void {
    // A hybrid app (HTTP + consumer) runs bootstrap hooks twice.
    if (this.running) return;
    this.running = true;
    for (const publisher of this.registry.all()) {
      for (const account of publisher.accounts()) {
        const accountPublisher = new AccountPublisher(publisher, account, {
          dataSource: this.dataSource,
          publications: this.publications,
          outbox: this.outbox,
          leases: this.leases,
          settings: this.settings,
        });
        this.publishers.push(accountPublisher);
        this.loops.push(this.loop(accountPublisher));
      }
    }
    this.logger.log(`publishing to ${this.publishers.length} channel account(s) as ${this.leases.holder}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    this.wakers.forEach((wake) => wake());
    await Promise.allSettled(this.loops);
    await Promise.allSettled(this.publishers.map((p) => p.stop()));
  }

  /** Which accounts this replica publishes right now. */
  heldAccounts(): string[] {
    return this.publishers.filter((p) => p.holdsLease).map((p) => p.resource);
  }

  private async loop(publisher: AccountPublisher): Promise<void> {
    while (this.running) {
      try {
        await publisher.tick();
        if (Date.now() - this.lastPrune > 3_600_000) {
          this.lastPrune = Date.now();
          await this.publications.pruneAttempts(this.dataSource.manager, ATTEMPT_RETENTION_HOURS);
        }
      } catch (error) {
        this.logger.error(`publishing round of ${publisher.resource} failed: ${(error as Error).stack ?? String(error)}`);
      }
      if (!this.running) break;
      await new Promise<void>((resolve) => {
        const wake = () => {
          clearTimeout(timer);
          this.wakers.delete(wake);
          resolve();
        };
        const timer = setTimeout(wake, this.settings.PUBLISH_POLL_MS);
        this.wakers.add(wake);
      });
    }
  }
}
