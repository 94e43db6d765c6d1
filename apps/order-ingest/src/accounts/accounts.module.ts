import { loadAmazonAccounts } from '@holdfast/channels-amazon';
import { Module } from '@nestjs/common';
import { INGEST_CONFIG, loadIngestConfig } from '../config/ingest.config';
import { AccountsHttpController } from './api/accounts.http.controller';
import { UpdateAccountOptionsUseCase } from './application/update-account-options.use-case';
import { AMAZON_ACCOUNTS, AmazonConnections } from './infrastructure/amazon-connections';
import { ChannelAccountRepository } from './infrastructure/channel-account.repository';

/** Channel accounts: the accounts file, the options in the database, the Amazon connections. */
@Module({
  controllers: [AccountsHttpController],
  providers: [
    { provide: INGEST_CONFIG, useFactory: () => loadIngestConfig(process.env) },
    { provide: AMAZON_ACCOUNTS, useFactory: () => loadAmazonAccounts(process.env) },
    ChannelAccountRepository,
    AmazonConnections,
    UpdateAccountOptionsUseCase,
  ],
  exports: [INGEST_CONFIG, AMAZON_ACCOUNTS, ChannelAccountRepository, AmazonConnections],
})
export class AccountsModule {}
