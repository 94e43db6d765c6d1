import { ChannelSchema } from '@holdfast/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';

const CHANNELS = ChannelSchema.options;

/** Per-listing overrides of the account's channel rules; null or absent: the account's value. */
export class ListingRulesDto {
  @ApiPropertyOptional({ nullable: true, minimum: 0, description: 'Units held back from this channel.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  safetyBuffer?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0, description: 'The most this channel is ever shown.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  maxQuantity?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0, maximum: 100, description: 'Share of the available quantity, in percent.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  sharePercent?: number | null;

  @ApiPropertyOptional({ nullable: true, minimum: 0, description: 'Below this many available units the channel is shown zero.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  zeroBelow?: number | null;
}

export class BundleComponentDto {
  @ApiProperty({ description: 'Internal SKU.' })
  @IsString()
  @Length(1, 200)
  sku!: string;

  @ApiProperty({ minimum: 1, description: 'Units of the SKU in one bundle.' })
  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity!: number;
}

export class CreateListingDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: string;

  @ApiProperty({ description: "Holdfast's id of the channel account: the accountId in AMAZON_ACCOUNTS, SHOPIFY_SHOPS (default: the shop domain) or WOOCOMMERCE_STORES." })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,100}$/, { message: 'accountId must be 1-100 letters, digits, ".", "_" or "-"' })
  accountId!: string;

  @ApiPropertyOptional({ description: "Marketplace the listing's calls address; default: the account's first. None for web shops." })
  @IsOptional()
  @IsString()
  @Length(1, 50)
  marketplaceId?: string;

  @ApiProperty({ description: 'The SKU as the channel knows it (Amazon seller SKU; Shopify variant SKU; WooCommerce product or variation SKU).' })
  @IsString()
  @Length(1, 200)
  channelSku!: string;

  @ApiPropertyOptional({ description: 'Amazon product type; fetched with getListingsItem when absent.' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  productType?: string;

  @ApiPropertyOptional({ enum: ['MERCHANT', 'AMAZON'], default: 'MERCHANT', description: 'AMAZON (FBA) offers are never published to.' })
  @IsOptional()
  @IsIn(['MERCHANT', 'AMAZON'])
  fulfilledBy?: 'MERCHANT' | 'AMAZON';

  @ApiPropertyOptional({ description: 'The internal SKU it sells (one unit per sale). Give this or bundle.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  sku?: string;

  @ApiPropertyOptional({ type: [BundleComponentDto], description: 'The SKUs one sale takes. Give this or sku.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => BundleComponentDto)
  bundle?: BundleComponentDto[];

  @ApiPropertyOptional({ type: ListingRulesDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ListingRulesDto)
  rules?: ListingRulesDto;
}

/** Changes to a listing; absent fields stay as they are. */
export class UpdateListingDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 50)
  marketplaceId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  channelSku?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  productType?: string;

  @ApiPropertyOptional({ enum: ['MERCHANT', 'AMAZON'] })
  @IsOptional()
  @IsIn(['MERCHANT', 'AMAZON'])
  fulfilledBy?: 'MERCHANT' | 'AMAZON';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  sku?: string;

  @ApiPropertyOptional({ type: [BundleComponentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => BundleComponentDto)
  bundle?: BundleComponentDto[];

  @ApiPropertyOptional({ type: ListingRulesDto, description: 'Replaces the overrides given; null fields fall back to the account.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => ListingRulesDto)
  rules?: ListingRulesDto;
}

export class ImportListingsDto {
  @ApiProperty({ type: [CreateListingDto], description: 'Created or updated by (channel, accountId, channelSku); all or nothing.' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @ValidateNested({ each: true })
  @Type(() => CreateListingDto)
  listings!: CreateListingDto[];
}

export class ListingQueryDto {
  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  accountId?: string;

  @ApiPropertyOptional({ description: 'Listings selling this internal SKU (alone or in a bundle).' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  sku?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 200)
  channelSku?: string;

  @ApiPropertyOptional({ description: 'Keyset pagination: the last id of the previous page.' })
  @IsOptional()
  @Matches(/^[0-9a-f-]{36}$/i, { message: 'after must be a listing id' })
  after?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class ChannelRulesDto {
  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  safetyBuffer!: number;

  @ApiProperty({ nullable: true, minimum: 0, description: 'null: no cap.' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  maxQuantity!: number | null;

  @ApiProperty({ minimum: 0, maximum: 100 })
  @IsInt()
  @Min(0)
  @Max(100)
  sharePercent!: number;

  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  zeroBelow!: number;
}
