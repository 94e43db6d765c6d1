import { ApiPrincipal, assertAccountAccess, hasScope, RequireScopes, type ApiKeyPrincipal } from '@holdfast/platform';
import { Controller, Get, HttpCode, Inject, Logger, Param, ParseIntPipe, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { DataSource } from 'typeorm';
import { RecoverOrderUseCase } from '../application/recover-order.use-case';
import { InvalidCursorError, OrderNotFoundError, RawPayloadNotFoundError, RecoveryNotFoundError } from '../domain/order.errors';
import { BuyerDataVault, type BuyerDataState } from '../infrastructure/buyer-data.vault';
import { IngestErrorRepository } from '../infrastructure/ingest-error.repository';
import type { OrderRecovery } from '../infrastructure/order-recovery.repository';
import { OrderSnapshotRepository, type RecordedOrderRow } from '../infrastructure/order-snapshot.repository';
import { ACCOUNT_ID_PATTERN, ListIngestErrorsQueryDto, ListOrdersQueryDto, ORDER_ID_PATTERN } from './orders.dto';

/** How long a recovery request waits for the lease holder before answering 202. */
const RECOVERY_WAIT_MS = 10_000;

function orderView(row: RecordedOrderRow) {
  return {
    ...row.snapshot,
    announced: row.announced,
    firstSeenBy: row.firstSeenBy,
    firstSeenAt: row.firstSeenAt.toISOString(),
    lastSeenAt: row.lastSeenAt.toISOString(),
  };
}

function recoveryView(r: OrderRecovery) {
  return {
    recoveryId: r.id,
    accountId: r.accountId,
    orderId: r.orderId,
    status: r.status,
    outcome: r.outcome,
    error: r.error,
    requestedAt: r.requestedAt.toISOString(),
    finishedAt: r.finishedAt?.toISOString() ?? null,
  };
}

function buyerDataView(state: BuyerDataState) {
  switch (state.state) {
    case 'stored':
      return {
        state: state.state,
        buyer: state.data.buyer,
        recipient: state.data.recipient,
        storedAt: state.storedAt.toISOString(),
        purgeAfter: state.purgeAfter?.toISOString() ?? null,
      };
    case 'purged':
      return { state: state.state, purgedAt: state.purgedAt.toISOString() };
    case 'none':
      return { state: state.state };
  }
}

function encodeCursor(position: { updatedAt: string; accountId: string; orderId: string }): string {
  return Buffer.from(JSON.stringify([position.updatedAt, position.accountId, position.orderId])).toString('base64url');
}

function decodeCursor(cursor: string): { updatedAt: string; accountId: string; orderId: string } {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (
      Array.isArray(value) &&
      value.length === 3 &&
      typeof value[0] === 'string' &&
      Number.isFinite(Date.parse(value[0])) &&
      typeof value[1] === 'string' &&
      ACCOUNT_ID_PATTERN.test(value[1]) &&
      typeof value[2] === 'string' &&
      ORDER_ID_PATTERN.test(value[2])
    ) {
      return { updatedAt: value[0], accountId: value[1], orderId: value[2] };
    }
  } catch {
    // fall through
  }
  throw new InvalidCursorError();
}

/** The orders read API, single-order recovery and ingest errors. */
@ApiTags('orders')
@Controller('v1')
export class OrdersHttpController {
  private readonly logger = new Logger(OrdersHttpController.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(OrderSnapshotRepository) private readonly snapshots: OrderSnapshotRepository,
    @Inject(BuyerDataVault) private readonly vault: BuyerDataVault,
    @Inject(IngestErrorRepository) private readonly errors: IngestErrorRepository,
    @Inject(RecoverOrderUseCase) private readonly recover: RecoverOrderUseCase,
  ) {}

  @Get('orders')
  @RequireScopes('orders:read')
  @ApiOperation({ summary: 'Orders by last update, oldest first, with filters and cursor paging (no buyer data)' })
  async list(@Query() query: ListOrdersQueryDto, @ApiPrincipal() principal: ApiKeyPrincipal) {
    const limit = query.limit ?? 100;
    const { orders, last } = await this.snapshots.list(this.dataSource.manager, {
      accountIds: query.accountId ? [query.accountId] : principal.accounts,
      status: query.status,
      fulfilledBy: query.fulfilledBy,
      since: query.since ? new Date(query.since) : undefined,
      after: query.cursor ? decodeCursor(query.cursor) : undefined,
      limit,
    });
    const nextCursor =
      orders.length === limit && last ? encodeCursor({ updatedAt: last.updated_key, accountId: last.account_id, orderId: last.order_id }) : null;
    return { orders: orders.map(orderView), nextCursor };
  }

  @Get('accounts/:accountId/orders/:orderId')
  @RequireScopes('orders:read')
  @ApiOperation({ summary: 'One order with its event history; buyer data only for keys with orders:pii' })
  async get(@Param('accountId') accountId: string, @Param('orderId') orderId: string, @ApiPrincipal() principal: ApiKeyPrincipal) {
    const row = await this.snapshots.find(this.dataSource.manager, accountId, orderId);
    if (!row) throw new OrderNotFoundError(accountId, orderId);
    const events = await this.snapshots.changes(this.dataSource.manager, accountId, orderId);
    let buyerData: ReturnType<typeof buyerDataView> | { state: 'withheld'; requiredScope: string };
    if (hasScope(principal, 'orders:pii')) {
      buyerData = buyerDataView(await this.vault.read(this.dataSource.manager, accountId, orderId));
      // An audit trail of who read personal data; the data itself is never logged.
      this.logger.log(`buyer data of order ${orderId} (${accountId}) read by API key ${principal.name}`);
    } else {
      buyerData = { state: 'withheld', requiredScope: 'orders:pii' };
    }
    return {
      ...orderView(row),
      events: events.map((e) => ({ ...e, detectedAt: e.detectedAt.toISOString() })),
      buyerData,
    };
  }

  @Post('accounts/:accountId/orders/:orderId/recover')
  @RequireScopes('orders:write')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Re-read one order from Amazon (getOrder) and import it; 200 when done, 202 while the poller has not got to it',
  })
  async recoverOrder(
    @Param('accountId') accountId: string,
    @Param('orderId') orderId: string,
    @ApiPrincipal() principal: ApiKeyPrincipal,
    @Res({ passthrough: true }) response: Response,
  ) {
    if (!ORDER_ID_PATTERN.test(orderId)) throw new OrderNotFoundError(accountId, orderId.slice(0, 100));
    const recovery = await this.recover.request(accountId, orderId, principal.name, RECOVERY_WAIT_MS);
    if (recovery.status === 'queued' || recovery.status === 'running') response.status(202);
    return recoveryView(recovery);
  }

  @Get('order-recoveries/:recoveryId')
  @RequireScopes('orders:read')
  @ApiOperation({ summary: 'A single-order recovery and its outcome' })
  async recovery(@Param('recoveryId') recoveryId: string, @ApiPrincipal() principal: ApiKeyPrincipal) {
    const found = /^[0-9a-f-]{36}$/i.test(recoveryId) ? await this.recover.find(recoveryId) : null;
    if (!found) throw new RecoveryNotFoundError(recoveryId.slice(0, 36));
    assertAccountAccess(principal, found.accountId);
    return recoveryView(found);
  }

  @Get('ingest-errors')
  @RequireScopes('orders:read')
  @ApiOperation({ summary: 'Orders and responses that could not be imported, newest first, with their raw payload reference' })
  async ingestErrors(@Query() query: ListIngestErrorsQueryDto, @ApiPrincipal() principal: ApiKeyPrincipal) {
    const errors = await this.errors.list(this.dataSource.manager, {
      accountIds: query.accountId ? [query.accountId] : principal.accounts,
      open: query.open,
      limit: query.limit ?? 100,
    });
    return {
      errors: errors.map((e) => ({
        ...e,
        occurredAt: e.occurredAt.toISOString(),
        resolvedAt: e.resolvedAt?.toISOString() ?? null,
        rawPayload: e.rawPayloadId === null ? null : `/v1/raw-payloads/${e.rawPayloadId}`,
      })),
    };
  }

  @Get('raw-payloads/:payloadId')
  @RequireScopes('orders:read')
  @ApiOperation({ summary: 'What Amazon sent for an order that could not be imported (personal data removed)' })
  async rawPayload(@Param('payloadId', ParseIntPipe) payloadId: number, @ApiPrincipal() principal: ApiKeyPrincipal) {
    const payload = await this.errors.rawPayload(this.dataSource.manager, payloadId);
    if (!payload) throw new RawPayloadNotFoundError(payloadId);
    assertAccountAccess(principal, payload.accountId);
    return { payloadId, ...payload, receivedAt: payload.receivedAt.toISOString() };
  }
}
