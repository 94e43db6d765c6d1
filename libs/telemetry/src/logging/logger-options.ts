import { hostname } from 'node:os';
import pino, { type LoggerOptions } from 'pino';
import { currentTraceIds } from '../tracing/trace-ids';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const REDACTED = '[redacted]';

/**
 * Keys that carry credentials or buyer PII. Redacted at the top level and one level down
 * (`{ order: { buyer } }`); pino-http's `req`/`res` headers are listed explicitly. Over-
 * redaction is the safe failure, hence plain `name`: log a queue or a check under a
 * specific key (`queue`, `check`) rather than `name`.
 */
const SENSITIVE_KEYS = [
  'authorization',
  'cookie',
  'apiKey',
  'api_key',
  'password',
  'secret',
  'clientSecret',
  'token',
  'accessToken',
  'refreshToken',
  'buyer',
  'buyerInfo',
  'buyerName',
  'buyerEmail',
  'buyerPhone',
  'email',
  'phone',
  'phoneNumber',
  'name',
  'address',
  'shippingAddress',
  'billingAddress',
];

export const REDACTED_PATHS: string[] = [
  ...SENSITIVE_KEYS,
  ...SENSITIVE_KEYS.map((key) => `*.${key}`),
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'headers.authorization',
  'headers["x-api-key"]',
  '*.headers.authorization',
  '*.headers["x-api-key"]',
];

/** LOG_LEVEL, default info. An unknown level is a configuration error, not a silent default. */
export function logLevelFromEnv(env: NodeJS.ProcessEnv = process.env): LogLevel {
  const raw = env['LOG_LEVEL']?.trim().toLowerCase();
  if (!raw) return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}; got an unknown level`);
}

/**
 * The one pino configuration every process uses: JSON lines, ISO timestamps, level as a
 * word, the service on every line, the active trace and span ids mixed in, secrets and
 * buyer PII censored.
 */
export function loggerOptions(serviceName: string, level: LogLevel = logLevelFromEnv()): LoggerOptions {
  return {
    level,
    base: { service: serviceName, pid: process.pid, hostname: hostname() },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin: () => currentTraceIds() ?? {},
    redact: { paths: REDACTED_PATHS, censor: REDACTED },
  };
}
