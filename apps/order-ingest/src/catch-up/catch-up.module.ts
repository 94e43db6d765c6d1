import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { OrdersModule } from '../orders/orders.module';
import { CatchUpRunsHttpController } from './api/catch-up-runs.http.controller';
import { RequestCatchUpUseCase } from './application/request-catch-up.use-case';
import { RunCatchUpUseCase } from './application/run-catch-up.use-case';
import { CatchUpRunRepository } from './infrastructure/catch-up-run.repository';

/** Catch-up runs by creation time: scheduled daily and on demand, recorded and visible. */
@Module({
  imports: [AccountsModule, OrdersModule],
  controllers: [CatchUpRunsHttpController],
  providers: [CatchUpRunRepository, RunCatchUpUseCase, RequestCatchUpUseCase],
  exports: [CatchUpRunRepository, RunCatchUpUseCase],
})
export class CatchUpModule {}
