import { RequireScopes } from '@holdfast/platform';
import { Body, Controller, Headers, HttpCode, Inject, Param, Post, Put, Query, Req } from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { Request } from 'express';
import { createInterface } from 'node:readline';
import { requireAsOf } from '../../common/as-of';
import { UnsupportedStockFileError } from '../../common/inventory.errors';
import { DEFAULT_LOCATION_ID } from '../../config/inventory.config';
import { AdjustStockUseCase, type AdjustmentResult } from '../application/adjust-stock.use-case';
import { ImportStockFileUseCase, type StockImportResult } from '../application/import-stock-file.use-case';
import { SetStockLevelUseCase } from '../application/set-stock-level.use-case';
import type { StockFileFormat } from '../domain/stock-file';
import { AdjustStockDto, SetStockLevelDto, SkuParams, StockImportQueryDto, StockLevelResponseDto } from './stock.dto';

const FORMATS: Record<string, StockFileFormat> = {
  'text/csv': 'csv',
  'application/csv': 'csv',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
  'application/x-jsonlines': 'ndjson',
};

/** Stock input from the ERP: absolute snapshots, idempotent adjustments, whole files. */
@ApiTags('stock (ERP)')
@Controller('v1/stock')
@RequireScopes('stock:write')
export class StockHttpController {
  constructor(
    @Inject(SetStockLevelUseCase) private readonly setLevel: SetStockLevelUseCase,
    @Inject(AdjustStockUseCase) private readonly adjust: AdjustStockUseCase,
    @Inject(ImportStockFileUseCase) private readonly importFile: ImportStockFileUseCase,
  ) {}

  @Put(':sku')
  @HttpCode(200)
  @ApiOperation({ summary: 'Set the absolute on-hand of a SKU at a location (ERP snapshot with asOf)' })
  @ApiOkResponse({ type: StockLevelResponseDto })
  async setOnHand(@Param() params: SkuParams, @Body() body: SetStockLevelDto): Promise<StockLevelResponseDto> {
    return this.setLevel.execute({
      sku: params.sku,
      locationId: body.locationId ?? DEFAULT_LOCATION_ID,
      onHand: body.onHand,
      asOf: requireAsOf(body.asOf),
    });
  }

  @Post('adjustments')
  @HttpCode(200)
  @ApiOperation({ summary: 'Move on-hand by a delta, once per idempotency key' })
  async adjustOnHand(@Body() body: AdjustStockDto): Promise<AdjustmentResult> {
    return this.adjust.execute({
      idempotencyKey: body.idempotencyKey,
      sku: body.sku,
      locationId: body.locationId ?? DEFAULT_LOCATION_ID,
      delta: body.delta,
      reason: body.reason ?? null,
    });
  }

  @Post('imports')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Import a full stock file (CSV or JSON lines), applied whole or rejected whole',
    description:
      'CSV: a header `sku,onHand[,locationId][,asOf]`, one row per line. JSON lines: `{"sku":…,"onHand":…,"locationId":…,"asOf":…}` per line. ' +
      'Read as a stream; every row is validated before anything is applied. A file with bad rows is rejected (422 stock-import.rejected) ' +
      'with the line number and reason of each bad row, and nothing of it is applied. SKUs absent from the file keep their stock.',
  })
  @ApiConsumes('text/csv', 'application/x-ndjson')
  @ApiBody({ schema: { type: 'string', format: 'binary' } })
  @ApiUnprocessableEntityResponse({ description: 'Bad rows: `errors` lists `{ line, reason }` (problem+json).' })
  async importStock(
    @Req() request: Request,
    @Headers('content-type') contentType: string | undefined,
    @Query() query: StockImportQueryDto,
  ): Promise<StockImportResult> {
    const format = FORMATS[(contentType ?? '').split(';')[0].trim().toLowerCase()];
    if (!format) throw new UnsupportedStockFileError(contentType);
    request.setEncoding('utf8');
    const lines = createInterface({ input: request, crlfDelay: Infinity });
    try {
      return await this.importFile.execute({
        format,
        lines,
        asOf: query.asOf === undefined ? null : requireAsOf(query.asOf),
      });
    } finally {
      lines.close();
    }
  }
}
