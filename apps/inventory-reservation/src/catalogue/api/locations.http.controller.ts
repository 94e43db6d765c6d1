import { RequireScopes } from '@holdfast/platform';
import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { DefineLocationUseCase } from '../application/define-location.use-case';
import { CatalogueRepository } from '../infrastructure/catalogue.repository';
import { DefineLocationDto, LocationParams } from './catalogue.dto';

/** Stock locations and the channels they serve. */
@ApiTags('catalogue')
@Controller('v1/locations')
export class LocationsHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CatalogueRepository) private readonly catalogue: CatalogueRepository,
    @Inject(DefineLocationUseCase) private readonly defineLocation: DefineLocationUseCase,
  ) {}

  @Get()
  @RequireScopes('stock:read')
  async list() {
    return { locations: await this.catalogue.locations(this.dataSource.manager) };
  }

  @Put(':locationId')
  @RequireScopes('stock:write')
  @ApiOperation({ summary: 'Create or change a stock location and the channels it serves' })
  async define(@Param() params: LocationParams, @Body() body: DefineLocationDto) {
    return this.defineLocation.execute({
      locationId: params.locationId,
      name: body.name,
      channels: body.channels ?? null,
      priority: body.priority ?? 100,
    });
  }
}
