import { ApiPrincipal, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { ChannelSchema, type Channel } from '@holdfast/contracts';
import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { DataSource } from 'typeorm';
import { AccountParams } from '../../catalogue/api/catalogue.dto';
import { OrderReservationsQuery } from '../application/order-reservations.query';
import { LedgerReadRepository } from '../infrastructure/ledger-read.repository';

export class OrderParams extends AccountParams {
  @ApiProperty({ maxLength: 100 })
  @IsString()
  @Length(1, 100)
  orderId!: string;
}

export class RejectedTransitionsQueryDto {
  @ApiPropertyOptional({ enum: ChannelSchema.options })
  @IsOptional()
  @IsIn(ChannelSchema.options)
  channel?: Channel;

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

/** What the ledger did with an order, and what it refused. */
@ApiTags('reservations')
@Controller('v1')
@RequireScopes('stock:read')
export class OrderReservationsHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OrderReservationsQuery) private readonly orderReservations: OrderReservationsQuery,
    @Inject(LedgerReadRepository) private readonly read: LedgerReadRepository,
  ) {}

  @Get('orders/:channel/:accountId/:orderId/reservations')
  @ApiOperation({ summary: "An order's reservations, their history and the transitions refused" })
  async reservations(@Param() params: OrderParams) {
    return this.orderReservations.execute(params.channel, params.accountId, params.orderId);
  }

  @Get('rejected-transitions')
  @ApiOperation({ summary: 'Reservation transitions the state machine refused, newest first' })
  async rejected(@Query() query: RejectedTransitionsQueryDto, @ApiPrincipal() principal?: ApiKeyPrincipal) {
    return {
      rejectedTransitions: await this.read.rejectedTransitions(this.dataSource.manager, {
        channel: query.channel,
        accountId: query.accountId,
        accounts: principal?.accounts ?? null,
        limit: query.limit ?? 100,
      }),
    };
  }
}
