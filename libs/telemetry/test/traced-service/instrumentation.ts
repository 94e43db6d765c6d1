// Mirrors an app's src/instrumentation.ts. By default spans are kept in memory so the test can
// read them; TRACED_SERVICE_EXPORT=env starts telemetry exactly as a service does, from OTEL_*.
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { startTelemetry, startTelemetryForTests } from '../../src/tracing/start-telemetry';

export const telemetry: { finishedSpans(): ReadableSpan[] } =
  process.env['TRACED_SERVICE_EXPORT'] === 'env'
    ? { ...startTelemetry({ serviceName: 'traced-service' }), finishedSpans: () => [] }
    : startTelemetryForTests('traced-service');
