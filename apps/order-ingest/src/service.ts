import type { ServiceDefinition } from '@holdfast/runtime';
import { INGEST_SCHEMA, SERVICE_NAME } from './config/ingest.config';
import { Messaging1764000000000 } from './migrations/1764000000000-messaging';

/** Channel polling and webhooks arrive with the ingest features; the platform is in place. */
export const orderIngestService: ServiceDefinition = {
  name: SERVICE_NAME,
  schema: INGEST_SCHEMA,
  defaultHttpPort: 3001,
  imports: [],
  migrations: [Messaging1764000000000],
};
