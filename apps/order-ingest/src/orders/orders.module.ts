import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { OrdersHttpController } from './api/orders.http.controller';
import { ImportOrdersUseCase } from './application/import-orders.use-case';
import { PurgeBuyerDataUseCase } from './application/purge-buyer-data.use-case';
import { RecoverOrderUseCase } from './application/recover-order.use-case';
import { BuyerDataVault } from './infrastructure/buyer-data.vault';
import { IngestErrorRepository } from './infrastructure/ingest-error.repository';
import { OrderRecoveryRepository } from './infrastructure/order-recovery.repository';
import { OrderSnapshotRepository } from './infrastructure/order-snapshot.repository';

/** Order snapshots, change detection and events, buyer data, recoveries, ingest errors. */
@Module({
  imports: [AccountsModule],
  controllers: [OrdersHttpController],
  providers: [
    OrderSnapshotRepository,
    BuyerDataVault,
    IngestErrorRepository,
    OrderRecoveryRepository,
    ImportOrdersUseCase,
    RecoverOrderUseCase,
    PurgeBuyerDataUseCase,
  ],
  exports: [ImportOrdersUseCase, RecoverOrderUseCase, PurgeBuyerDataUseCase, IngestErrorRepository, OrderRecoveryRepository],
})
export class OrdersModule {}
