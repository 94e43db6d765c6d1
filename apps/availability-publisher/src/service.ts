import type { ServiceDefinition } from '@holdfast/runtime';
import { PUBLISHER_SCHEMA, SERVICE_NAME } from './config/publisher.config';
import { DesiredModule } from './desired/desired.module';
import { ListingsModule } from './listings/listings.module';
import { DesiredQuantities1764000000000 } from './migrations/1764000000000-desired-quantities';
import { ListingsAndPublications1764100000000 } from './migrations/1764100000000-listings-and-publications';
import { ListingTraceContext1764400000000 } from './migrations/1764400000000-listing-trace-context';
import { PublishingModule } from './publishing/publishing.module';

export const availabilityPublisherService: ServiceDefinition = {
  name: SERVICE_NAME,
  schema: PUBLISHER_SCHEMA,
  defaultHttpPort: 3003,
  description:
    'Turns availability.changed into channel quantities (listings, channel rules, bundles) and delivers them ' +
    'to Amazon by PATCH or JSON_LISTINGS_FEED, confirmed by read-back or processing report.',
  imports: [DesiredModule, ListingsModule, PublishingModule],
  migrations: [DesiredQuantities1764000000000, ListingsAndPublications1764100000000, ListingTraceContext1764400000000],
};
