import type { ServiceDefinition } from '@holdfast/runtime';
import { PUBLISHER_SCHEMA, SERVICE_NAME } from './config/publisher.config';
import { DesiredModule } from './desired/desired.module';
import { DesiredQuantities1764000000000 } from './migrations/1764000000000-desired-quantities';

export const availabilityPublisherService: ServiceDefinition = {
  name: SERVICE_NAME,
  schema: PUBLISHER_SCHEMA,
  defaultHttpPort: 3003,
  imports: [DesiredModule],
  migrations: [DesiredQuantities1764000000000],
};
