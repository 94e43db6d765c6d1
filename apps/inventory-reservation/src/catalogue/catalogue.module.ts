import { Module } from '@nestjs/common';
import { AvailabilityModule } from '../availability/availability.module';
import { AccountCatalogueHttpController } from './api/account-catalogue.http.controller';
import { BundlesHttpController } from './api/bundles.http.controller';
import { LocationsHttpController } from './api/locations.http.controller';
import { DefineBundleUseCase } from './application/define-bundle.use-case';
import { DefineLocationUseCase } from './application/define-location.use-case';
import { CatalogueRepository } from './infrastructure/catalogue.repository';

/** Locations, channel SKU mappings, bundles and per-account options. */
@Module({
  imports: [AvailabilityModule],
  controllers: [LocationsHttpController, BundlesHttpController, AccountCatalogueHttpController],
  providers: [CatalogueRepository, DefineLocationUseCase, DefineBundleUseCase],
})
export class CatalogueModule {}
