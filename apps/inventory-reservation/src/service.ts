import type { ServiceDefinition } from '@holdfast/runtime';
import { CatalogueModule } from './catalogue/catalogue.module';
import { INVENTORY_SCHEMA, SERVICE_NAME } from './config/inventory.config';
import { ExplainModule } from './explain/explain.module';
import { LedgerModule } from './ledger/ledger.module';
import { Ledger1764000000000 } from './migrations/1764000000000-ledger';
import { StockLedger1764100000000 } from './migrations/1764100000000-stock-ledger';
import { StockModule } from './stock/stock.module';

export const inventoryReservationService: ServiceDefinition = {
  name: SERVICE_NAME,
  schema: INVENTORY_SCHEMA,
  defaultHttpPort: 3002,
  description:
    'The stock ledger: reservations from order events, stock from the ERP, availability per SKU and channel, explained.',
  imports: [LedgerModule, StockModule, CatalogueModule, ExplainModule],
  migrations: [Ledger1764000000000, StockLedger1764100000000],
};
