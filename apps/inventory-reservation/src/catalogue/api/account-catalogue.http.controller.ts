import { inTransaction } from '@holdfast/persistence';
import { RequireScopes } from '@holdfast/platform';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { SkuNotFoundError } from '../../common/inventory.errors';
import { CatalogueRepository } from '../infrastructure/catalogue.repository';
import { AccountParams, AccountSettingsDto, ChannelSkuParams, MapChannelSkuDto } from './catalogue.dto';

/**
 * Per channel account: which internal SKU (or bundle) each channel SKU stands for, and
 * whether Amazon-fulfilled orders hold merchant stock. A channel SKU without a mapping
 * stands for the internal SKU of the same name.
 */
@ApiTags('catalogue')
@Controller('v1/accounts/:channel/:accountId')
export class AccountCatalogueHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CatalogueRepository) private readonly catalogue: CatalogueRepository,
  ) {}

  @Get('sku-mappings')
  @RequireScopes('stock:read')
  async mappings(@Param() params: AccountParams) {
    return { mappings: await this.catalogue.mappings(this.dataSource.manager, params.channel, params.accountId) };
  }

  @Put('sku-mappings/:channelSku')
  @RequireScopes('stock:write')
  @ApiOperation({
    summary: 'Map a channel SKU to an internal SKU or bundle',
    description: 'Applies to order events received from now on.',
  })
  async map(@Param() params: ChannelSkuParams, @Body() body: MapChannelSkuDto) {
    await inTransaction(this.dataSource, (m) =>
      this.catalogue.upsertMapping(m, { ...params, sku: body.sku }),
    );
    return { channel: params.channel, accountId: params.accountId, channelSku: params.channelSku, sku: body.sku };
  }

  @Delete('sku-mappings/:channelSku')
  @RequireScopes('stock:write')
  @HttpCode(204)
  async unmap(@Param() params: ChannelSkuParams): Promise<void> {
    const deleted = await inTransaction(this.dataSource, (m) =>
      this.catalogue.deleteMapping(m, params.channel, params.accountId, params.channelSku),
    );
    if (!deleted) throw new SkuNotFoundError(params.channelSku);
  }

  @Get('settings')
  @RequireScopes('stock:read')
  async settings(@Param() params: AccountParams) {
    return this.catalogue.accountSettings(this.dataSource.manager, params.channel, params.accountId);
  }

  @Put('settings')
  @RequireScopes('stock:write')
  @ApiOperation({
    summary: 'Per-account ledger options',
    description: 'Applies to order events received from now on.',
  })
  async saveSettings(@Param() params: AccountParams, @Body() body: AccountSettingsDto) {
    const settings = { channel: params.channel, accountId: params.accountId, ...body };
    await inTransaction(this.dataSource, (m) => this.catalogue.saveAccountSettings(m, settings));
    return settings;
  }
}
