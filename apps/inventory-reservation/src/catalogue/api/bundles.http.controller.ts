import { RequireScopes } from '@holdfast/platform';
import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { BundleNotFoundError } from '../../common/inventory.errors';
import { DefineBundleUseCase } from '../application/define-bundle.use-case';
import { CatalogueRepository } from '../infrastructure/catalogue.repository';
import { BundleParams, DefineBundleDto } from './catalogue.dto';

/** Bundles: channel-sellable SKUs made of several internal SKUs. */
@ApiTags('catalogue')
@Controller('v1/bundles')
export class BundlesHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CatalogueRepository) private readonly catalogue: CatalogueRepository,
    @Inject(DefineBundleUseCase) private readonly defineBundle: DefineBundleUseCase,
  ) {}

  @Get()
  @RequireScopes('stock:read')
  async list() {
    return { bundles: await this.catalogue.bundles(this.dataSource.manager) };
  }

  @Get(':bundleSku')
  @RequireScopes('stock:read')
  async get(@Param() params: BundleParams) {
    const bundle = await this.catalogue.bundle(this.dataSource.manager, params.bundleSku);
    if (!bundle) throw new BundleNotFoundError(params.bundleSku);
    return bundle;
  }

  @Put(':bundleSku')
  @RequireScopes('stock:write')
  @ApiOperation({ summary: 'Define a bundle from its components (availability = minimum over components)' })
  async define(@Param() params: BundleParams, @Body() body: DefineBundleDto) {
    return this.defineBundle.execute({ bundleSku: params.bundleSku, components: body.components });
  }
}
