import type { ServiceDefinition } from '@holdfast/runtime';
import { NOTIFIER_SCHEMA, SERVICE_NAME } from './config/notifier.config';
import { OrderStates1764000000000 } from './migrations/1764000000000-order-states';
import { OrderStateModule } from './order-state/order-state.module';

export const shipmentNotifierService: ServiceDefinition = {
  name: SERVICE_NAME,
  schema: NOTIFIER_SCHEMA,
  defaultHttpPort: 3004,
  imports: [OrderStateModule],
  migrations: [OrderStates1764000000000],
};
