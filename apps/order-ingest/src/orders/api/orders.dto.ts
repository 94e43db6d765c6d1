import { OrderStatusSchema, type OrderStatus } from '@holdfast/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';

export const ACCOUNT_ID_PATTERN = /^[A-Za-z0-9._-]{1,100}$/;
export const ORDER_ID_PATTERN = /^[A-Za-z0-9-]{1,100}$/;

export class ListOrdersQueryDto {
  @ApiPropertyOptional({ description: 'Only this channel account.' })
  @IsOptional()
  @Matches(ACCOUNT_ID_PATTERN, { message: 'accountId must be 1-100 letters, digits, ".", "_" or "-"' })
  accountId?: string;

  @ApiPropertyOptional({ enum: OrderStatusSchema.options })
  @IsOptional()
  @IsIn(OrderStatusSchema.options)
  status?: OrderStatus;

  @ApiPropertyOptional({ enum: ['MERCHANT', 'AMAZON'] })
  @IsOptional()
  @IsIn(['MERCHANT', 'AMAZON'])
  fulfilledBy?: 'MERCHANT' | 'AMAZON';

  @ApiPropertyOptional({ description: 'Orders Amazon updated at or after this time (ISO 8601 with offset).' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  since?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page.' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  cursor?: string;
}

export class ListIngestErrorsQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @Matches(ACCOUNT_ID_PATTERN, { message: 'accountId must be 1-100 letters, digits, ".", "_" or "-"' })
  accountId?: string;

  @ApiPropertyOptional({ description: 'true: only unresolved errors; false: only resolved ones.' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  open?: boolean;

  @ApiPropertyOptional({ minimum: 1, maximum: 500, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
