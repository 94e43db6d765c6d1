import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ACCOUNT_OPTION_LIMITS as L } from '../domain/channel-account';

/** A change to some of an account's options; fields left out keep their value. */
export class UpdateAccountOptionsDto {
  @ApiPropertyOptional({ description: 'Import Pending orders (order.placed while Pending). Default true.' })
  @IsOptional()
  @IsBoolean()
  importPending?: boolean;

  @ApiPropertyOptional({
    description: 'Hold merchant stock for Amazon-fulfilled orders (applied by inventory-reservation). Default false.',
  })
  @IsOptional()
  @IsBoolean()
  reserveAmazonFulfilled?: boolean;

  @ApiPropertyOptional({ description: 'Poll the account at all. Default true.' })
  @IsOptional()
  @IsBoolean()
  pollingEnabled?: boolean;

  @ApiPropertyOptional({ minimum: L.pollIntervalSeconds.min, maximum: L.pollIntervalSeconds.max, description: 'Default 180.' })
  @IsOptional()
  @IsInt()
  @Min(L.pollIntervalSeconds.min)
  @Max(L.pollIntervalSeconds.max)
  pollIntervalSeconds?: number;

  @ApiPropertyOptional({ minimum: L.overlapSeconds.min, maximum: L.overlapSeconds.max, description: 'Default 60.' })
  @IsOptional()
  @IsInt()
  @Min(L.overlapSeconds.min)
  @Max(L.overlapSeconds.max)
  overlapSeconds?: number;

  @ApiPropertyOptional({ minimum: L.catchUpEveryMinutes.min, maximum: L.catchUpEveryMinutes.max, description: 'Default 1440 (daily).' })
  @IsOptional()
  @IsInt()
  @Min(L.catchUpEveryMinutes.min)
  @Max(L.catchUpEveryMinutes.max)
  catchUpEveryMinutes?: number;

  @ApiPropertyOptional({ minimum: L.catchUpLookbackDays.min, maximum: L.catchUpLookbackDays.max, description: 'Default 7.' })
  @IsOptional()
  @IsInt()
  @Min(L.catchUpLookbackDays.min)
  @Max(L.catchUpLookbackDays.max)
  catchUpLookbackDays?: number;

  @ApiPropertyOptional({
    minimum: L.catchUpAmazonExtraDays.min,
    maximum: L.catchUpAmazonExtraDays.max,
    description: 'Extra look-back for Amazon-fulfilled orders. Default 2.',
  })
  @IsOptional()
  @IsInt()
  @Min(L.catchUpAmazonExtraDays.min)
  @Max(L.catchUpAmazonExtraDays.max)
  catchUpAmazonExtraDays?: number;
}
