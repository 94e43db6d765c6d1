import { ApiPrincipal, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { Body, Controller, Delete, Get, HttpCode, Inject, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { RegisterListingsUseCase } from '../application/register-listings.use-case';
import { ListingNotFoundError } from '../domain/listing.errors';
import { ListingRepository } from '../infrastructure/listing.repository';
import { CreateListingDto, ImportListingsDto, ListingQueryDto, UpdateListingDto } from './listing.dto';
import { listingView } from './listing.view';

const principalOf = (p: ApiKeyPrincipal | undefined): ApiKeyPrincipal => p ?? { name: 'anonymous', scopes: [], accounts: [] };

/** Channel listings: which channel SKU sells which internal SKU or bundle, and where its publication stands. */
@ApiTags('listings')
@Controller('v1/listings')
export class ListingsHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ListingRepository) private readonly listings: ListingRepository,
    @Inject(RegisterListingsUseCase) private readonly register: RegisterListingsUseCase,
  ) {}

  @Post()
  @RequireScopes('listings:write')
  @ApiOperation({ summary: 'Create a listing (409 if the channel SKU already has one).' })
  async create(@Body() body: CreateListingDto, @ApiPrincipal() principal?: ApiKeyPrincipal) {
    return listingView(await this.register.create(principalOf(principal), body));
  }

  @Post('import')
  @HttpCode(200)
  @RequireScopes('listings:write')
  @ApiOperation({ summary: 'Create or update up to 10,000 listings by (channel, accountId, channelSku), all or nothing.' })
  async import(@Body() body: ImportListingsDto, @ApiPrincipal() principal?: ApiKeyPrincipal) {
    return this.register.import(principalOf(principal), body.listings);
  }

  @Get()
  @RequireScopes('listings:read')
  @ApiOperation({ summary: 'Listings with their desired and acknowledged quantities, by id, 100 per page.' })
  async list(@Query() query: ListingQueryDto, @ApiPrincipal() principal?: ApiKeyPrincipal) {
    const limit = query.limit ?? 100;
    const rows = await this.listings.list(this.dataSource.manager, {
      channel: query.channel,
      accountId: query.accountId,
      sku: query.sku,
      channelSku: query.channelSku,
      after: query.after,
      accounts: principalOf(principal).accounts,
      limit,
    });
    return { listings: rows.map(listingView), next: rows.length === limit ? rows[rows.length - 1].id : null };
  }

  @Get(':id')
  @RequireScopes('listings:read')
  async find(@Param('id', new ParseUUIDPipe()) id: string, @ApiPrincipal() principal?: ApiKeyPrincipal) {
    const listing = await this.listings.find(this.dataSource.manager, id);
    const accounts = principalOf(principal).accounts;
    // A listing of an account the key may not see does not exist for it.
    if (!listing || (accounts !== null && !accounts.includes(listing.accountId))) throw new ListingNotFoundError(id);
    return listingView(listing);
  }

  @Patch(':id')
  @RequireScopes('listings:write')
  async update(@Param('id', new ParseUUIDPipe()) id: string, @Body() body: UpdateListingDto, @ApiPrincipal() principal?: ApiKeyPrincipal) {
    return listingView(await this.register.update(principalOf(principal), id, body));
  }

  @Delete(':id')
  @HttpCode(204)
  @RequireScopes('listings:write')
  async delete(@Param('id', new ParseUUIDPipe()) id: string, @ApiPrincipal() principal?: ApiKeyPrincipal): Promise<void> {
    await this.register.delete(principalOf(principal), id);
  }
}
