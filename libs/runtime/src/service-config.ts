import { apiKeysVariable, ConfigError, loadConfig } from '@holdfast/platform';
import { z } from 'zod';

/**
 * The environment every Holdfast service reads. Defaults work on a developer machine
 * with local RabbitMQ and PostgreSQL; production sets them explicitly.
 */
export const ServiceEnvSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// URL')
    .default('postgres://postgres@127.0.0.1:5432/postgres'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  AMQP_URL: z
    .string()
    .regex(/^amqps?:\/\//, 'must be an amqp:// or amqps:// URL')
    .default('amqp://guest:guest@127.0.0.1:5672'),
  AMQP_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]*$/i, 'letters, digits, ".", "_" and "-" only')
    .default('holdfast'),
  AMQP_PREFETCH: z.coerce.number().int().min(1).max(1000).default(32),
  AMQP_RETRY_DELAYS_MS: z
    .string()
    .regex(/^\d+(,\d+)*$/, 'comma-separated milliseconds, e.g. 1000,5000,30000')
    .default('1000,5000,30000,120000,600000'),
  AMQP_DELIVERY_LIMIT: z.coerce.number().int().min(1).max(1000).default(20),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535),
  HTTP_HOST: z.string().default('0.0.0.0'),
  HTTP_BODY_LIMIT: z
    .string()
    .regex(/^\d+(kb|mb)?$/i, 'bytes, or a size like 512kb or 1mb')
    .default('1mb'),
  /** `name:scope,scope:<sha256 of the key>[:accounts=a|b]` entries separated by `;` (or API_KEYS_FILE). */
  API_KEYS: apiKeysVariable(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  OUTBOX_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(100),
  /** Dev convenience: run migrations at start. Production runs them as a separate step. */
  MIGRATE_ON_START: z.enum(['true', 'false']).default('false'),
  FAULT_KILL_AFTER_COMMIT: z.string().optional(),
  FAULT_KILL_AFTER_PUBLISH: z.string().optional(),
});

export type ServiceEnv = z.infer<typeof ServiceEnvSchema>;

export { ConfigError };

/** Parses the environment (any variable may come from `<NAME>_FILE`); the error names every bad variable. */
export function parseEnv<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  return loadConfig(schema, env);
}
