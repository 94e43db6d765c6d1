import { ApiPrincipal, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiCreatedResponse, ApiHeader, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { idempotencyKeyFrom } from '../../idempotency/idempotent-request';
import { ManifestUseCase } from '../application/manifest.use-case';
import { ManifestNotFoundError } from '../domain/shipment.errors';
import { ManifestRepository, type ManifestView } from '../infrastructure/manifest.repository';
import {
  AddManifestShipmentsDto,
  CreateManifestDto,
  ManifestIdParams,
  ManifestListQuery,
  ManifestShipmentParams,
} from './shipment.dto';
import { ManifestViewDto } from './shipment-views.dto';
import { IDEMPOTENCY_HEADER, principalOf, REPLAYED_HEADER } from './shipments.http.controller';

/** Carrier manifests ("distinta"): in_preparation → shipped; shipping one sends its shipments. */
@ApiTags('manifests')
@Controller('v1/manifests')
export class ManifestsHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ManifestRepository) private readonly manifests: ManifestRepository,
    @Inject(ManifestUseCase) private readonly useCase: ManifestUseCase,
  ) {}

  @Post()
  @RequireScopes('shipments:write')
  @ApiOperation({ summary: 'Create a manifest in preparation, optionally with shipments' })
  @ApiHeader({ name: 'Idempotency-Key', required: true })
  @ApiCreatedResponse({ type: ManifestViewDto })
  async create(
    @Body() body: CreateManifestDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @ApiPrincipal() caller: ApiKeyPrincipal | undefined,
  ): Promise<ManifestView> {
    const principal = principalOf(caller);
    const key = idempotencyKeyFrom(req.headers[IDEMPOTENCY_HEADER], true);
    const result = await this.useCase.create(
      { reference: body.reference ?? null, carrier: body.carrier ?? null, shipmentIds: body.shipmentIds ?? [] },
      principal,
      key === undefined ? undefined : { principal: principal.name, key, operation: 'POST /v1/manifests', body: req.body as unknown },
    );
    res.status(result.status);
    if (result.replayed) res.setHeader(REPLAYED_HEADER, 'true');
    return result.body;
  }

  @Get()
  @RequireScopes('shipments:read')
  @ApiOkResponse({ type: ManifestViewDto, isArray: true })
  async list(@Query() query: ManifestListQuery, @ApiPrincipal() caller: ApiKeyPrincipal | undefined) {
    return {
      manifests: await this.manifests.list(
        this.dataSource.manager,
        { status: query.status, limit: query.limit ?? 50 },
        principalOf(caller).accounts,
      ),
    };
  }

  @Get(':id')
  @RequireScopes('shipments:read')
  @ApiOkResponse({ type: ManifestViewDto })
  async get(@Param() params: ManifestIdParams, @ApiPrincipal() caller: ApiKeyPrincipal | undefined): Promise<ManifestView> {
    const manifest = await this.manifests.get(this.dataSource.manager, params.id, principalOf(caller).accounts);
    if (!manifest) throw new ManifestNotFoundError(params.id);
    return manifest;
  }

  @Post(':id/shipments')
  @RequireScopes('shipments:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Add shipments to a manifest in preparation', description: 'Idempotent: shipments already on it stay.' })
  @ApiOkResponse({ type: ManifestViewDto })
  async add(
    @Param() params: ManifestIdParams,
    @Body() body: AddManifestShipmentsDto,
    @ApiPrincipal() caller: ApiKeyPrincipal | undefined,
  ): Promise<ManifestView> {
    return this.useCase.addShipments(params.id, body.shipmentIds, principalOf(caller));
  }

  @Delete(':id/shipments/:shipmentId')
  @RequireScopes('shipments:write')
  @ApiOkResponse({ type: ManifestViewDto })
  async remove(@Param() params: ManifestShipmentParams, @ApiPrincipal() caller: ApiKeyPrincipal | undefined): Promise<ManifestView> {
    return this.useCase.removeShipment(params.id, params.shipmentId, principalOf(caller));
  }

  @Post(':id/ship')
  @RequireScopes('shipments:write')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Mark the manifest shipped: its shipments are sent to their channels',
    description: 'in_preparation → shipped. Idempotent: a shipped manifest stays as it is.',
  })
  @ApiOkResponse({ type: ManifestViewDto })
  async ship(@Param() params: ManifestIdParams, @ApiPrincipal() caller: ApiKeyPrincipal | undefined): Promise<ManifestView> {
    return this.useCase.ship(params.id, principalOf(caller));
  }
}
