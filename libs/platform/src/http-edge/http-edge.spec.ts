import { Body, Controller, Get, Module, Param, Post } from '@nestjs/common';
import { TelemetryModule } from '@holdfast/telemetry';
import { Type } from 'class-transformer';
import { IsArray, IsInt, IsString, Length, Min, ValidateNested } from 'class-validator';
import { z } from 'zod';
import { startHttpApp, type RunningApp } from '../../test/http-app';
import { apiKeysVariable } from '../config/config-variables';
import { loadConfig } from '../config/load-config';
import { DomainError } from '../errors/domain-error';
import { ApiPrincipal, Public, RequireScopes } from './api-key/access.decorators';
import { sha256Hex } from './api-key/api-key-entry';
import type { ApiKeyPrincipal } from './api-key/api-key-principal';
import { configureHttpEdge } from './configure-http-edge';
import { HttpEdgeModule } from './http-edge.module';
import { PROBLEM_CONTENT_TYPE } from './problem-details/problem-document';

class StockLineDto {
  @IsString()
  @Length(1, 40)
  sku!: string;

  @IsInt()
  @Min(0)
  quantity!: number;
}

class StockAdjustmentDto {
  @IsString()
  reason!: string;

  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => StockLineDto)
  lines!: StockLineDto[];
}

class OrderNotFoundError extends DomainError {
  readonly code = 'order.not-found';
  readonly kind = 'not-found';
}

class OrderAlreadyShippedError extends DomainError {
  readonly code = 'order.already-shipped';
  readonly kind = 'rule-violation';
}

@Controller('accounts/:accountId')
class OrdersHttpController {
  @Get('orders/:orderId')
  @RequireScopes('orders:read')
  get(
    @Param('accountId') accountId: string,
    @Param('orderId') orderId: string,
    @ApiPrincipal() principal: ApiKeyPrincipal,
  ): { accountId: string; orderId: string; readBy: string } {
    if (orderId === 'unknown') throw new OrderNotFoundError(`Order ${orderId} does not exist.`);
    if (orderId === 'shipped')
      throw new OrderAlreadyShippedError('The order has shipped.', { shippedAt: '2026-01-02' });
    if (orderId === 'broken') throw new Error('connect ECONNREFUSED postgres://app:hunter2@db:5432/orders');
    return { accountId, orderId, readBy: principal.name };
  }

  @Post('stock-adjustments')
  @RequireScopes('stock:write')
  adjust(@Body() adjustment: StockAdjustmentDto): { lines: number; firstLineIsDto: boolean } {
    return { lines: adjustment.lines.length, firstLineIsDto: adjustment.lines[0] instanceof StockLineDto };
  }

  /** Forgot its access rule: deny by default must close it. */
  @Get('forgotten')
  forgotten(): string {
    return 'should never be served';
  }
}

@Public()
@Controller('status')
class StatusHttpController {
  @Get()
  status(@ApiPrincipal() principal: ApiKeyPrincipal | undefined): { ok: true; caller: string | null } {
    return { ok: true, caller: principal?.name ?? null };
  }
}

// Loose shapes for reading JSON answers in assertions.
type Problem = Record<string, unknown> & { code: string; errors: { field: string }[] };
interface OpenApiDocument {
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { securitySchemes: Record<string, unknown> };
}

const KEYS = { reader: 'hf_reader_key_1', writer: 'hf_writer_key_2', acc1Only: 'hf_acc1_key_3' };
// Configured exactly as an operator would: hashes only, through the same config variable.
const { API_KEYS } = loadConfig(z.object({ API_KEYS: apiKeysVariable() }), {
  API_KEYS: [
    `reader:orders:read:${sha256Hex(KEYS.reader)}`,
    `erp:orders:read,stock:write:${sha256Hex(KEYS.writer)}`,
    `shop-acc1:orders:read:${sha256Hex(KEYS.acc1Only)}:accounts=acc-1|acc-3`,
  ].join(';'),
});

@Module({
  imports: [
    TelemetryModule.forRoot({ serviceName: 'http-edge-spec', logLevel: 'silent' }),
    HttpEdgeModule.forRoot({ apiKeys: API_KEYS }),
  ],
  controllers: [OrdersHttpController, StatusHttpController],
})
class EdgeAppModule {}

describe('HTTP edge', () => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startHttpApp(EdgeAppModule, (app) =>
      configureHttpEdge(app, { openApi: { title: 'Edge spec', version: '1.0.0' } }),
    );
  });
  afterAll(() => running?.close());

  const call = (path: string, init: RequestInit & { key?: string; via?: 'bearer' | 'x-api-key' } = {}) => {
    const headers = new Headers(init.headers);
    if (init.key !== undefined) {
      if (init.via === 'x-api-key') headers.set('x-api-key', init.key);
      else headers.set('authorization', `Bearer ${init.key}`);
    }
    return fetch(`${running.baseUrl}${path}`, { ...init, headers });
  };
  const postJson = (path: string, body: unknown, key?: string) =>
    call(path, {
      method: 'POST',
      key,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  const problemOf = async (response: Response) => {
    expect(response.headers.get('content-type')).toContain(PROBLEM_CONTENT_TYPE);
    return (await response.json()) as Problem;
  };

  describe('authentication', () => {
    it('answers 401 problem+json without a key', async () => {
      const response = await call('/accounts/acc-1/orders/o-1');
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await problemOf(response)).toMatchObject({
        type: 'urn:holdfast:problem:auth.missing-api-key',
        title: 'Unauthenticated',
        status: 401,
        code: 'auth.missing-api-key',
        instance: '/accounts/acc-1/orders/o-1',
        detail: expect.stringContaining('Bearer'),
      });
    });

    it('answers 401 for a key that is not configured', async () => {
      const response = await call('/accounts/acc-1/orders/o-1', { key: 'hf_made_up' });
      expect(response.status).toBe(401);
      expect((await problemOf(response)).code).toBe('auth.unknown-api-key');
    });

    it('serves a key with the right scope, as a bearer token or in x-api-key', async () => {
      for (const via of ['bearer', 'x-api-key'] as const) {
        const response = await call('/accounts/acc-9/orders/o-1', { key: KEYS.reader, via });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ accountId: 'acc-9', orderId: 'o-1', readBy: 'reader' });
      }
    });

    it('answers 403 naming the missing scope when the key lacks it', async () => {
      const response = await postJson(
        '/accounts/acc-1/stock-adjustments',
        { reason: 'count', lines: [] },
        KEYS.reader,
      );
      expect(response.status).toBe(403);
      expect(await problemOf(response)).toMatchObject({
        code: 'auth.missing-scope',
        missingScopes: ['stock:write'],
      });
    });

    it('keeps an account-restricted key to its accounts', async () => {
      expect((await call('/accounts/acc-1/orders/o-1', { key: KEYS.acc1Only })).status).toBe(200);
      expect((await call('/accounts/acc-3/orders/o-1', { key: KEYS.acc1Only })).status).toBe(200);
      const other = await call('/accounts/acc-2/orders/o-1', { key: KEYS.acc1Only });
      expect(other.status).toBe(403);
      expect((await problemOf(other)).code).toBe('auth.account-denied');
      // The account in a query string is held to the same rule.
      const viaQuery = await call('/accounts/acc-1/orders/o-1?accountId=acc-2', { key: KEYS.acc1Only });
      expect(viaQuery.status).toBe(403);
    });

    it('denies a route that declares no access rule, even to a valid key', async () => {
      const response = await call('/accounts/acc-1/forgotten', { key: KEYS.writer });
      expect(response.status).toBe(403);
      expect((await problemOf(response)).code).toBe('auth.route-not-exposed');
    });

    it('serves @Public routes and the telemetry probes without a key', async () => {
      expect(await (await call('/status')).json()).toEqual({ ok: true, caller: null });
      expect(await (await call('/status', { key: KEYS.reader })).json()).toEqual({
        ok: true,
        caller: 'reader',
      });
      expect((await call('/health/live')).status).toBe(200);
      expect((await call('/metrics')).status).toBe(200);
    });
  });

  describe('validation', () => {
    it('accepts a valid body and hands the handler DTO instances', async () => {
      const response = await postJson(
        '/accounts/acc-1/stock-adjustments',
        { reason: 'cycle count', lines: [{ sku: 'SKU-1', quantity: 4 }] },
        KEYS.writer,
      );
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ lines: 1, firstLineIsDto: true });
    });

    it('rejects unknown fields with 400, listing each field path', async () => {
      const response = await postJson(
        '/accounts/acc-1/stock-adjustments',
        { reason: 'cycle count', colour: 'red', lines: [{ sku: 'SKU-1', quantity: 1, warehouse: 'W1' }] },
        KEYS.writer,
      );
      expect(response.status).toBe(400);
      const problem = await problemOf(response);
      expect(problem).toMatchObject({ code: 'request.invalid', title: 'Invalid input', status: 400 });
      expect(problem.errors).toEqual(
        expect.arrayContaining([
          { field: 'colour', pointer: '#/colour', detail: 'property colour should not exist' },
          {
            field: 'lines[0].warehouse',
            pointer: '#/lines/0/warehouse',
            detail: 'property warehouse should not exist',
          },
        ]),
      );
    });

    it('refuses the NUL character in body fields and path parameters (the database cannot store it)', async () => {
      const body = await postJson(
        '/accounts/acc-1/stock-adjustments',
        { reason: 'count\u0000', lines: [{ sku: 'SKU\u00001', quantity: 1 }] },
        KEYS.writer,
      );
      expect(body.status).toBe(400);
      expect((await problemOf(body)).errors).toEqual([
        { field: 'reason', pointer: '#/reason', detail: 'must not contain the NUL character' },
        { field: 'lines[0].sku', pointer: '#/lines/0/sku', detail: 'must not contain the NUL character' },
      ]);
      const param = await call('/accounts/acc-1/orders/A%00B', { key: KEYS.reader });
      expect(param.status).toBe(400);
      expect((await problemOf(param)).errors).toEqual([
        { field: 'orderId', pointer: '#/orderId', detail: 'must not contain the NUL character' },
      ]);
      // Any other character is the handler's business.
      const rtl = await call('/accounts/acc-1/orders/A%E2%80%AEB', { key: KEYS.reader });
      expect(rtl.status).toBe(200);
    });

    it('names invalid nested values without echoing them', async () => {
      const response = await postJson(
        '/accounts/acc-1/stock-adjustments',
        {
          reason: 'count',
          lines: [
            { sku: 'SKU-1', quantity: 1 },
            { sku: '', quantity: -5 },
          ],
        },
        KEYS.writer,
      );
      const problem = await problemOf(response);
      expect(response.status).toBe(400);
      expect(problem.errors.map((e: { field: string }) => e.field).sort()).toEqual([
        'lines[1].quantity',
        'lines[1].sku',
      ]);
      expect(JSON.stringify(problem)).not.toContain('-5');
    });

    it('answers malformed JSON with 400 problem+json', async () => {
      const response = await call('/accounts/acc-1/stock-adjustments', {
        method: 'POST',
        key: KEYS.writer,
        headers: { 'content-type': 'application/json' },
        body: '{"reason": ',
      });
      expect(response.status).toBe(400);
      expect((await problemOf(response)).code).toBe('request.malformed');
    });

    it('accepts bodies up to the limit, well past the 100 kB body-parser default', async () => {
      const lines = Array.from({ length: 10_000 }, (_, i) => ({
        sku: `SKU-${i}-padding-padding`,
        quantity: i,
      }));
      const body = JSON.stringify({ reason: 'bulk', lines });
      expect(body.length).toBeGreaterThan(400 * 1024);
      const response = await call('/accounts/acc-1/stock-adjustments', {
        method: 'POST',
        key: KEYS.writer,
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toEqual({ lines: 10_000, firstLineIsDto: true });
    });

    it('answers a body over the 1 MB default limit with 413 problem+json', async () => {
      const lines = Array.from({ length: 30_000 }, (_, i) => ({
        sku: `SKU-${i}-padding-padding`,
        quantity: i,
      }));
      const body = JSON.stringify({ reason: 'bulk', lines });
      expect(body.length).toBeGreaterThan(1024 * 1024);
      const response = await call('/accounts/acc-1/stock-adjustments', {
        method: 'POST',
        key: KEYS.writer,
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(response.status).toBe(413);
      expect(await problemOf(response)).toMatchObject({
        code: 'request.too-large',
        status: 413,
        limitBytes: 1048576,
      });
    });
  });

  describe('errors', () => {
    it('maps a domain error to its status, keeping its code and message', async () => {
      const notFound = await call('/accounts/acc-1/orders/unknown', { key: KEYS.reader });
      expect(notFound.status).toBe(404);
      expect(await problemOf(notFound)).toMatchObject({
        type: 'urn:holdfast:problem:order.not-found',
        code: 'order.not-found',
        title: 'Not found',
        detail: 'Order unknown does not exist.',
      });

      const shipped = await call('/accounts/acc-1/orders/shipped', { key: KEYS.reader });
      expect(shipped.status).toBe(422);
      expect(await problemOf(shipped)).toMatchObject({
        code: 'order.already-shipped',
        shippedAt: '2026-01-02',
      });
    });

    it('answers an unexpected error with a bare 500 that leaks nothing', async () => {
      const response = await call('/accounts/acc-1/orders/broken', { key: KEYS.reader });
      expect(response.status).toBe(500);
      const text = await response.text();
      expect(JSON.parse(text)).toMatchObject({
        code: 'internal',
        status: 500,
        title: 'Internal Server Error',
      });
      for (const leaked of ['hunter2', 'ECONNREFUSED', 'postgres', 'at ']) expect(text).not.toContain(leaked);
    });

    it('answers an unknown route with 404 problem+json', async () => {
      const response = await call('/nowhere', { key: KEYS.reader });
      expect(response.status).toBe(404);
      expect((await problemOf(response)).code).toBe('route.not-found');
    });
  });

  describe('OpenAPI', () => {
    it('serves /openapi.json publicly, with the routes, their scopes and the API-key schemes', async () => {
      const response = await call('/openapi.json');
      expect(response.status).toBe(200);
      const document = (await response.json()) as OpenApiDocument;
      const operation = document.paths['/accounts/{accountId}/orders/{orderId}'].get;
      expect(operation.security).toEqual(expect.arrayContaining([{ 'api-key': [] }, { bearer: [] }]));
      expect(operation['x-required-scopes']).toEqual(['orders:read']);
      expect(document.paths['/accounts/{accountId}/stock-adjustments'].post['x-required-scopes']).toEqual([
        'stock:write',
      ]);
      expect(document.components.securitySchemes).toMatchObject({
        'api-key': { type: 'apiKey', in: 'header', name: 'x-api-key' },
        bearer: { type: 'http', scheme: 'bearer' },
      });
      expect(document.paths['/health/live']).toBeUndefined();
    });

    it('serves the documentation UI at /docs without a key', async () => {
      const response = await call('/docs');
      expect(response.status).toBe(200);
      expect(await response.text()).toContain('swagger');
    });
  });
});
