import { Module } from '@nestjs/common';
import { CarrierMappingsHttpController } from './api/carrier-mappings.http.controller';
import { EditCarrierDataUseCase } from './application/edit-carrier-data.use-case';
import { PutCarrierMappingUseCase } from './application/put-carrier-mapping.use-case';
import { CarrierMappingRepository } from './infrastructure/carrier-mapping.repository';

@Module({
  controllers: [CarrierMappingsHttpController],
  providers: [CarrierMappingRepository, PutCarrierMappingUseCase, EditCarrierDataUseCase],
  exports: [CarrierMappingRepository],
})
export class CarrierMappingModule {}
