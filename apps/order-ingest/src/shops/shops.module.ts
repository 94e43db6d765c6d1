import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { OrdersModule } from '../orders/orders.module';
import { OrderSnapshotRepository } from '../orders/infrastructure/order-snapshot.repository';
import { ShopReconciliationHttpController } from './api/shop-reconciliation.http.controller';
import { ShopWebhooksHttpController } from './api/shop-webhooks.http.controller';
import { ImportShopOrdersUseCase } from './application/import-shop-orders.use-case';
import { ReceiveShopWebhookUseCase } from './application/receive-shop-webhook.use-case';
import { ReconcileShopUseCase } from './application/reconcile-shop.use-case';
import { ShopIntakeWorkersService } from './application/shop-intake-workers.service';
import { ShopConnections } from './infrastructure/shop-connections';
import { ShopReconcileStateRepository } from './infrastructure/shop-reconcile-state.repository';
import { WebhookDeliveryRepository } from './infrastructure/webhook-delivery.repository';
import { loadShopIntakeConfig, SHOP_INTAKE_CONFIG } from './shop-intake.config';

/** Shopify and WooCommerce orders: signed webhooks, deduplicated, and a leased reconciliation poll per shop. */
@Module({
  imports: [AccountsModule, OrdersModule],
  controllers: [ShopWebhooksHttpController, ShopReconciliationHttpController],
  providers: [
    { provide: SHOP_INTAKE_CONFIG, useFactory: () => loadShopIntakeConfig(process.env) },
    ShopConnections,
    OrderSnapshotRepository,
    WebhookDeliveryRepository,
    ShopReconcileStateRepository,
    ImportShopOrdersUseCase,
    ReceiveShopWebhookUseCase,
    ReconcileShopUseCase,
    ShopIntakeWorkersService,
  ],
})
export class ShopsModule {}
