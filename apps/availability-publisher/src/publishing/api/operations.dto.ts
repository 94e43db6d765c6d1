import { ChannelSchema } from '@holdfast/contracts';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { Equals, IsIn, IsInt, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

/** Exactly one scope: a SKU, a listing, an account (channel + accountId), or everything (`all: true`). */
export class RepublishDto {
  @ApiPropertyOptional({ description: 'Every listing selling this internal SKU.' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  sku?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsUUID()
  listingId?: string;

  @ApiPropertyOptional({ enum: ChannelSchema.options })
  @IsOptional()
  @IsIn(ChannelSchema.options)
  channel?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  accountId?: string;

  @ApiPropertyOptional({ description: 'Every listing of every account (after a channel outage).' })
  @IsOptional()
  @Equals(true)
  all?: true;
}

export class FailuresQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  accountId?: string;

  @ApiPropertyOptional({ default: 100, maximum: 1000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  limit?: number;
}

export class AttemptsQueryDto {
  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @Length(1, 100)
  accountId?: string;

  @ApiPropertyOptional({ enum: ['sending', 'open', 'settled', 'interrupted'] })
  @IsOptional()
  @IsIn(['sending', 'open', 'settled', 'interrupted'])
  state?: string;

  @ApiPropertyOptional({ default: 50, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  limit?: number;
}
