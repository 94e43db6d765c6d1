import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountNotConfiguredError, AccountNotFoundError } from '../../accounts/domain/account.errors';
import { AmazonConnections } from '../../accounts/infrastructure/amazon-connections';
import { ChannelAccountRepository } from '../../accounts/infrastructure/channel-account.repository';
import { CatchUpRunRepository, type CatchUpRun } from '../infrastructure/catch-up-run.repository';

/** An operator asks for a catch-up run now; the account's lease holder carries it out. */
@Injectable()
export class RequestCatchUpUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelAccountRepository) private readonly accounts: ChannelAccountRepository,
    @Inject(AmazonConnections) private readonly connections: AmazonConnections,
    @Inject(CatchUpRunRepository) private readonly runs: CatchUpRunRepository,
  ) {}

  async execute(accountId: string, requestedBy: string): Promise<{ run: CatchUpRun; created: boolean }> {
    const account = await this.accounts.find(this.dataSource.manager, accountId);
    if (!account) throw new AccountNotFoundError(accountId);
    if (!account.configured || !this.connections.isConfigured(accountId)) throw new AccountNotConfiguredError(accountId);
    return inTransaction(this.dataSource, (m) => this.runs.request(m, accountId, 'request', requestedBy));
  }
}
