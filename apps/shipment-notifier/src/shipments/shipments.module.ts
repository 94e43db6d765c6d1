import { Module } from '@nestjs/common';
import { NotifierSettingsModule } from '../config/notifier-settings.module';
import { IdempotentRequests } from '../idempotency/idempotent-request';
import { OrderStateModule } from '../order-state/order-state.module';
import { ManifestsHttpController } from './api/manifests.http.controller';
import { ShipmentsHttpController } from './api/shipments.http.controller';
import { CreateShipmentUseCase } from './application/create-shipment.use-case';
import { ManifestUseCase } from './application/manifest.use-case';
import { ShipmentActionsUseCase } from './application/shipment-actions.use-case';
import { ManifestRepository } from './infrastructure/manifest.repository';
import { ShipmentRepository } from './infrastructure/shipment.repository';

/** Shipments and manifests from the ERP. */
@Module({
  imports: [NotifierSettingsModule, OrderStateModule],
  controllers: [ShipmentsHttpController, ManifestsHttpController],
  providers: [
    IdempotentRequests,
    ShipmentRepository,
    ManifestRepository,
    CreateShipmentUseCase,
    ShipmentActionsUseCase,
    ManifestUseCase,
  ],
  exports: [ShipmentRepository],
})
export class ShipmentsModule {}
