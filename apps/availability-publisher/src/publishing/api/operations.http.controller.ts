import { ApiPrincipal, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { listingView } from '../../listings/api/listing.view';
import { ListingRepository } from '../../listings/infrastructure/listing.repository';
import { ChannelPublisherRegistry } from '../application/channel-publisher.registry';
import { PublishingScheduler } from '../application/publishing.scheduler';
import { RepublishScopeError, RepublishUseCase, type RepublishScope } from '../application/republish.use-case';
import { PublicationRepository } from '../infrastructure/publication.repository';
import { AttemptsQueryDto, FailuresQueryDto, RepublishDto } from './operations.dto';

const principalOf = (p: ApiKeyPrincipal | undefined): ApiKeyPrincipal => p ?? { name: 'anonymous', scopes: [], accounts: [] };

/** What an operator needs: failures, republishing, and how each account's publishing stands. */
@ApiTags('operations')
@Controller('v1')
export class OperationsHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ListingRepository) private readonly listings: ListingRepository,
    @Inject(PublicationRepository) private readonly publications: PublicationRepository,
    @Inject(RepublishUseCase) private readonly republishUseCase: RepublishUseCase,
    @Inject(ChannelPublisherRegistry) private readonly registry: ChannelPublisherRegistry,
    @Inject(PublishingScheduler) private readonly scheduler: PublishingScheduler,
  ) {}

  @Get('failures')
  @RequireScopes('listings:read')
  @ApiOperation({ summary: 'Listings whose last publication failed (being retried with backoff), with counts by error code.' })
  async failures(@Query() query: FailuresQueryDto, @ApiPrincipal() principal?: ApiKeyPrincipal) {
    const accounts = principalOf(principal).accounts;
    const rows = await this.listings.list(this.dataSource.manager, {
      accountId: query.accountId,
      accounts,
      failing: true,
      limit: query.limit ?? 100,
    });
    return {
      byCode: await this.publications.failureCounts(this.dataSource.manager, accounts),
      listings: rows.map(listingView),
    };
  }

  @Post('republish')
  @HttpCode(202)
  @RequireScopes('availability:write')
  @ApiOperation({ summary: 'Send the desired quantity again for a SKU, a listing, an account or everything.' })
  async republish(@Body() body: RepublishDto, @ApiPrincipal() principal?: ApiKeyPrincipal) {
    return this.republishUseCase.execute(principalOf(principal), scopeOf(body));
  }

  @Get('publishing/accounts')
  @RequireScopes('listings:read')
  @ApiOperation({ summary: 'Per channel account: who holds its lease, its backlog, what is in flight and failing.' })
  async accounts(@ApiPrincipal() principal?: ApiKeyPrincipal) {
    const accounts = principalOf(principal).accounts;
    const summaries = await this.publications.accountSummaries(this.dataSource.manager);
    const held = new Set(this.scheduler.heldAccounts());
    const result = [];
    for (const account of this.registry.accounts()) {
      if (accounts !== null && !accounts.includes(account.accountId)) continue;
      const resource = `publish:${account.channel}:${account.accountId}`;
      const summary = summaries.find((s) => s.channel === account.channel && s.accountId === account.accountId);
      result.push({
        channel: account.channel,
        accountId: account.accountId,
        marketplaceIds: account.marketplaceIds,
        leaseHolder: await this.scheduler.leases.holderOf(resource),
        publishedByThisReplica: held.has(resource),
        listings: summary?.listings ?? 0,
        pending: summary?.pending ?? 0,
        inFlight: summary?.inFlight ?? 0,
        failing: summary?.failing ?? 0,
        openAttempts: summary?.openAttempts ?? 0,
      });
    }
    return { accounts: result };
  }

  @Get('publishing/attempts')
  @RequireScopes('listings:read')
  @ApiOperation({ summary: 'Recent publish attempts (PATCH batches and feeds), newest first.' })
  async attempts(@Query() query: AttemptsQueryDto, @ApiPrincipal() principal?: ApiKeyPrincipal) {
    return {
      attempts: await this.publications.attempts(this.dataSource.manager, {
        accountId: query.accountId,
        state: query.state,
        accounts: principalOf(principal).accounts,
        limit: query.limit ?? 50,
      }),
    };
  }
}

function scopeOf(body: RepublishDto): RepublishScope {
  const scopes: RepublishScope[] = [];
  if (body.sku !== undefined) scopes.push({ kind: 'sku', sku: body.sku });
  if (body.listingId !== undefined) scopes.push({ kind: 'listing', listingId: body.listingId });
  if (body.channel !== undefined || body.accountId !== undefined) {
    if (body.channel === undefined || body.accountId === undefined) {
      throw new RepublishScopeError('An account is named by both channel and accountId.');
    }
    scopes.push({ kind: 'account', channel: body.channel, accountId: body.accountId });
  }
  if (body.all === true) scopes.push({ kind: 'all' });
  if (scopes.length !== 1) {
    throw new RepublishScopeError('Name exactly one scope: sku, listingId, channel + accountId, or all: true.');
  }
  return scopes[0];
}
