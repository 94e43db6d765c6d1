/** The Postgres schema this service owns. */
export const NOTIFIER_SCHEMA = 'shipment_notifier';
export const SERVICE_NAME = 'shipment-notifier';
