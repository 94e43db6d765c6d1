import { Module } from '@nestjs/common';
import { ChannelsModule } from '../publishing/channels.module';
import { ListingsHttpController } from './api/listings.http.controller';
import { RulesHttpController } from './api/rules.http.controller';
import { DesiredQuantityRefresher } from './application/desired-quantity.refresher';
import { RegisterListingsUseCase } from './application/register-listings.use-case';
import { SetChannelRulesUseCase } from './application/set-channel-rules.use-case';
import { ChannelRulesRepository } from './infrastructure/channel-rules.repository';
import { ListingRepository } from './infrastructure/listing.repository';

@Module({
  imports: [ChannelsModule],
  controllers: [ListingsHttpController, RulesHttpController],
  providers: [ListingRepository, ChannelRulesRepository, DesiredQuantityRefresher, RegisterListingsUseCase, SetChannelRulesUseCase],
  exports: [ListingRepository, DesiredQuantityRefresher],
})
export class ListingsModule {}
