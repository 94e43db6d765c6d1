import { ApiPrincipal, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ShopConnections } from '../infrastructure/shop-connections';
import { ShopReconcileStateRepository } from '../infrastructure/shop-reconcile-state.repository';

const iso = (d: Date | null | undefined) => d?.toISOString() ?? null;

/** How each web shop's reconciliation is doing: checkpoint, last runs, orders it brought that webhooks had not. */
@ApiTags('web shop webhooks')
@Controller('v1')
export class ShopReconciliationHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ShopConnections) private readonly connections: ShopConnections,
    @Inject(ShopReconcileStateRepository) private readonly state: ShopReconcileStateRepository,
  ) {}

  @Get('shop-reconciliation')
  @RequireScopes('orders:read')
  @ApiOperation({
    summary:
      'Per web shop: the reconciliation checkpoint, last successful and failed runs, orders seen and orders recovered',
  })
  async list(@ApiPrincipal() principal: ApiKeyPrincipal) {
    const states = await this.state.list(this.dataSource.manager);
    const byShop = new Map(states.map((s) => [`${s.channel}:${s.accountId}`, s]));
    const visible = (accountId: string) =>
      principal.accounts === null || principal.accounts.includes(accountId);
    return {
      shops: this.connections
        .list()
        .filter((shop) => visible(shop.accountId))
        .map(({ channel, accountId }) => {
          const s = byShop.get(`${channel}:${accountId}`);
          return {
            channel,
            accountId,
            checkpoint: iso(s?.checkpoint),
            lastRunStartedAt: iso(s?.lastRunStartedAt),
            lastSuccessfulRunAt: iso(s?.lastRunSucceededAt),
            lastFailedRunAt: iso(s?.lastRunFailedAt),
            lastError: s?.lastError ?? null,
            runsSucceeded: s?.runsSucceeded ?? 0,
            runsFailed: s?.runsFailed ?? 0,
            ordersSeen: s?.ordersSeen ?? 0,
            ordersRecovered: s?.ordersRecovered ?? 0,
          };
        }),
    };
  }
}
