/** The Postgres schema this service owns. */
export const PUBLISHER_SCHEMA = 'availability';
export const SERVICE_NAME = 'availability-publisher';
