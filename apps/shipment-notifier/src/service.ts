import type { ServiceDefinition } from '@holdfast/runtime';
import { CarrierMappingModule } from './carrier-mapping/carrier-mapping.module';
import { ChannelNotificationModule } from './channel-notification/channel-notification.module';
import { NOTIFIER_SCHEMA, SERVICE_NAME } from './config/notifier.config';
import { OrderStates1764000000000 } from './migrations/1764000000000-order-states';
import { Shipments1765000000000 } from './migrations/1765000000000-shipments';
import { CarrierMappings1765000000001 } from './migrations/1765000000001-carrier-mappings';
import { ShopCarrierMappings1766000000000 } from './migrations/1766000000000-shop-carrier-mappings';
import { OrderStateModule } from './order-state/order-state.module';
import { ShipmentsModule } from './shipments/shipments.module';

export const shipmentNotifierService: ServiceDefinition = {
  name: SERVICE_NAME,
  schema: NOTIFIER_SCHEMA,
  defaultHttpPort: 3004,
  description:
    'Shipments and manifests from the ERP, carrier mappings, and shipment confirmations with tracking to every channel, exactly once.',
  imports: [OrderStateModule, CarrierMappingModule, ShipmentsModule, ChannelNotificationModule],
  migrations: [
    OrderStates1764000000000,
    Shipments1765000000000,
    CarrierMappings1765000000001,
    ShopCarrierMappings1766000000000,
  ],
};
