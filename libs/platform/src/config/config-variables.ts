import { LOG_LEVELS } from '@holdfast/telemetry';
import { z } from 'zod';
import { ApiKeyEntriesError, parseApiKeyEntries, type ApiKeyEntry } from '../http-edge/api-key/api-key-entry';

/*
 * Schemas for the variables every service reads, with defaults that work on a developer
 * machine running PostgreSQL and RabbitMQ locally. Compose them into the app's schema:
 *
 *     const AppConfig = z.object({ DATABASE_URL: databaseUrl(), HTTP_PORT: httpPort(3001), ... });
 *     export const config = loadConfigOrExit(AppConfig);
 */

export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/postgres';
export const DEFAULT_AMQP_URL = 'amqp://guest:guest@127.0.0.1:5672';
export const DEFAULT_AMQP_NAMESPACE = 'holdfast';

function urlWithProtocol(protocols: string[], what: string): z.ZodString {
  return z.string().refine(
    (value) => {
      try {
        return protocols.includes(new URL(value).protocol.replace(/:$/, ''));
      } catch {
        return false;
      }
    },
    { message: `must be a ${what} URL (${protocols.map((p) => `${p}://`).join(' or ')})` },
  );
}

/** PostgreSQL connection URL. Holds a password in most deployments: prefer DATABASE_URL_FILE. */
export const databaseUrl = () =>
  urlWithProtocol(['postgres', 'postgresql'], 'PostgreSQL').default(DEFAULT_DATABASE_URL);

/** RabbitMQ connection URL. */
export const amqpUrl = () => urlWithProtocol(['amqp', 'amqps'], 'AMQP').default(DEFAULT_AMQP_URL);

/**
 * Prefix of every exchange and queue name. Tests give each suite its own so suites sharing
 * one broker never see each other's messages.
 */
export const amqpNamespace = () =>
  z
    .string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,62}$/, 'must be lower-case letters, digits, ".", "_" or "-" (at most 63)')
    .default(DEFAULT_AMQP_NAMESPACE);

/** TCP port to listen on; 0 picks a free one (tests). */
export const httpPort = (defaultPort: number) =>
  z.coerce
    .number({ message: 'must be a port number' })
    .int('must be a whole number')
    .min(0, 'must be between 0 and 65535')
    .max(65535, 'must be between 0 and 65535')
    .default(defaultPort);

export const logLevel = () =>
  z
    .string()
    .transform((value) => value.toLowerCase())
    .pipe(z.enum(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }))
    .default('info');

/** Largest accepted request body: bytes, or a number with kb / mb. */
export const httpBodyLimit = () =>
  z
    .string()
    .regex(/^\d+(b|kb|mb)?$/i, 'must be a size such as 1048576, 512kb or 1mb')
    .default('1mb');

/** API_KEYS (or API_KEYS_FILE): `name:scope1,scope2:<sha256-hex>[:accounts=a|b]` entries separated by `;`. */
export const apiKeysVariable = () =>
  z
    .string()
    .default('')
    .transform((raw, context): ApiKeyEntry[] => {
      try {
        return parseApiKeyEntries(raw);
      } catch (error) {
        if (!(error instanceof ApiKeyEntriesError)) throw error;
        for (const problem of error.problems) context.addIssue({ code: 'custom', message: problem });
        return z.NEVER;
      }
    });

/** A secret that must be present; give it as <NAME>_FILE in deployments. */
export const requiredSecret = () => z.string().min(1, 'must not be empty');
