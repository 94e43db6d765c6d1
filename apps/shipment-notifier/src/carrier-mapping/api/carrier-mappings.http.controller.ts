import { RequireScopes } from '@holdfast/platform';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Put, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { EditCarrierDataUseCase } from '../application/edit-carrier-data.use-case';
import { PutCarrierMappingUseCase } from '../application/put-carrier-mapping.use-case';
import { carrierKey } from '../domain/carrier-key';
import { CarrierMappingRepository, type CarrierMapping } from '../infrastructure/carrier-mapping.repository';
import {
  CarrierMappingIdParams,
  CarrierMappingListQuery,
  CarrierMappingView,
  ChannelCodeParams,
  ChannelParams,
  PutCarrierMappingDto,
} from './carrier-mapping.dto';

/** Carrier mapping as data: which code (and name) each channel gets for the merchant's carriers. */
@ApiTags('carrier mappings')
@Controller('v1')
export class CarrierMappingsHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(CarrierMappingRepository) private readonly mappings: CarrierMappingRepository,
    @Inject(PutCarrierMappingUseCase) private readonly putMapping: PutCarrierMappingUseCase,
    @Inject(EditCarrierDataUseCase) private readonly edit: EditCarrierDataUseCase,
  ) {}

  @Get('carrier-mappings')
  @RequireScopes('shipments:read')
  @ApiOperation({ summary: 'List carrier mappings' })
  @ApiOkResponse({ type: CarrierMappingView, isArray: true })
  async list(@Query() query: CarrierMappingListQuery): Promise<{ mappings: CarrierMapping[] }> {
    const mappings = await this.mappings.list(this.dataSource.manager, {
      channel: query.channel,
      carrier: query.carrier === undefined ? undefined : carrierKey(query.carrier),
    });
    return { mappings };
  }

  @Put('carrier-mappings')
  @RequireScopes('shipments:write')
  @ApiOperation({
    summary: 'Create or replace the mapping of a carrier for a channel (and marketplace)',
    description: 'Idempotent by (carrier, channel, marketplace). 201 when created, 200 when replaced.',
  })
  @ApiOkResponse({ type: CarrierMappingView })
  async put(@Body() body: PutCarrierMappingDto, @Res({ passthrough: true }) res: Response): Promise<CarrierMapping> {
    const { mapping, created } = await this.putMapping.execute({
      carrier: body.carrier,
      channel: body.channel,
      marketplaceId: body.marketplaceId ?? null,
      code: body.code,
      name: body.name ?? null,
    });
    res.status(created ? 201 : 200);
    return mapping;
  }

  @Delete('carrier-mappings/:id')
  @RequireScopes('shipments:write')
  @HttpCode(204)
  @ApiNoContentResponse()
  async remove(@Param() params: CarrierMappingIdParams): Promise<void> {
    await this.edit.deleteMapping(params.id);
  }

  @Get('channels/:channel/carrier-codes')
  @RequireScopes('shipments:read')
  @ApiOperation({ summary: 'Carrier codes the channel is known to accept (exact spelling)' })
  async codes(@Param() params: ChannelParams): Promise<{ channel: string; codes: string[] }> {
    return { channel: params.channel, codes: await this.mappings.channelCodes(this.dataSource.manager, params.channel) };
  }

  @Put('channels/:channel/carrier-codes/:code')
  @RequireScopes('shipments:write')
  @ApiOperation({ summary: "Add a code to the channel's list" })
  async addCode(@Param() params: ChannelCodeParams, @Res({ passthrough: true }) res: Response): Promise<{ channel: string; code: string }> {
    const { added } = await this.edit.addCode(params.channel, params.code);
    res.status(added ? 201 : 200);
    return { channel: params.channel, code: params.code };
  }

  @Delete('channels/:channel/carrier-codes/:code')
  @RequireScopes('shipments:write')
  @HttpCode(204)
  async removeCode(@Param() params: ChannelCodeParams): Promise<void> {
    await this.edit.removeCode(params.channel, params.code);
  }
}
