import { assertAccountAccess, ApiPrincipal, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { DataSource } from 'typeorm';
import { idempotencyKeyFrom } from '../../idempotency/idempotent-request';
import { CreateShipmentUseCase } from '../application/create-shipment.use-case';
import { ShipmentActionsUseCase } from '../application/shipment-actions.use-case';
import { ShipmentNotFoundError } from '../domain/shipment.errors';
import { ShipmentRepository, type ShipmentView } from '../infrastructure/shipment.repository';
import { CreateShipmentDto, ShipmentIdParams, ShipmentListQuery } from './shipment.dto';
import { ShipmentListView, ShipmentViewDto } from './shipment-views.dto';

export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const REPLAYED_HEADER = 'Idempotent-Replayed';

export function principalOf(principal: ApiKeyPrincipal | undefined): ApiKeyPrincipal {
  // Every route here requires scopes, so the guard has set it.
  if (!principal) throw new Error('no authenticated principal on a protected route');
  return principal;
}

/** Shipments from the ERP and their state at each channel. */
@ApiTags('shipments')
@Controller('v1/shipments')
export class ShipmentsHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ShipmentRepository) private readonly shipments: ShipmentRepository,
    @Inject(CreateShipmentUseCase) private readonly createShipment: CreateShipmentUseCase,
    @Inject(ShipmentActionsUseCase) private readonly actions: ShipmentActionsUseCase,
  ) {}

  @Post()
  @RequireScopes('shipments:write')
  @ApiOperation({
    summary: 'Accept a shipment for a channel order',
    description:
      'Packages with carrier, tracking number and ship date, lines by channel order item id or SKU. ' +
      'Refused with 409 for a Pending (awaiting payment) or cancelled order and for units already shipped, ' +
      '422 for unknown orders or lines and quantities above what was ordered. The same Idempotency-Key with ' +
      'the same body returns the first response; with another body, 422.',
  })
  @ApiHeader({ name: 'Idempotency-Key', required: true, description: 'A unique key per shipment, e.g. a UUID.' })
  @ApiCreatedResponse({ type: ShipmentViewDto })
  @ApiConflictResponse({ description: 'The order must not ship (awaiting payment, cancelled) or the units already shipped.' })
  @ApiUnprocessableEntityResponse({ description: 'Unknown order or line, too many units, or a reused Idempotency-Key.' })
  async create(
    @Body() body: CreateShipmentDto,
    @Req() req: Request,
    @Res({ passthrough: true }) res: Response,
    @ApiPrincipal() caller: ApiKeyPrincipal | undefined,
  ): Promise<ShipmentView> {
    const principal = principalOf(caller);
    assertAccountAccess(principal, body.order.accountId);
    const key = idempotencyKeyFrom(req.headers[IDEMPOTENCY_HEADER], true);
    const result = await this.createShipment.execute(
      {
        channel: body.order.channel,
        accountId: body.order.accountId,
        orderId: body.order.orderId,
        reference: body.reference ?? null,
        sendImmediately: body.sendImmediately ?? false,
        lines: body.lines,
        packages: body.packages.map((p) => ({
          carrier: p.carrier,
          trackingNumber: p.trackingNumber,
          shipDate: new Date(p.shipDate),
          shippingMethod: p.shippingMethod,
          lines: p.lines,
        })),
      },
      key === undefined ? undefined : { principal: principal.name, key, operation: 'POST /v1/shipments', body: req.body as unknown },
    );
    res.status(result.status);
    if (result.replayed) res.setHeader(REPLAYED_HEADER, 'true');
    return result.body;
  }

  @Get()
  @RequireScopes('shipments:read')
  @ApiOperation({ summary: 'Shipments with their state per channel (newest first)' })
  @ApiOkResponse({ type: ShipmentListView })
  async list(
    @Query() query: ShipmentListQuery,
    @ApiPrincipal() caller: ApiKeyPrincipal | undefined,
  ): Promise<{ shipments: ShipmentView[]; next?: string }> {
    const principal = principalOf(caller);
    if (query.accountId) assertAccountAccess(principal, query.accountId);
    const limit = query.limit ?? 50;
    const shipments = await this.shipments.list(this.dataSource.manager, {
      ...query,
      accountIds: principal.accounts,
      limit,
    });
    return shipments.length === limit ? { shipments, next: shipments[shipments.length - 1].id } : { shipments };
  }

  @Get('summary')
  @RequireScopes('shipments:read')
  @ApiOperation({ summary: 'How many shipments are in each state, per channel' })
  async summary(@ApiPrincipal() caller: ApiKeyPrincipal | undefined) {
    return { counts: await this.shipments.summary(this.dataSource.manager, principalOf(caller).accounts) };
  }

  @Get(':id')
  @RequireScopes('shipments:read')
  @ApiOperation({ summary: "A shipment, each package's state at its channel and the last error" })
  @ApiOkResponse({ type: ShipmentViewDto })
  async get(@Param() params: ShipmentIdParams, @ApiPrincipal() caller: ApiKeyPrincipal | undefined): Promise<ShipmentView> {
    const shipment = await this.shipments.get(this.dataSource.manager, params.id);
    if (!shipment) throw new ShipmentNotFoundError(params.id);
    assertAccountAccess(principalOf(caller), shipment.accountId);
    return shipment;
  }

  @Post(':id/send')
  @RequireScopes('shipments:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Send a shipment that is on no manifest now', description: 'Idempotent.' })
  @ApiOkResponse({ type: ShipmentViewDto })
  async send(@Param() params: ShipmentIdParams, @ApiPrincipal() caller: ApiKeyPrincipal | undefined): Promise<ShipmentView> {
    return this.actions.send(params.id, principalOf(caller));
  }

  @Post(':id/retry')
  @RequireScopes('shipments:write')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Send failed or held packages again',
    description: 'Also re-sends confirmations the channel did not apply. A package whose earlier outcome is unknown is first looked up at the channel.',
  })
  @ApiOkResponse({ type: ShipmentViewDto })
  async retry(@Param() params: ShipmentIdParams, @ApiPrincipal() caller: ApiKeyPrincipal | undefined): Promise<ShipmentView> {
    return this.actions.retry(params.id, principalOf(caller));
  }

  @Post(':id/void')
  @RequireScopes('shipments:write')
  @HttpCode(200)
  @ApiOperation({ summary: 'Withdraw a shipment nothing was confirmed for; its units can ship again' })
  @ApiOkResponse({ type: ShipmentViewDto })
  async void(@Param() params: ShipmentIdParams, @ApiPrincipal() caller: ApiKeyPrincipal | undefined): Promise<ShipmentView> {
    return this.actions.void(params.id, principalOf(caller));
  }
}
