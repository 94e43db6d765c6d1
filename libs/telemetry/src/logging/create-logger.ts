import pino, { type DestinationStream, type Logger } from 'pino';
import { loggerOptions, type LogLevel } from './logger-options';

export type { Logger as PinoLoggerInstance } from 'pino';

export interface CreateLoggerOptions {
  /** Service name on every line; defaults to OTEL_SERVICE_NAME, then the logger's name. */
  service?: string;
  level?: LogLevel;
  /** Where lines go; stdout by default. Tests pass a stream to read what was written. */
  destination?: DestinationStream;
}

/**
 * A JSON logger for code outside Nest (the outbox relay, tools). `logger` names the
 * component on each line; it is not pino's `name`, which the PII redaction would censor.
 */
export function createLogger(logger: string, options: CreateLoggerOptions = {}): Logger {
  const service = options.service ?? process.env['OTEL_SERVICE_NAME'] ?? logger;
  const settings = loggerOptions(service, options.level);
  const root = options.destination ? pino(settings, options.destination) : pino(settings);
  return root.child({ logger });
}
