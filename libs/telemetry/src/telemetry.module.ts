import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  Inject,
  Module,
  type DynamicModule,
  type INestApplication,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import { HealthHttpController } from './health/health.http.controller';
import type { ReadinessCheck } from './health/readiness-check';
import { DEFAULT_READINESS_TIMEOUT_MS, ReadinessRegistry } from './health/readiness-registry';
import { isProbePath } from './http/probe-paths';
import { loggerOptions, type LogLevel } from './logging/logger-options';
import { MetricsHttpController } from './metrics/metrics.http.controller';
import { configureServiceMetrics } from './metrics/service-metrics';
import { shutdownTelemetry } from './tracing/start-telemetry';

export interface TelemetryModuleOptions {
  serviceName: string;
  /** Defaults to LOG_LEVEL, then info. */
  logLevel?: LogLevel;
  /** Where log lines go; stdout by default. Tests pass a stream to read them back. */
  logDestination?: DestinationStream;
  /** Checks known when the module is built; libraries add theirs through ReadinessRegistry. */
  readinessChecks?: ReadinessCheck[];
  readinessTimeoutMs?: number;
  /**
   * Flush and stop the process's OpenTelemetry SDK when the Nest application closes (on
   * SIGTERM with `enableShutdownHooks`). Default true: the app is the process.
   */
  shutdownTracingOnClose?: boolean;
}

const TELEMETRY_OPTIONS = Symbol('TELEMETRY_OPTIONS');
const REQUEST_ID_HEADER = 'x-request-id';
/** A caller's request id is echoed only if it looks like an id, never arbitrary text. */
const ACCEPTABLE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * Logs, probes and metrics for a Nest service: pino JSON logs with trace ids (request logs
 * included), /health/live, /health/ready and /metrics. Global, so any module can inject
 * ReadinessRegistry.
 */
@Module({})
export class TelemetryModule implements OnApplicationShutdown {
  constructor(@Inject(TELEMETRY_OPTIONS) private readonly options: TelemetryModuleOptions) {}

  static forRoot(options: TelemetryModuleOptions): DynamicModule {
    configureServiceMetrics(options.serviceName);
    const settings = loggerOptions(options.serviceName, options.logLevel);
    const logger = options.logDestination ? pino(settings, options.logDestination) : pino(settings);
    return {
      module: TelemetryModule,
      global: true,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            logger,
            quietReqLogger: true,
            genReqId: requestId,
            autoLogging: { ignore: (request) => isProbePath(request.url) },
            customLogLevel: (_request, response, error) =>
              error || response.statusCode >= 500 ? 'error' : response.statusCode >= 400 ? 'warn' : 'info',
            // Method, path and status are enough to follow a request; headers and the query
            // string are where credentials and PII would hide.
            serializers: {
              req: (request: { id?: unknown; method?: string; url?: string }) => ({
                id: request.id,
                method: request.method,
                path: (request.url ?? '').split('?')[0],
              }),
              res: (response: { statusCode?: number }) => ({ statusCode: response.statusCode }),
            },
          },
        }),
      ],
      controllers: [HealthHttpController, MetricsHttpController],
      providers: [
        { provide: TELEMETRY_OPTIONS, useValue: options },
        {
          provide: ReadinessRegistry,
          useFactory: () => {
            const registry = new ReadinessRegistry();
            registry.timeoutMs = options.readinessTimeoutMs ?? DEFAULT_READINESS_TIMEOUT_MS;
            for (const check of options.readinessChecks ?? []) registry.register(check);
            return registry;
          },
        },
      ],
      exports: [ReadinessRegistry],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.options.shutdownTracingOnClose ?? true) await shutdownTelemetry();
  }
}

/**
 * Routes Nest's own logging (and every `new Logger(Context)`) through pino. Create the app
 * with `{ bufferLogs: true }` so start-up lines are not printed in Nest's plain format first.
 */
export function useTelemetryLogger(app: INestApplication): void {
  app.useLogger(app.get(PinoNestLogger));
  app.flushLogs();
}

function requestId(request: IncomingMessage, response: ServerResponse): string {
  const offered = request.headers[REQUEST_ID_HEADER];
  const id = typeof offered === 'string' && ACCEPTABLE_REQUEST_ID.test(offered) ? offered : randomUUID();
  response.setHeader(REQUEST_ID_HEADER, id);
  return id;
}
