import { RequireScopes } from '@holdfast/platform';
import { Controller, Get, Inject, NotFoundException, Param } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DesiredQuantityRepository } from '../infrastructure/desired-quantity.repository';

@Controller('v1')
export class DesiredHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(DesiredQuantityRepository) private readonly desired: DesiredQuantityRepository,
  ) {}

  @Get('desired/:sku')
  @RequireScopes('availability:read')
  async find(@Param('sku') sku: string) {
    const found = await this.desired.find(this.dataSource.manager, sku);
    if (!found) throw new NotFoundException(`no availability known for SKU ${sku}`);
    return found;
  }
}
