import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module';
import { CatchUpModule } from '../catch-up/catch-up.module';
import { OrdersModule } from '../orders/orders.module';
import { PollHealthHttpController } from './api/poll-health.http.controller';
import { IngestWorkersService } from './application/ingest-workers.service';
import { PollAccountUseCase } from './application/poll-account.use-case';
import { PollStateRepository } from './infrastructure/poll-state.repository';

/** The poller per account, under a lease, and the workers that also run catch-ups and recoveries. */
@Module({
  imports: [AccountsModule, OrdersModule, CatchUpModule],
  controllers: [PollHealthHttpController],
  providers: [PollStateRepository, PollAccountUseCase, IngestWorkersService],
})
export class PollingModule {}
