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
import {
  shopifyGatewayFromEnvironment,
  wooCommerceGatewayFromEnvironment,
} from './infrastructure/web-shop-shipment.gateway';

/**
 * Tells each channel about shipped packages. Channels plug in as `ChannelShipmentGateway`s:
 * Amazon, and the Shopify shops and WooCommerce stores configured in the environment.
 */
@Module({
  imports: [NotifierSettingsModule, CarrierMappingModule, OrderStateModule, ShipmentsModule],
  providers: [
    {
      provide: CHANNEL_SHIPMENT_GATEWAYS,
      useFactory: (settings: NotifierSettings): ChannelShipmentGateway[] => {
        const shops = {
          baseDelayMs: settings.SHOP_RETRY_BASE_MS,
          maxDelayMs: Math.max(settings.SHOP_RETRY_BASE_MS, 10_000),
          timeoutMs: settings.SHIPMENT_CALL_TIMEOUT_MS,
        };
        return [
          AmazonShipmentGateway.fromEnvironment(settings),
          shopifyGatewayFromEnvironment(shops),
          wooCommerceGatewayFromEnvironment(shops),
        ];
      },
      inject: [NOTIFIER_SETTINGS],
    },
    PackageNotificationRepository,
    PackageSender,
    ConfirmationVerifier,
    ShipmentSenderWorker,
  ],
})
export class ChannelNotificationModule {}
