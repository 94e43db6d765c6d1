import type { ModelName } from './model-files';
import type { HttpMethod, SwaggerOperation, SwaggerParameter, SwaggerResponse } from './swagger-document';

/**
 * The SP-API operations the simulator serves, each taken from one official model. The names are the
 * models' operationIds; v0 `getOrder` is not simulated, so the names are unique and double as the keys
 * for usage plans, faults and statistics.
 */
export const SIMULATED_OPERATIONS = [
  { name: 'searchOrders', model: 'ordersV2026' },
  { name: 'getOrder', model: 'ordersV2026' },
  { name: 'getOrders', model: 'ordersV0' },
  { name: 'getOrderItems', model: 'ordersV0' },
  { name: 'confirmShipment', model: 'ordersV0' },
  { name: 'getListingsItem', model: 'listingsItems' },
  { name: 'patchListingsItem', model: 'listingsItems' },
  { name: 'createFeedDocument', model: 'feeds' },
  { name: 'createFeed', model: 'feeds' },
  { name: 'getFeed', model: 'feeds' },
  { name: 'getFeedDocument', model: 'feeds' },
] as const satisfies readonly { name: string; model: ModelName }[];

export type OperationName = (typeof SIMULATED_OPERATIONS)[number]['name'];

export const OPERATION_NAMES: readonly OperationName[] = SIMULATED_OPERATIONS.map((op) => op.name);

export function isOperationName(value: string): value is OperationName {
  return (OPERATION_NAMES as readonly string[]).includes(value);
}

export interface UsagePlan {
  /** Requests per second restored to the bucket. */
  rate: number;
  /** Bucket size. */
  burst: number;
}

export interface OperationSpec {
  name: OperationName;
  model: ModelName;
  method: HttpMethod;
  pathTemplate: string;
  parameters: SwaggerParameter[];
  responses: Record<string, SwaggerResponse>;
  /** The default usage plan, read from the "Usage Plan" table in the operation's description. */
  usagePlan: UsagePlan;
}

const USAGE_PLAN_TABLE =
  /\|\s*Rate \(requests per second\)\s*\|\s*Burst\s*\|\s*\n\|[\s-]+\|[\s-]+\|\s*\n\|\s*([\d.]+)\s*\|\s*([\d.]+)\s*\|/;

export function parseUsagePlan(operation: SwaggerOperation): UsagePlan {
  const match = USAGE_PLAN_TABLE.exec(operation.description ?? '');
  if (!match) throw new Error(`no usage plan table in the description of ${operation.operationId}`);
  return { rate: Number(match[1]), burst: Number(match[2]) };
}
