import { loadConfig } from '@holdfast/platform';
import { z } from 'zod';

/** The Postgres schema this service owns. A wire-level name: renaming it is a migration. */
export const INVENTORY_SCHEMA = 'inventory';
export const SERVICE_NAME = 'inventory-reservation';

/**
 * The location stock goes to when the ERP names none. Created by the ledger migration;
 * a single-warehouse merchant never has to know locations exist.
 */
export const DEFAULT_LOCATION_ID = 'default';

/** Service-specific settings, beside the runtime's common ones (libs/runtime). */
export const InventoryEnvSchema = z.object({
  /** The largest stock file the bulk import accepts, in rows. */
  STOCK_IMPORT_MAX_ROWS: z.coerce.number().int().min(1).max(5_000_000).default(1_000_000),
  /** Bad rows listed in a rejected import's answer (all are counted). */
  STOCK_IMPORT_MAX_REPORTED_ERRORS: z.coerce.number().int().min(1).max(1_000_000).default(10_000),
});
export type InventoryEnv = z.infer<typeof InventoryEnvSchema>;

export const INVENTORY_ENV = Symbol('INVENTORY_ENV');

export function loadInventoryEnv(env: NodeJS.ProcessEnv = process.env): InventoryEnv {
  return loadConfig(InventoryEnvSchema, env);
}
