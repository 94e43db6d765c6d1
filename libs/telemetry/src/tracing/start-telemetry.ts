import { context, diag, propagation, trace } from '@opentelemetry/api';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { NodeSDK, type NodeSDKConfiguration } from '@opentelemetry/sdk-node';
import {
  InMemorySpanExporter,
  SimpleSpanProcessor,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { isProbePath } from '../http/probe-paths';

export interface TelemetryOptions {
  /** Used when OTEL_SERVICE_NAME is not set; the variable wins so operators can rename. */
  serviceName: string;
  /**
   * Span processors given in code (tests, mostly). Giving any turns tracing on whatever the
   * OTEL_* switches say: code that asks for spans explicitly must get them.
   */
  spanProcessors?: SpanProcessor[];
  /** Defaults to process.env; injectable so the on/off decision can be tested. */
  env?: NodeJS.ProcessEnv;
}

export interface TelemetryHandle {
  /** Whether the SDK was started (false when tracing is off). */
  readonly tracing: boolean;
  /**
   * Flushes pending spans and unregisters the SDK. Idempotent, bounded in time and never
   * throws: it runs while the process is going down, when a missing collector must not
   * turn a clean SIGTERM into a hang or a crash.
   */
  shutdown(): Promise<void>;
}

const SHUTDOWN_TIMEOUT_MS = 5_000;

let active: TelemetryHandle | undefined;

/**
 * Tracing is off unless an exporter is configured: without a collector the OTLP exporter
 * would log a connection error every few seconds on every developer machine. Setting
 * OTEL_TRACES_EXPORTER or OTEL_EXPORTER_OTLP_ENDPOINT (or its traces-only variant) turns it
 * on; OTEL_SDK_DISABLED=true always wins; OTEL_TRACES_EXPORTER=none keeps it off.
 */
export function isTracingRequested(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return false;
  const exporter = env['OTEL_TRACES_EXPORTER']?.trim();
  if (exporter === 'none') return false;
  return Boolean(
    exporter ||
    env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim() ||
    env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim(),
  );
}

/**
 * Starts OpenTelemetry for this process. Call it from `src/instrumentation.ts`, which
 * `main.ts` imports on its very first line: the http, express and pg instrumentations can
 * only patch modules loaded after this call.
 */
export function startTelemetry(options: TelemetryOptions): TelemetryHandle {
  if (active) return active;
  const env = options.env ?? process.env;
  const explicit = (options.spanProcessors?.length ?? 0) > 0;
  if (!explicit && !isTracingRequested(env)) {
    return { tracing: false, shutdown: async () => undefined };
  }

  const instrumentations = [
    new HttpInstrumentation({
      ignoreIncomingRequestHook: (request) => isProbePath(request.url),
    }),
    new ExpressInstrumentation(),
    new PgInstrumentation({ requireParentSpan: true }),
  ];
  const configuration: Partial<NodeSDKConfiguration> = {
    serviceName: env['OTEL_SERVICE_NAME']?.trim() || options.serviceName,
    instrumentations,
    // Metrics go through prom-client and logs through pino to stdout. The SDK would default
    // both to OTLP export once started; only an explicit OTEL_*_EXPORTER brings them back.
    ...(env['OTEL_METRICS_EXPORTER'] ? {} : { metricReaders: [] }),
    ...(env['OTEL_LOGS_EXPORTER'] ? {} : { logRecordProcessors: [] }),
    ...(explicit ? { spanProcessors: options.spanProcessors, autoDetectResources: false } : {}),
  };
  const sdk = explicit
    ? withoutSdkDisabledSwitch(() => new NodeSDK(configuration))
    : new NodeSDK(configuration);
  sdk.start();

  let stopping: Promise<void> | undefined;
  const handle: TelemetryHandle = {
    tracing: true,
    shutdown: () => {
      stopping ??= (async () => {
        try {
          await Promise.race([sdk.shutdown(), delay(SHUTDOWN_TIMEOUT_MS)]);
        } catch (error) {
          diag.debug('telemetry shutdown failed', error);
        } finally {
          for (const instrumentation of instrumentations) instrumentation.disable();
          // Unregister the globals so a later start in the same process (a test) takes effect.
          trace.disable();
          context.disable();
          propagation.disable();
          if (active === handle) active = undefined;
        }
      })();
      return stopping;
    },
  };
  active = handle;
  return handle;
}

/** Shuts down whatever `startTelemetry` started in this process; a no-op when nothing was. */
export async function shutdownTelemetry(): Promise<void> {
  await active?.shutdown();
}

export interface TestTelemetry extends TelemetryHandle {
  readonly exporter: InMemorySpanExporter;
  /** Spans finished so far, oldest first. */
  finishedSpans(): ReadableSpan[];
}

/**
 * Tracing into memory, synchronously exported, for tests that assert span trees. Start it
 * before the code under test loads `http` so the instrumentation can patch it.
 */
export function startTelemetryForTests(serviceName = 'test'): TestTelemetry {
  const exporter = new InMemorySpanExporter();
  const handle = startTelemetry({ serviceName, spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return {
    tracing: handle.tracing,
    shutdown: () => handle.shutdown(),
    exporter,
    finishedSpans: () => exporter.getFinishedSpans(),
  };
}

/** NodeSDK reads OTEL_SDK_DISABLED in its constructor; an explicit in-code exporter overrides it. */
function withoutSdkDisabledSwitch<T>(build: () => T): T {
  const saved = process.env['OTEL_SDK_DISABLED'];
  delete process.env['OTEL_SDK_DISABLED'];
  try {
    return build();
  } finally {
    if (saved !== undefined) process.env['OTEL_SDK_DISABLED'] = saved;
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
