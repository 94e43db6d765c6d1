/** The Postgres schema this service owns. */
export const INGEST_SCHEMA = 'order_ingest';
export const SERVICE_NAME = 'order-ingest';
