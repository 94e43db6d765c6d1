import { ApiPrincipal, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ChannelAccountRepository } from '../../accounts/infrastructure/channel-account.repository';
import { liveLeaseHolders, PollStateRepository } from '../infrastructure/poll-state.repository';

const iso = (d: Date | null) => d?.toISOString() ?? null;

/** How each account's polling is doing: last successful poll, lag, throttles, who polls it. */
@ApiTags('polling')
@Controller('v1')
export class PollHealthHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelAccountRepository) private readonly accounts: ChannelAccountRepository,
    @Inject(PollStateRepository) private readonly state: PollStateRepository,
  ) {}

  @Get('poll-health')
  @RequireScopes('orders:read')
  @ApiOperation({
    summary: 'Per account: last successful poll, lag (now minus the time up to which every update is imported), calls and throttles',
  })
  async health(@ApiPrincipal() principal: ApiKeyPrincipal) {
    const m = this.dataSource.manager;
    const [accounts, states, holders] = await Promise.all([
      this.accounts.list(m, principal.accounts),
      this.state.list(m, principal.accounts),
      liveLeaseHolders(m),
    ]);
    const byAccount = new Map(states.map((s) => [s.accountId, s]));
    const now = Date.now();
    return {
      accounts: accounts.map((account) => {
        const s = byAccount.get(account.accountId);
        const lease = holders.get(account.accountId);
        return {
          accountId: account.accountId,
          configured: account.configured,
          pollingEnabled: account.options.pollingEnabled,
          pollIntervalSeconds: account.options.pollIntervalSeconds,
          polledBy: lease ? { holder: lease.holder, leaseGeneration: lease.generation, leaseExpiresAt: lease.expiresAt.toISOString() } : null,
          checkpoint: iso(s?.checkpoint ?? null),
          coveredUntil: iso(s?.coveredUntil ?? null),
          lagSeconds: s?.coveredUntil ? Math.max(0, Math.round((now - s.coveredUntil.getTime()) / 1000)) : null,
          lastPollStartedAt: iso(s?.lastPollStartedAt ?? null),
          lastSuccessfulPollAt: iso(s?.lastPollSucceededAt ?? null),
          lastFailedPollAt: iso(s?.lastPollFailedAt ?? null),
          lastError: s?.lastError ?? null,
          pollsSucceeded: s?.pollsSucceeded ?? 0,
          pollsFailed: s?.pollsFailed ?? 0,
          searchCalls: s?.searchCalls ?? 0,
          throttledCalls: s?.throttledCalls ?? 0,
          pagesCommitted: s?.pagesCommitted ?? 0,
          ordersSeen: s?.ordersSeen ?? 0,
          windowInProgress: s?.window
            ? { after: s.window.after.toISOString(), before: s.window.before.toISOString(), pagesCommitted: s.window.pages }
            : null,
          nextCatchUpAt: iso(s?.nextCatchUpAt ?? null),
        };
      }),
    };
  }
}
