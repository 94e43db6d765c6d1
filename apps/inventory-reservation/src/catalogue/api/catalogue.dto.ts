import { ChannelSchema, type Channel } from '@holdfast/contracts';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
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
import { LOCATION_ID_PATTERN } from '../../stock/api/stock.dto';

const CHANNELS = ChannelSchema.options;

export class LocationParams {
  @ApiProperty({ pattern: LOCATION_ID_PATTERN.source })
  @Matches(LOCATION_ID_PATTERN)
  locationId!: string;
}

export class DefineLocationDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  name!: string;

  @ApiPropertyOptional({
    description: 'Channels this location serves; omit or null for every channel. Its on-hand counts only for these.',
    enum: CHANNELS,
    isArray: true,
    nullable: true,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(CHANNELS.length)
  @IsIn(CHANNELS, { each: true })
  channels?: Channel[] | null;

  @ApiPropertyOptional({
    description: 'Lower first: shipped units are taken off the locations serving the order\'s channel in this order.',
    default: 100,
  })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  priority?: number;
}

export class AccountParams {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @Length(1, 100)
  accountId!: string;
}

export class ChannelSkuParams extends AccountParams {
  @ApiProperty({ description: 'The SKU as the channel knows it.', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  channelSku!: string;
}

export class MapChannelSkuDto {
  @ApiProperty({ description: 'The internal SKU, or a bundle SKU, the channel SKU stands for.', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  sku!: string;
}

export class AccountSettingsDto {
  @ApiProperty({
    description:
      'Whether Amazon-fulfilled (FBA/AFN) orders of this account hold merchant stock. Off by default: Amazon ships them from its own stock.',
  })
  @IsBoolean()
  reserveAmazonFulfilled!: boolean;
}

export class BundleParams {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  bundleSku!: string;
}

export class BundleComponentDto {
  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  sku!: string;

  @ApiProperty({ description: 'Units of the component in one bundle.', minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity!: number;
}

export class DefineBundleDto {
  @ApiProperty({ type: [BundleComponentDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => BundleComponentDto)
  components!: BundleComponentDto[];
}
