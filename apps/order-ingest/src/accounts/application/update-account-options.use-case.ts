import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AccountNotFoundError, NoOptionChangedError } from '../domain/account.errors';
import type { AccountOptions, ChannelAccount } from '../domain/channel-account';
import { ChannelAccountRepository } from '../infrastructure/channel-account.repository';

/**
 * Changes an account's import options. The workers read options at every tick, so a
 * change applies to the next poll or run without a restart, on whichever replica polls.
 */
@Injectable()
export class UpdateAccountOptionsUseCase {
  private readonly logger = new Logger(UpdateAccountOptionsUseCase.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelAccountRepository) private readonly accounts: ChannelAccountRepository,
  ) {}

  async execute(accountId: string, changes: Partial<AccountOptions>, changedBy: string): Promise<ChannelAccount> {
    if (Object.values(changes).every((v) => v === undefined)) throw new NoOptionChangedError();
    const account = await inTransaction(this.dataSource, (m) => this.accounts.updateOptions(m, accountId, changes));
    if (!account) throw new AccountNotFoundError(accountId);
    this.logger.log({ accountId, changedBy, changes }, 'account options changed');
    return account;
  }
}
