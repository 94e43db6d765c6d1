import { inTransaction } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ChannelPublisherRegistry } from '../../publishing/application/channel-publisher.registry';
import { UnknownChannelAccountError } from '../domain/listing.errors';
import type { QuantityRules } from '../domain/published-quantity';
import { ChannelRulesRepository, type ChannelRulesRecord } from '../infrastructure/channel-rules.repository';
import { DesiredQuantityRefresher } from './desired-quantity.refresher';

/** Sets an account's channel rules and recomputes the desired quantity of all its listings at once. */
@Injectable()
export class SetChannelRulesUseCase {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelRulesRepository) private readonly rules: ChannelRulesRepository,
    @Inject(DesiredQuantityRefresher) private readonly refresher: DesiredQuantityRefresher,
    @Inject(ChannelPublisherRegistry) private readonly channels: ChannelPublisherRegistry,
  ) {}

  async execute(channel: string, accountId: string, rules: QuantityRules): Promise<{ rules: ChannelRulesRecord; listingsChanged: number }> {
    if (!this.channels.account(channel, accountId)) throw new UnknownChannelAccountError(channel, accountId);
    return inTransaction(this.dataSource, async (manager) => {
      await this.rules.save(manager, channel, accountId, rules);
      const listingsChanged = await this.refresher.refreshAccount(manager, channel, accountId);
      const saved = await this.rules.find(manager, channel, accountId);
      if (!saved) throw new Error('rules vanished inside their own transaction');
      return { rules: saved, listingsChanged };
    });
  }
}
