import type { ServiceDefinition } from '@holdfast/runtime';
import { AccountsModule } from './accounts/accounts.module';
import { CatchUpModule } from './catch-up/catch-up.module';
import { INGEST_SCHEMA, SERVICE_NAME } from './config/ingest.config';
import { Messaging1764000000000 } from './migrations/1764000000000-messaging';
import { OrderIngest1764100000000 } from './migrations/1764100000000-order-ingest';
import { OrdersModule } from './orders/orders.module';
import { PollingModule } from './polling/polling.module';
import { ShopIntake1764200000000 } from './migrations/1764200000000-shop-intake';
import { ShopsModule } from './shops/shops.module';

/** Polls Amazon for every order (Pending included), takes web shop webhooks, detects changes, emits order.* through the outbox. */
export const orderIngestService: ServiceDefinition = {
  name: SERVICE_NAME,
  schema: INGEST_SCHEMA,
  defaultHttpPort: 3001,
  imports: [AccountsModule, OrdersModule, CatchUpModule, PollingModule, ShopsModule],
  migrations: [Messaging1764000000000, OrderIngest1764100000000, ShopIntake1764200000000],
  description:
    'Imports every Amazon order, Pending included, exactly once and within Amazon quotas, and every Shopify and WooCommerce order (signed webhooks plus a reconciliation poll): accounts and their options, orders, catch-up runs, recoveries, poll health, web shop webhooks and reconciliation.',
};
