// Keep this barrel free of imports that load `express`, `pg` or `http` at module level:
// instrumentation.ts imports it before startTelemetry() patches those modules.
export * from './tracing/start-telemetry';
export * from './tracing/trace-ids';
export * from './tracing/with-span';
export * from './logging/logger-options';
export * from './logging/create-logger';
export * from './http/public-route.decorator';
export * from './http/probe-paths';
export * from './health/readiness-check';
export * from './health/readiness-registry';
export * from './health/health.http.controller';
export * from './metrics/service-metrics';
export * from './metrics/metrics.http.controller';
export * from './telemetry.module';
export { Logger as TelemetryLogger, PinoLogger, InjectPinoLogger } from 'nestjs-pino';
