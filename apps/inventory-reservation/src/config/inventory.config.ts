/** The Postgres schema this service owns. A wire-level name: renaming it is a migration. */
export const INVENTORY_SCHEMA = 'inventory';
export const SERVICE_NAME = 'inventory-reservation';
