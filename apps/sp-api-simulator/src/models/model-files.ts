import path from 'node:path';
import { findUpwards } from '../support/find-upwards';

/**
 * Where Amazon's official models live. They are Apache-2.0 files copied into the repository
 * (third_party/sp-api-models) and read at run time, never re-typed: the simulator's requests and
 * responses are checked against exactly what Amazon publishes.
 */
export const MODEL_FILES = {
  ordersV2026: 'models/orders-api-model/orders_2026-01-01.json',
  ordersV0: 'models/orders-api-model/ordersV0.json',
  listingsItems: 'models/listings-items-api-model/listingsItems_2021-08-01.json',
  feeds: 'models/feeds-api-model/feeds_2021-06-30.json',
} as const;

export const FEED_SCHEMA_FILES = {
  listingsFeed: 'schemas/feeds/listings-feed-schema-v2.json',
  listingsFeedMessage: 'schemas/feeds/listings-feed-message-schema-v2.json',
  processingReport: 'schemas/feeds/listings-feed-processing-report-schema-v2.json',
} as const;

export type ModelName = keyof typeof MODEL_FILES;

export function locateModelsDirectory(env: NodeJS.ProcessEnv = process.env, startDir = __dirname): string {
  const configured = env['SPAPI_MODELS_DIR'];
  if (configured) return path.resolve(configured);
  const found = findUpwards(startDir, path.join('third_party', 'sp-api-models'));
  if (!found) {
    throw new Error(
      'Amazon SP-API models not found: no third_party/sp-api-models above the simulator; set SPAPI_MODELS_DIR',
    );
  }
  return found;
}
