import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { ChannelSchema } from '@holdfast/contracts';
import { inTransaction, LeaseKeeper, Outbox } from '@holdfast/persistence';
import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../../config/notifier.config';
import { NOTIFIER_SETTINGS, type NotifierSettings } from '../../config/notifier-settings';
import { CHANNEL_SHIPMENT_GATEWAYS, type ChannelShipmentGateway } from '../domain/channel-shipment-gateway';
import { PackageNotificationRepository } from '../infrastructure/package-notification.repository';
import { ConfirmationVerifier } from './confirmation-verifier';
import { PackageSender } from './package-sender';

/** Packages sent per account before the lease is renewed and verifications get a turn. */
const BATCH = 20;
const UNSERVED_RESOURCE = 'shipment-sender:unserved';

/**
 * Runs the sender: one loop per (channel, account) this process has credentials for. A loop
 * works only while it holds the account's lease, so several replicas never multiply calls to
 * one account (and never confirm one package from two places); a crashed replica's lease
 * expires and another takes over, reconciling whatever that one left in flight.
 */
@Injectable()
export class ShipmentSenderWorker implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(ShipmentSenderWorker.name);
  private readonly leases: LeaseKeeper;
  private readonly held = new Set<string>();
  private readonly loops: Promise<void>[] = [];
  private readonly abort = new AbortController();
  private started = false;

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CHANNEL_SHIPMENT_GATEWAYS) private readonly gateways: ChannelShipmentGateway[],
    @Inject(PackageSender) private readonly sender: PackageSender,
    @Inject(ConfirmationVerifier) private readonly verifier: ConfirmationVerifier,
    @Inject(PackageNotificationRepository) private readonly packages: PackageNotificationRepository,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(NOTIFIER_SETTINGS) private readonly settings: NotifierSettings,
  ) {
    this.leases = new LeaseKeeper(
      dataSource,
      NOTIFIER_SCHEMA,
      `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`,
      settings.SHIPMENT_LEASE_TTL_MS,
    );
  }

  onApplicationBootstrap(): void {
    // A hybrid app bootstraps twice (HTTP, then the consumer): start once.
    if (this.started || !this.settings.SHIPMENT_SENDER_ENABLED) return;
    this.started = true;
    for (const gateway of this.gateways) {
      for (const accountId of gateway.accounts()) this.loops.push(this.accountLoop(gateway, accountId));
    }
    this.loops.push(this.loop(UNSERVED_RESOURCE, () => this.holdUnserved()));
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.abort.abort();
    await Promise.allSettled(this.loops);
    await Promise.allSettled([...this.held].map((r) => this.leases.release(r)));
  }

  private accountLoop(gateway: ChannelShipmentGateway, accountId: string): Promise<void> {
    const resource = `shipment-sender:${gateway.channel}:${accountId}`;
    return this.loop(resource, async () => {
      let worked = 0;
      while (worked < BATCH && !this.abort.signal.aborted) {
        if (!(await this.sender.sendNext(gateway, accountId, { resource, holder: this.leases.holder }))) break;
        worked += 1;
      }
      if (!this.abort.signal.aborted) await this.verifier.verifyDue(gateway, accountId);
      return worked === BATCH;
    });
  }

  /** Runs `work` while holding `resource`, every poll interval (at once again when it asks). */
  private async loop(resource: string, work: () => Promise<boolean | void>): Promise<void> {
    while (!this.abort.signal.aborted) {
      let more = false;
      try {
        const lease = await this.leases.acquire(resource);
        if (lease) {
          this.held.add(resource);
          more = (await work()) === true;
        } else {
          this.held.delete(resource);
        }
      } catch (error) {
        this.logger.error(`${resource}: ${(error as Error).message}`);
      }
      if (!more) await this.sleep(this.settings.SHIPMENT_SENDER_POLL_MS);
    }
  }

  /** Due packages of channels or accounts this service cannot serve are held, with the reason. */
  private async holdUnserved(): Promise<void> {
    const served = this.gateways.map((g) => ({ channel: g.channel, accountIds: g.accounts() }));
    await inTransaction(this.dataSource, async (manager) => {
      const held = await this.packages.holdUnserved(manager, served);
      const seen = new Set<string>();
      for (const h of held) {
        if (seen.has(h.shipmentId)) continue;
        seen.add(h.shipmentId);
        const channel = ChannelSchema.parse(h.channel);
        await this.outbox.add(
          manager,
          'shipment.failed',
          { shipmentId: h.shipmentId, channel, accountId: h.accountId, orderId: h.orderId, code: h.code, message: h.message, held: true },
          { correlationId: h.shipmentId, channelAccount: { channel, accountId: h.accountId } },
        );
      }
      if (held.length > 0) this.logger.warn(`held ${held.length} package(s) no sender here can serve`);
    });
  }

  private sleep(ms: number): Promise<void> {
    const signal = this.abort.signal;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal.addEventListener('abort', done, { once: true });
    });
  }
}
