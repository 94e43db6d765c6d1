import { Module } from '@nestjs/common';
import { ListingsModule } from '../listings/listings.module';
import { OperationsHttpController } from './api/operations.http.controller';
import { PublishingScheduler } from './application/publishing.scheduler';
import { RepublishUseCase } from './application/republish.use-case';
import { ChannelsModule } from './channels.module';
import { PublicationRepository } from './infrastructure/publication.repository';
import { PublishingGauges } from './publishing.metrics';

@Module({
  imports: [ChannelsModule, ListingsModule],
  controllers: [OperationsHttpController],
  providers: [PublicationRepository, PublishingScheduler, RepublishUseCase, PublishingGauges],
})
export class PublishingModule {}
