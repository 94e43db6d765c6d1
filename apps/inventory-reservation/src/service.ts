import type { ServiceDefinition } from '@holdfast/runtime';
import { INVENTORY_SCHEMA, SERVICE_NAME } from './config/inventory.config';
import { LedgerModule } from './ledger/ledger.module';
import { Ledger1764000000000 } from './migrations/1764000000000-ledger';

export const inventoryReservationService: ServiceDefinition = {
  name: SERVICE_NAME,
  schema: INVENTORY_SCHEMA,
  defaultHttpPort: 3002,
  imports: [LedgerModule],
  migrations: [Ledger1764000000000],
};
