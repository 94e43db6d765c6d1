import { SpanKind, trace } from '@opentelemetry/api';
import { createServer as createHttpServer } from 'node:http';
import { createServer } from 'node:net';
import { eventually } from '../../test/eventually';
import { spawnService, type SpawnedService } from '../../test/spawn-service';
import { isTracingRequested, startTelemetry } from './start-telemetry';

describe('isTracingRequested', () => {
  it('is off without an exporter or endpoint, so a laptop without a collector stays quiet', () => {
    expect(isTracingRequested({})).toBe(false);
    expect(isTracingRequested({ OTEL_SERVICE_NAME: 'order-ingest' })).toBe(false);
  });

  it('is on once an exporter or an OTLP endpoint is configured', () => {
    expect(isTracingRequested({ OTEL_TRACES_EXPORTER: 'otlp' })).toBe(true);
    expect(isTracingRequested({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).toBe(true);
    expect(
      isTracingRequested({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces' }),
    ).toBe(true);
  });

  it('stays off when disabled or when the exporter is none', () => {
    expect(isTracingRequested({ OTEL_SDK_DISABLED: 'true', OTEL_TRACES_EXPORTER: 'otlp' })).toBe(false);
    expect(
      isTracingRequested({ OTEL_TRACES_EXPORTER: 'none', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }),
    ).toBe(false);
  });

  it('starts nothing when off: spans are non-recording', async () => {
    const handle = startTelemetry({ serviceName: 'off', env: {} });
    expect(handle.tracing).toBe(false);
    const span = trace.getTracer('spec').startSpan('nothing');
    expect(span.isRecording()).toBe(false);
    span.end();
    await handle.shutdown();
  });
});

interface ExportedSpan {
  name: string;
  kind: SpanKind;
  traceId: string;
  spanId: string;
  parentSpanId: string | null;
  attributes: Record<string, unknown>;
  instrumentation: string;
}

describe('startTelemetryForTests in a service process', () => {
  let service: SpawnedService;

  beforeAll(async () => {
    // OTEL_SDK_DISABLED stays as the test setup left it ('true'): the in-memory exporter wins.
    service = await spawnService('libs/telemetry/test/traced-service/main.ts', { LOG_LEVEL: 'info' });
  });
  afterAll(() => service?.stop());

  const spans = async (): Promise<ExportedSpan[]> =>
    (await (await fetch(`${service.baseUrl}/test/spans`)).json()) as ExportedSpan[];
  const pathOf = (span: ExportedSpan): unknown =>
    span.attributes['url.path'] ?? span.attributes['http.target'];
  const serverSpanFor = async (path: string): Promise<ExportedSpan | undefined> =>
    (await spans()).find((span) => span.kind === SpanKind.SERVER && pathOf(span) === path);

  it('records an HTTP server span for a request, parent of the express and handler spans', async () => {
    const response = await fetch(`${service.baseUrl}/orders/114-1`);
    expect(response.status).toBe(200);

    const all = await spans();
    const server = await serverSpanFor('/orders/114-1');
    expect(server).toBeDefined();
    expect(server!.attributes['http.request.method'] ?? server!.attributes['http.method']).toBe('GET');
    expect(server!.attributes['http.response.status_code'] ?? server!.attributes['http.status_code']).toBe(
      200,
    );
    expect(server!.parentSpanId).toBeNull();

    // Walk up from the span opened in the handler: it must reach the server span, through
    // the express instrumentation's spans.
    const byId = new Map(all.map((span) => [span.spanId, span]));
    const handler = all.find((span) => span.name === 'load order' && span.traceId === server!.traceId);
    expect(handler).toBeDefined();
    const chain: ExportedSpan[] = [];
    for (let cursor: ExportedSpan | undefined = handler; cursor;) {
      chain.push(cursor);
      cursor = cursor.parentSpanId ? byId.get(cursor.parentSpanId) : undefined;
    }
    expect(chain.at(-1)?.spanId).toBe(server!.spanId);
    expect(all.some((s) => s.traceId === server!.traceId && s.instrumentation.includes('express'))).toBe(
      true,
    );

    // The handler's log line and the access log carry the same trace id: logs and traces join up.
    const line = await eventually(() => service.logs.find((l) => l['msg'] === 'reading order 114-1'));
    expect(line).toMatchObject({ trace_id: server!.traceId, context: 'OrdersHttpController' });
    const access = await eventually(() =>
      service.logs.find((l) => (l['req'] as { path?: string } | undefined)?.path === '/orders/114-1'),
    );
    expect(access).toMatchObject({ trace_id: server!.traceId, res: { statusCode: 200 } });
  });

  it('continues the trace a caller sends in traceparent', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    await fetch(`${service.baseUrl}/orders/114-2`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    const server = await serverSpanFor('/orders/114-2');
    expect(server?.traceId).toBe(traceId);
    expect(server?.parentSpanId).toBe('00f067aa0ba902b7');
  });

  it('neither traces nor access-logs probe requests', async () => {
    expect((await fetch(`${service.baseUrl}/health/live`)).status).toBe(200);
    await fetch(`${service.baseUrl}/orders/114-3`);
    await eventually(() =>
      service.logs.find((l) => (l['req'] as { path?: string } | undefined)?.path === '/orders/114-3'),
    );
    expect((await spans()).some((span) => String(pathOf(span)).startsWith('/health'))).toBe(false);
    expect(service.logs.some((l) => JSON.stringify(l['req'] ?? '').includes('/health'))).toBe(false);
  });
});

describe('startTelemetry configured by OTEL_* variables', () => {
  const startService = (endpoint: string): Promise<SpawnedService> =>
    spawnService('libs/telemetry/test/traced-service/main.ts', {
      TRACED_SERVICE_EXPORT: 'env',
      OTEL_SDK_DISABLED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      LOG_LEVEL: 'warn',
    });

  it('exports spans over OTLP/HTTP to the configured endpoint', async () => {
    const received: { path: string; body: Buffer }[] = [];
    const collector = createHttpServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        received.push({ path: request.url ?? '', body: Buffer.concat(chunks) });
        response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
    const { port } = collector.address() as { port: number };
    const service = await startService(`http://127.0.0.1:${port}`);
    try {
      expect((await fetch(`${service.baseUrl}/orders/114-9`)).status).toBe(200);
      const batch = await eventually(() =>
        received.find((r) => r.path === '/v1/traces' && r.body.includes('/orders/114-9')),
      );
      expect(batch.body.includes('traced-service')).toBe(true);
    } finally {
      await service.stop();
      await new Promise((resolve) => collector.close(resolve));
    }
  });

  it('with no collector running, serves requests and stops on SIGTERM promptly, without a word on stderr', async () => {
    // A port that was free a moment ago: every export attempt is refused.
    const closedPort = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, '127.0.0.1', () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const service = await startService(`http://127.0.0.1:${closedPort}`);
    for (let i = 0; i < 3; i++) expect((await fetch(`${service.baseUrl}/orders/114-${i}`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 500));

    const started = Date.now();
    const stopped = await service.stop();
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(stopped.stderr).toBe('');
    expect(service.logs.filter((l) => l['level'] === 'error')).toEqual([]);
  });
});
