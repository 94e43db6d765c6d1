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
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';

const CHANNELS = ChannelSchema.options;
/** A date-time with a time zone: a bare date or a local time would be read differently by each channel. */
const DATE_TIME_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

export class OrderReferenceDto {
  @ApiProperty({ enum: CHANNELS })
  @IsIn(CHANNELS)
  channel!: Channel;

  @ApiProperty({ description: "Holdfast's id of the channel account (as in order events).", example: 'seller-1' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,100}$/)
  accountId!: string;

  @ApiProperty({ description: "The channel's order id.", example: '402-1234567-1234567' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  orderId!: string;
}

export class ShipmentLineDto {
  @ApiPropertyOptional({ description: "The channel's order item id (Amazon orderItemId). Give this or sku." })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  lineId?: string;

  @ApiPropertyOptional({ description: 'The SKU as the channel knows it, when it names exactly one line of the order.' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  sku?: string;

  @ApiProperty({ minimum: 1 })
  @IsInt()
  @Min(1)
  @Max(100_000)
  quantity!: number;
}

export class ShipmentPackageDto {
  @ApiProperty({ description: "The merchant's carrier as the ERP names it; mapped to each channel's code.", example: 'BRT' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  carrier!: string;

  @ApiProperty({ example: '084123456789012' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  trackingNumber!: string;

  @ApiProperty({ format: 'date-time', description: 'When the parcel left (or leaves) the warehouse, with a time zone.' })
  @IsString()
  @IsISO8601({ strict: true })
  @Matches(DATE_TIME_WITH_OFFSET, { message: 'shipDate must be an ISO 8601 date-time with a time zone' })
  shipDate!: string;

  @ApiPropertyOptional({ example: 'Standard' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  shippingMethod?: string;

  @ApiPropertyOptional({ type: [ShipmentLineDto], description: 'What is in this package (required with several packages).' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ShipmentLineDto)
  lines?: ShipmentLineDto[];
}

export class CreateShipmentDto {
  @ApiProperty({ type: OrderReferenceDto })
  @ValidateNested()
  @Type(() => OrderReferenceDto)
  order!: OrderReferenceDto;

  @ApiPropertyOptional({ description: "The ERP's document number.", example: 'DDT-2026-001234' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reference?: string;

  @ApiProperty({ type: [ShipmentPackageDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ShipmentPackageDto)
  packages!: ShipmentPackageDto[];

  @ApiPropertyOptional({ type: [ShipmentLineDto], description: 'The lines, when the shipment is one package.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(1000)
  @ValidateNested({ each: true })
  @Type(() => ShipmentLineDto)
  lines?: ShipmentLineDto[];

  @ApiPropertyOptional({ description: 'Send at once, without a manifest.', default: false })
  @IsOptional()
  @IsBoolean()
  sendImmediately?: boolean;
}

export class ShipmentIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

const STATUSES = ['pending', 'sent', 'confirmed', 'failed', 'held', 'voided'] as const;

export class ShipmentListQuery {
  @ApiPropertyOptional({ enum: CHANNELS })
  @IsOptional()
  @IsIn(CHANNELS)
  channel?: Channel;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{1,100}$/)
  accountId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(100)
  orderId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  manifestId?: string;

  @ApiPropertyOptional({ enum: STATUSES })
  @IsOptional()
  @IsIn(STATUSES)
  status?: (typeof STATUSES)[number];

  @ApiPropertyOptional({ enum: ['pending', 'applied', 'not_applied'], description: 'not_applied: confirmed, but the channel does not show it.' })
  @IsOptional()
  @IsIn(['pending', 'applied', 'not_applied'])
  verification?: 'pending' | 'applied' | 'not_applied';

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Paging: shipments created before this one.' })
  @IsOptional()
  @IsUUID()
  before?: string;
}

export class CreateManifestDto {
  @ApiPropertyOptional({ description: "The manifest's number in the ERP.", example: 'DIST-2026-0042' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  reference?: string;

  @ApiPropertyOptional({ example: 'BRT' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  carrier?: string;

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  shipmentIds?: string[];
}

export class AddManifestShipmentsDto {
  @ApiProperty({ type: [String], format: 'uuid' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @IsUUID('all', { each: true })
  shipmentIds!: string[];
}

export class ManifestIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id!: string;
}

export class ManifestShipmentParams extends ManifestIdParams {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  shipmentId!: string;
}

export class ManifestListQuery {
  @ApiPropertyOptional({ enum: ['in_preparation', 'shipped'] })
  @IsOptional()
  @IsIn(['in_preparation', 'shipped'])
  status?: 'in_preparation' | 'shipped';

  @ApiPropertyOptional({ minimum: 1, maximum: 200, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit?: number;
}
