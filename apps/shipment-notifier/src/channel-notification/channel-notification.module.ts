import { Module } from '@nestjs/common';
import { CarrierMappingModule } from '../carrier-mapping/carrier-mapping.module';
import { NOTIFIER_SETTINGS, type NotifierSettings } from '../config/notifier-settings';
import { NotifierSettingsModule } from '../config/notifier-settings.module';
import { OrderStateModule } from '../order-state/order-state.module';
import { ShipmentsModule } from '../shipments/shipments.module';
import { ConfirmationVerifier } from './application/confirmation-verifier';
import { PackageSender } from './application/package-sender';
import { ShipmentSenderWorker } from './application/shipment-sender.worker';
import { CHANNEL_SHIPMENT_GATEWAYS, type ChannelShipmentGateway } from './domain/channel-shipment-gateway';
import { AmazonShipmentGateway } from './infrastructure/amazon-shipment.gateway';
import { PackageNotificationRepository } from './infrastructure/package-notification.repository';

/**
 * Tells each channel about shipped packages. Channels plug in as `ChannelShipmentGateway`s:
 * add a web shop by adding its gateway to this list.
 */
@Module({
  imports: [NotifierSettingsModule, CarrierMappingModule, OrderStateModule, ShipmentsModule],
  providers: [
    {
      provide: CHANNEL_SHIPMENT_GATEWAYS,
      useFactory: (settings: NotifierSettings): ChannelShipmentGateway[] => [AmazonShipmentGateway.fromEnvironment(settings)],
      inject: [NOTIFIER_SETTINGS],
    },
    PackageNotificationRepository,
    PackageSender,
    ConfirmationVerifier,
    ShipmentSenderWorker,
  ],
})
export class ChannelNotificationModule {}
