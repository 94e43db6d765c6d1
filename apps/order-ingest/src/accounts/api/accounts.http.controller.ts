import { ApiPrincipal, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { Body, Controller, Get, Inject, Param, Patch } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { UpdateAccountOptionsUseCase } from '../application/update-account-options.use-case';
import { AccountNotFoundError } from '../domain/account.errors';
import type { ChannelAccount } from '../domain/channel-account';
import { ChannelAccountRepository } from '../infrastructure/channel-account.repository';
import { UpdateAccountOptionsDto } from './account-options.dto';

function view(account: ChannelAccount) {
  return {
    channel: account.channel,
    accountId: account.accountId,
    sellerId: account.sellerId,
    region: account.region,
    marketplaceIds: account.marketplaceIds,
    configured: account.configured,
    options: account.options,
    optionsUpdatedAt: account.optionsUpdatedAt.toISOString(),
  };
}

/** Channel accounts and their import options. Credentials are never shown (they are not stored here). */
@ApiTags('accounts')
@Controller('v1/accounts')
export class AccountsHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelAccountRepository) private readonly accounts: ChannelAccountRepository,
    @Inject(UpdateAccountOptionsUseCase) private readonly updateOptions: UpdateAccountOptionsUseCase,
  ) {}

  @Get()
  @RequireScopes('accounts:read')
  @ApiOperation({ summary: 'The channel accounts this key may see, with their options' })
  async list(@ApiPrincipal() principal: ApiKeyPrincipal) {
    const accounts = await this.accounts.list(this.dataSource.manager, principal.accounts);
    return { accounts: accounts.map(view) };
  }

  @Get(':accountId')
  @RequireScopes('accounts:read')
  @ApiOperation({ summary: 'One channel account with its options' })
  async get(@Param('accountId') accountId: string) {
    const account = await this.accounts.find(this.dataSource.manager, accountId);
    if (!account) throw new AccountNotFoundError(accountId);
    return view(account);
  }

  @Patch(':accountId/options')
  @RequireScopes('accounts:write')
  @ApiOperation({ summary: 'Change some import options of an account; they apply from the next poll or run' })
  async patchOptions(
    @Param('accountId') accountId: string,
    @Body() body: UpdateAccountOptionsDto,
    @ApiPrincipal() principal: ApiKeyPrincipal,
  ) {
    return view(await this.updateOptions.execute(accountId, { ...body }, principal.name));
  }
}
