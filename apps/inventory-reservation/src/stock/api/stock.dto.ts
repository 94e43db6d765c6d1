import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Length, Matches, Max, Min, NotEquals } from 'class-validator';
import { AS_OF_RULE, IsAsOf, type AsOfInput } from '../../common/as-of';

export const LOCATION_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;
const MAX_UNITS = 2_147_483_647;

export class SkuParams {
  @ApiProperty({ description: 'Internal SKU.', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  sku!: string;
}

export class SetStockLevelDto {
  @ApiProperty({ description: 'Units physically on hand at the location (absolute).', minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(MAX_UNITS)
  onHand!: number;

  @ApiProperty({
    description: `When the ERP counted: ${AS_OF_RULE}. A snapshot not newer than the last one applied for this SKU and location is ignored.`,
    oneOf: [{ type: 'integer', minimum: 0 }, { type: 'string', format: 'date-time' }],
  })
  @IsAsOf()
  asOf!: AsOfInput;

  @ApiPropertyOptional({ description: 'Stock location; "default" when omitted.', pattern: LOCATION_ID_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(LOCATION_ID_PATTERN)
  locationId?: string;
}

export class StockLevelResponseDto {
  @ApiProperty({ description: 'False when a snapshot with the same or a newer asOf was applied before.' })
  applied!: boolean;
  @ApiPropertyOptional()
  reason?: string;
  @ApiProperty()
  sku!: string;
  @ApiProperty()
  locationId!: string;
  @ApiProperty({ description: 'On-hand at this location now.' })
  locationOnHand!: number;
  @ApiProperty({ description: 'On-hand over every location.' })
  onHand!: number;
  @ApiProperty()
  reserved!: number;
  @ApiProperty()
  available!: number;
  @ApiProperty({ description: 'Availability version of the SKU.' })
  version!: number;
}

export class AdjustStockDto {
  @ApiProperty({
    description: 'Unique per intended movement: a request repeated with the same key changes nothing and returns the first answer.',
    maxLength: 200,
  })
  @IsString()
  @Length(1, 200)
  idempotencyKey!: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @Length(1, 200)
  sku!: string;

  @ApiProperty({ description: 'Units to add (negative to remove); on-hand never goes below zero.' })
  @IsInt()
  @NotEquals(0)
  @Min(-MAX_UNITS)
  @Max(MAX_UNITS)
  delta!: number;

  @ApiPropertyOptional({ description: 'Stock location; "default" when omitted.', pattern: LOCATION_ID_PATTERN.source })
  @IsOptional()
  @IsString()
  @Matches(LOCATION_ID_PATTERN)
  locationId?: string;

  @ApiPropertyOptional({ description: 'Why the stock moved (breakage, recount, delivery…).', maxLength: 500 })
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;
}

export class StockImportQueryDto {
  @ApiPropertyOptional({ description: `asOf for rows without their own: ${AS_OF_RULE}.` })
  @IsOptional()
  @IsAsOf()
  asOf?: string;
}
