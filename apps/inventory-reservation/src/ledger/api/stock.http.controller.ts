import { Body, Controller, Get, HttpCode, Inject, NotFoundException, Param, Put } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IsInt, Min } from 'class-validator';
import { inTransaction } from '@holdfast/persistence';
import { RequireScopes } from '@holdfast/platform';
import { ReservationLedgerRepository } from '../infrastructure/reservation-ledger.repository';
import { INVENTORY_SCHEMA } from '../../config/inventory.config';

export class SetOnHandDto {
  /** Units physically on hand. */
  @IsInt()
  @Min(0)
  onHand!: number;

  /** The ERP's sequence number or epoch milliseconds of the snapshot; older ones are ignored. */
  @IsInt()
  @Min(0)
  asOf!: number;
}

/** ERP stock input and the availability read model (the slice's minimal version). */
@Controller('v1')
export class StockHttpController {
  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ReservationLedgerRepository) private readonly ledger: ReservationLedgerRepository,
  ) {}

  @Put('stock/:sku')
  @RequireScopes('stock:write')
  @HttpCode(200)
  async setOnHand(@Param('sku') sku: string, @Body() body: SetOnHandDto) {
    const level = await inTransaction(this.dataSource, (m) => this.ledger.setOnHand(m, sku, body.onHand, body.asOf));
    return level ? { applied: true, ...level } : { applied: false, reason: 'a newer snapshot was already applied' };
  }

  @Get('availability/:sku')
  @RequireScopes('stock:read')
  async availability(@Param('sku') sku: string) {
    const rows: { sku: string; on_hand: number; reserved: number; version: number }[] = await this.dataSource.query(
      `SELECT sku, on_hand, reserved, version FROM "${INVENTORY_SCHEMA}".stock WHERE sku = $1`,
      [sku],
    );
    const row = rows[0];
    if (!row) throw new NotFoundException(`unknown SKU ${sku}`);
    const reservations: unknown[] = await this.dataSource.query(
      `SELECT channel, account_id AS "accountId", order_id AS "orderId", line_id AS "lineId", quantity, state
         FROM "${INVENTORY_SCHEMA}".reservations WHERE sku = $1 AND state IN ('pending', 'committed') ORDER BY created_at`,
      [sku],
    );
    return { sku, onHand: row.on_hand, reserved: row.reserved, available: row.on_hand - row.reserved, version: row.version, reservations };
  }
}
