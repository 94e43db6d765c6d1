import { trace } from '@opentelemetry/api';
import { LogCapture } from '../../test/log-capture';
import { startTelemetryForTests, type TestTelemetry } from '../tracing/start-telemetry';
import { createLogger } from './create-logger';
import { logLevelFromEnv, REDACTED } from './logger-options';

describe('createLogger', () => {
  let telemetry: TestTelemetry;

  beforeAll(() => {
    telemetry = startTelemetryForTests('logging-spec');
  });
  afterAll(() => telemetry.shutdown());

  it('stamps the trace and span ids of the active span on each line, and none outside a span', () => {
    const capture = new LogCapture();
    const logger = createLogger('outbox-relay', {
      destination: capture,
      service: 'order-ingest',
      level: 'info',
    });

    let traceId = '';
    let spanId = '';
    trace.getTracer('spec').startActiveSpan('relay batch', (span) => {
      traceId = span.spanContext().traceId;
      spanId = span.spanContext().spanId;
      logger.info('published 3 rows');
      span.end();
    });
    logger.info('idle');

    const inside = capture.find('published 3 rows');
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(inside).toMatchObject({
      trace_id: traceId,
      span_id: spanId,
      trace_flags: '01',
      service: 'order-ingest',
      logger: 'outbox-relay',
      level: 'info',
    });
    expect(capture.find('idle')).not.toHaveProperty('trace_id');
  });

  it('censors credentials and buyer PII wherever they are logged', () => {
    const capture = new LogCapture();
    const logger = createLogger('spec', { destination: capture, level: 'info' });

    logger.info(
      {
        orderId: '114-0000000-0000001',
        buyer: { name: 'Ada Lovelace', email: 'ada@example.com' },
        order: { shippingAddress: { line1: '12 Analytical St' }, email: 'ada@example.com', sku: 'SKU-1' },
        phone: '+44 20 7946 0000',
        req: {
          headers: { authorization: 'Bearer sk_live_secret', 'x-api-key': 'key_secret', cookie: 'sid=1' },
        },
        apiKey: 'key_secret',
      },
      'order imported',
    );

    const raw = capture.raw.join('\n');
    for (const leaked of [
      'Ada',
      'ada@example.com',
      'Analytical',
      '7946',
      'sk_live_secret',
      'key_secret',
      'sid=1',
    ]) {
      expect(raw).not.toContain(leaked);
    }
    const line = capture.find('order imported')!;
    expect(line).toMatchObject({
      orderId: '114-0000000-0000001',
      buyer: REDACTED,
      phone: REDACTED,
      apiKey: REDACTED,
      order: { shippingAddress: REDACTED, email: REDACTED, sku: 'SKU-1' },
    });
  });

  it('writes only at or above the configured level', () => {
    const capture = new LogCapture();
    const logger = createLogger('spec', { destination: capture, level: 'warn' });
    logger.info('chatty');
    logger.warn('worth reading');
    expect(capture.lines.map((line) => line['msg'])).toEqual(['worth reading']);
  });
});

describe('logLevelFromEnv', () => {
  it('defaults to info and accepts the pino levels', () => {
    expect(logLevelFromEnv({})).toBe('info');
    expect(logLevelFromEnv({ LOG_LEVEL: 'DEBUG' })).toBe('debug');
  });

  it('rejects an unknown level naming the variable', () => {
    expect(() => logLevelFromEnv({ LOG_LEVEL: 'loud' })).toThrow(/LOG_LEVEL/);
  });
});
