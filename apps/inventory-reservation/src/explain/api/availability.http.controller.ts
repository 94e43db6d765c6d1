import { ApiPrincipal, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { SkuParams } from '../../stock/api/stock.dto';
import { ExplainAvailabilityQuery } from '../application/explain-availability.query';
import { OversoldSkusQuery } from '../application/oversold-skus.query';

/** The availability read model, explained. */
@ApiTags('availability')
@Controller('v1')
@RequireScopes('stock:read')
export class AvailabilityHttpController {
  constructor(
    @Inject(ExplainAvailabilityQuery) private readonly explain: ExplainAvailabilityQuery,
    @Inject(OversoldSkusQuery) private readonly oversoldSkus: OversoldSkusQuery,
  ) {}

  @Get('availability/:sku')
  @ApiOperation({
    summary: 'Availability of a SKU or bundle, explained',
    description:
      'On-hand per location, every active reservation with its order, channel and state, the figures per channel, ' +
      'and how they make the available number. A key restricted to accounts sees only their orders; the rest is ' +
      'summed in reservedByOtherAccounts.',
  })
  async availability(@Param() params: SkuParams, @ApiPrincipal() principal?: ApiKeyPrincipal) {
    return this.explain.execute(params.sku, principal);
  }

  @Get('oversold')
  @ApiOperation({ summary: 'SKUs whose reservations exceed on-hand, worst first' })
  async oversold(@ApiPrincipal() principal?: ApiKeyPrincipal) {
    return this.oversoldSkus.execute(principal);
  }
}
