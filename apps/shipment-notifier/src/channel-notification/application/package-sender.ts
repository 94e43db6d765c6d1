import { ChannelSchema } from '@holdfast/contracts';
import { inTransaction, Outbox } from '@holdfast/persistence';
import { defineCounter } from '@holdfast/telemetry';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { carrierKey } from '../../carrier-mapping/domain/carrier-key';
import { OTHER_CARRIER_CODE } from '../../carrier-mapping/application/put-carrier-mapping.use-case';
import { CarrierMappingRepository } from '../../carrier-mapping/infrastructure/carrier-mapping.repository';
import { NOTIFIER_SETTINGS, type NotifierSettings } from '../../config/notifier-settings';
import { OrderStateRepository } from '../../order-state/infrastructure/order-state.repository';
import { retryDelayMs } from '../../shipments/domain/shipment-status';
import { ShipmentRepository } from '../../shipments/infrastructure/shipment.repository';
import {
  ChannelUnavailableError,
  type ChannelShipmentGateway,
  type ConfirmOutcome,
} from '../domain/channel-shipment-gateway';
import {
  PackageNotificationRepository,
  type ClaimedPackage,
  type RecordedOutcome,
} from '../infrastructure/package-notification.repository';

const notifications = defineCounter<'channel' | 'outcome'>({
  name: 'holdfast_shipment_notifications_total',
  help: 'Package notifications by how the attempt ended (confirmed, reconciled, unknown, throttled, failed, held).',
  labelNames: ['channel', 'outcome'],
});

/**
 * Sends one package's notification to its channel, exactly once:
 *
 * 1. the attempt is recorded (`sent`, outcome unknown) and committed before any call;
 * 2. if an earlier attempt's outcome is unknown (a 5xx, a timeout, a crash between the call
 *    and the commit), the channel is asked whether it has the package, and a package it has
 *    is confirmed without a second call;
 * 3. otherwise the carrier is mapped (unmapped: held) and the channel is called once;
 * 4. the outcome is committed with its event: accepted → confirmed (and `shipment.confirmed`
 *    once the whole shipment is), refused → failed (`shipment.failed`), unknown → retried
 *    with backoff, through step 2, until the attempts run out.
 *
 * The package reference id is the same on every attempt, so even a lookup that misses a
 * package the channel has just applied cannot produce a second package at Amazon: it refuses
 * a reference id it already holds.
 */
@Injectable()
export class PackageSender {
  private readonly logger = new Logger(PackageSender.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PackageNotificationRepository) private readonly packages: PackageNotificationRepository,
    @Inject(ShipmentRepository) private readonly shipments: ShipmentRepository,
    @Inject(CarrierMappingRepository) private readonly mappings: CarrierMappingRepository,
    @Inject(OrderStateRepository) private readonly orders: OrderStateRepository,
    @Inject(Outbox) private readonly outbox: Outbox,
    @Inject(NOTIFIER_SETTINGS) private readonly settings: NotifierSettings,
  ) {}

  /** Takes the account's next due package and sees it through; false when none was due. */
  async sendNext(gateway: ChannelShipmentGateway, accountId: string, lease: { resource: string; holder: string }): Promise<boolean> {
    const claimed = await inTransaction(this.dataSource, (m) =>
      this.packages.claimNext(m, { channel: gateway.channel, accountId }, lease, this.settings.SHIPMENT_INFLIGHT_GRACE_MS),
    );
    if (!claimed) return false;
    try {
      await this.process(gateway, claimed);
    } catch (error) {
      // The attempt stays `sent` with an unknown outcome: after the grace period it is
      // looked up at the channel like any interrupted attempt.
      this.logger.error(`package ${claimed.packageReferenceId} of order ${claimed.orderId}: ${(error as Error).stack ?? String(error)}`);
    }
    return true;
  }

  private async process(gateway: ChannelShipmentGateway, p: ClaimedPackage): Promise<void> {
    const mapped = await this.mappings.resolve(this.dataSource.manager, carrierKey(p.carrier), p.channel, p.marketplaceId);
    // A web shop shows any carrier name: without a mapping the ERP's own name goes as free text.
    const mapping = mapped ?? (gateway.unmappedCarriers === 'free-text' ? { code: p.carrier.trim(), name: null } : null);
    // Amazon takes a carrier name only with "Other"; web shops show the name with the tracking number.
    const carrierName = mapping && (mapping.code === OTHER_CARRIER_CODE || p.channel !== 'amazon') ? mapping.name : null;
    const carrier = { carrierCode: mapping?.code ?? null, carrierName };

    if (p.wasUnknown) {
      const found = await this.lookUp(gateway, p, carrier);
      if (found !== 'absent') return;
    }

    const order = await this.orders.find(this.dataSource.manager, p);
    if (order?.status === 'canceled') {
      return this.close(p, {
        state: 'failed',
        code: 'OrderCanceled',
        message: `Order ${p.orderId} was cancelled after the shipment was accepted: nothing was sent to ${gateway.channel}.`,
        outcomeUnknown: false,
      });
    }
    if (!mapping) {
      return this.close(p, {
        state: 'held',
        code: 'UnmappedCarrier',
        message:
          `Carrier "${p.carrier}" has no ${p.channel} carrier code` +
          `${p.marketplaceId ? ` for marketplace ${p.marketplaceId}` : ''}: ` +
          'map it (PUT /v1/carrier-mappings), then retry the shipment. Nothing was sent.',
        outcomeUnknown: false,
      });
    }

    const outcome: ConfirmOutcome = await gateway.confirmPackage(p.accountId, {
      shipmentId: p.shipmentId,
      orderId: p.orderId,
      marketplaceId: p.marketplaceId,
      packageReferenceId: p.packageReferenceId,
      carrierCode: mapping.code,
      carrierName,
      shippingMethod: p.shippingMethod,
      trackingNumber: p.trackingNumber,
      shipDate: p.shipDate,
      items: p.items.map((i) => ({ lineId: i.lineId, quantity: i.quantity })),
    });
    if (outcome.kind === 'accepted' && this.settings.FAULT_KILL_AFTER_CHANNEL_CONFIRM) {
      // Crash tests only: the channel has the package, our commit never happens.
      process.kill(process.pid, 'SIGKILL');
    }
    switch (outcome.kind) {
      case 'accepted': {
        // A web shop may send another spelling than the mapped one (Shopify's own company name): record what it got.
        const sent = outcome.carrierSent ? { carrierCode: outcome.carrierSent } : {};
        return this.close(p, { state: 'confirmed', by: 'response', ...carrier, ...sent, verifyAfterMs: this.verifyAfter() }, 'confirmed');
      }
      case 'not-applied':
        return this.close(
          p,
          { state: 'pending', code: outcome.code, message: outcome.message, retryInMs: this.backoff(p.attempts) },
          'throttled',
        );
      case 'unknown':
        return this.unknown(p, outcome.code, outcome.message, carrier);
      case 'rejected':
        if (p.wasUnknown && (await this.lookUp(gateway, p, carrier, { quiet: true })) !== 'absent') return;
        return this.close(p, { state: 'failed', code: outcome.code, message: outcome.message, outcomeUnknown: false, ...carrier });
    }
  }

  /**
   * Asks the channel whether an earlier attempt arrived. Present: confirmed by reconciliation
   * (no second call). Absent: the caller may send. Can't tell: the attempt stays open.
   */
  private async lookUp(
    gateway: ChannelShipmentGateway,
    p: ClaimedPackage,
    carrier: { carrierCode: string | null; carrierName: string | null },
    { quiet = false } = {},
  ): Promise<'absent' | 'closed'> {
    let lookup;
    try {
      lookup = await gateway.findPackage(p.accountId, p);
    } catch (error) {
      if (quiet) return 'absent';
      const e = error instanceof ChannelUnavailableError ? error : new ChannelUnavailableError('UnknownError', String(error));
      await this.unknown(p, e.code, `cannot check whether an earlier attempt arrived: ${e.message}`, {});
      return 'closed';
    }
    switch (lookup.kind) {
      case 'absent':
        return 'absent';
      case 'present':
        if (lookup.trackingNumber !== null && lookup.trackingNumber !== p.trackingNumber) {
          await this.close(p, {
            state: 'failed',
            code: 'PackageReferenceConflict',
            message: `${gateway.channel} already holds a package ${p.packageReferenceId} for order ${p.orderId} with another tracking number: check the order at the channel.`,
            outcomeUnknown: false,
          });
          return 'closed';
        }
        await this.close(p, { state: 'confirmed', by: 'reconciliation', ...carrier, verifyAfterMs: null }, 'reconciled');
        return 'closed';
      case 'order-unknown':
        await this.close(p, {
          state: 'failed',
          code: 'OrderUnknownAtChannel',
          message: `${gateway.channel} does not know order ${p.orderId}.`,
          outcomeUnknown: false,
        });
        return 'closed';
    }
  }

  private async unknown(
    p: ClaimedPackage,
    code: string,
    message: string,
    carrier: { carrierCode?: string | null; carrierName?: string | null },
  ): Promise<void> {
    if (p.attempts >= this.settings.SHIPMENT_MAX_ATTEMPTS) {
      return this.close(p, {
        state: 'failed',
        code,
        message: `gave up after ${p.attempts} attempts, the last one's outcome unknown (${message}); a retry first checks the channel`,
        outcomeUnknown: true,
        ...carrier,
      });
    }
    return this.close(p, { state: 'sent', code, message, retryInMs: this.backoff(p.attempts), ...carrier }, 'unknown');
  }

  /** Commits an outcome and the events it causes, in one transaction. */
  private async close(p: ClaimedPackage, outcome: RecordedOutcome, metricOutcome?: string): Promise<void> {
    await inTransaction(this.dataSource, async (manager) => {
      // Packages of one shipment close one at a time: exactly one of them writes the event.
      await this.shipments.row(manager, p.shipmentId, { lock: true });
      if (!(await this.packages.record(manager, p, outcome))) {
        this.logger.warn(`package ${p.packageReferenceId} of order ${p.orderId} changed meanwhile; outcome ${outcome.state} dropped`);
        return;
      }
      await this.emit(manager, p, outcome);
    });
    notifications.inc({ channel: p.channel, outcome: metricOutcome ?? outcome.state });
  }

  private async emit(manager: EntityManager, p: ClaimedPackage, outcome: RecordedOutcome): Promise<void> {
    const channel = ChannelSchema.parse(p.channel);
    const options = { correlationId: p.shipmentId, channelAccount: { channel, accountId: p.accountId } };
    if (outcome.state === 'confirmed') {
      const done = await this.packages.completeConfirmation(manager, p.shipmentId);
      if (!done) return;
      await this.outbox.add(
        manager,
        'shipment.confirmed',
        {
          shipmentId: p.shipmentId,
          channel,
          accountId: p.accountId,
          orderId: p.orderId,
          packages: done.packages,
          lines: done.lines,
          confirmedAt: done.confirmedAt.toISOString(),
        },
        options,
      );
    } else if (outcome.state === 'failed' || outcome.state === 'held') {
      await this.outbox.add(
        manager,
        'shipment.failed',
        {
          shipmentId: p.shipmentId,
          channel,
          accountId: p.accountId,
          orderId: p.orderId,
          code: outcome.code.slice(0, 100),
          message: outcome.message.slice(0, 2000),
          held: outcome.state === 'held',
        },
        options,
      );
    }
  }

  private backoff(attempt: number): number {
    return retryDelayMs(attempt, this.settings.SHIPMENT_RETRY_BASE_MS, this.settings.SHIPMENT_RETRY_MAX_MS);
  }

  private verifyAfter(): number | null {
    return this.settings.SHIPMENT_VERIFY_AFTER_MS > 0 ? this.settings.SHIPMENT_VERIFY_AFTER_MS : null;
  }
}
