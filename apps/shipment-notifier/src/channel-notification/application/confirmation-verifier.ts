import { inTransaction } from '@holdfast/persistence';
import { defineCounter } from '@holdfast/telemetry';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NOTIFIER_SETTINGS, type NotifierSettings } from '../../config/notifier-settings';
import { retryDelayMs } from '../../shipments/domain/shipment-status';
import { ChannelUnavailableError, type ChannelShipmentGateway } from '../domain/channel-shipment-gateway';
import { PackageNotificationRepository } from '../infrastructure/package-notification.repository';

const verifications = defineCounter<'channel' | 'result'>({
  name: 'holdfast_shipment_verifications_total',
  help: 'Confirmations re-read at the channel later: applied, not_applied (accepted but not shown), unavailable.',
  labelNames: ['channel', 'result'],
});

/**
 * Later verification: some time after a channel accepted a package, the order is read again
 * to see the package there. Amazon has been seen answering 204 and dropping the confirmation;
 * such packages are flagged `not_applied` (status API, metric, warning) for an operator to
 * retry.
 */
@Injectable()
export class ConfirmationVerifier {
  private readonly logger = new Logger(ConfirmationVerifier.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(PackageNotificationRepository) private readonly packages: PackageNotificationRepository,
    @Inject(NOTIFIER_SETTINGS) private readonly settings: NotifierSettings,
  ) {}

  /** Verifies up to `limit` due packages of the account; returns how many were looked at. */
  async verifyDue(gateway: ChannelShipmentGateway, accountId: string, limit = 20): Promise<number> {
    const due = await this.packages.dueVerifications(this.dataSource.manager, { channel: gateway.channel, accountId }, limit);
    for (const p of due) {
      try {
        const lookup = await gateway.findPackage(accountId, p);
        const applied = lookup.kind === 'present';
        await inTransaction(this.dataSource, (m) =>
          this.packages.recordVerification(m, p, { verification: applied ? 'applied' : 'not_applied' }),
        );
        verifications.inc({ channel: gateway.channel, result: applied ? 'applied' : 'not_applied' });
        if (!applied) {
          this.logger.warn(
            `${gateway.channel} accepted package ${p.packageReferenceId} of order ${p.orderId} (shipment ${p.shipmentId}) but does not show it`,
          );
        }
      } catch (error) {
        const e = error instanceof ChannelUnavailableError ? error : new ChannelUnavailableError('UnknownError', String(error));
        await inTransaction(this.dataSource, (m) =>
          this.packages.recordVerification(m, p, {
            retryInMs: retryDelayMs(1, this.settings.SHIPMENT_RETRY_BASE_MS, this.settings.SHIPMENT_RETRY_MAX_MS),
            code: e.code,
            message: e.message,
          }),
        );
        verifications.inc({ channel: gateway.channel, result: 'unavailable' });
      }
    }
    return due.length;
  }
}
