import { ApiPrincipal, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { Body, Controller, Get, Inject, Param, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { SetChannelRulesUseCase } from '../application/set-channel-rules.use-case';
import { DEFAULT_QUANTITY_RULES } from '../domain/published-quantity';
import { ChannelRulesRepository } from '../infrastructure/channel-rules.repository';
import { ChannelRulesDto } from './listing.dto';

/** Channel rules per account: safety buffer, cap, share and zero threshold. */
@ApiTags('rules')
@Controller('v1/rules')
export class RulesHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ChannelRulesRepository) private readonly rules: ChannelRulesRepository,
    @Inject(SetChannelRulesUseCase) private readonly setRules: SetChannelRulesUseCase,
  ) {}

  @Get()
  @RequireScopes('listings:read')
  async list(@ApiPrincipal() principal?: ApiKeyPrincipal) {
    return { rules: await this.rules.list(this.dataSource.manager, principal ? principal.accounts : []) };
  }

  @Get(':channel/:accountId')
  @RequireScopes('listings:read')
  @ApiOperation({ summary: "An account's rules (the defaults when none were set)." })
  async find(@Param('channel') channel: string, @Param('accountId') accountId: string) {
    return (await this.rules.find(this.dataSource.manager, channel, accountId)) ?? { channel, accountId, ...DEFAULT_QUANTITY_RULES, updatedAt: null };
  }

  @Put(':channel/:accountId')
  @RequireScopes('listings:write')
  @ApiOperation({ summary: "Set an account's rules; every listing of the account is recomputed at once." })
  async put(@Param('channel') channel: string, @Param('accountId') accountId: string, @Body() body: ChannelRulesDto) {
    const { rules, listingsChanged } = await this.setRules.execute(channel, accountId, {
      safetyBuffer: body.safetyBuffer,
      maxQuantity: body.maxQuantity ?? null,
      sharePercent: body.sharePercent,
      zeroBelow: body.zeroBelow,
    });
    return { ...rules, listingsChanged };
  }
}
