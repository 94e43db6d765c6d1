import type { HttpReply } from '../http/http-exchange';
import type { OperationName } from '../models/operation-catalog';
import type { ParsedParameters } from '../models/sp-api-models';
import { EU_MARKETPLACE_IDS } from '../orders/marketplaces';
import type { SimulatedAmazon } from '../state/simulated-amazon';

/** One authenticated, admitted, schema-valid SP-API call. */
export interface OperationContext {
  world: SimulatedAmazon;
  sellerId: string;
  parameters: ParsedParameters;
  now: number;
  /** A silentDrop fault: answer as if the change was accepted, but do not make it. */
  dropSilently: boolean;
  /** A fatalFeed fault: accept the feed, then end it FATAL when it is processed. */
  fatalFeed: boolean;
}

export type OperationHandler = (context: OperationContext) => HttpReply;

export type OperationHandlers<K extends OperationName = OperationName> = Record<K, OperationHandler>;

export function queryString(context: OperationContext, name: string): string | undefined {
  const value = context.parameters.query[name];
  return typeof value === 'string' ? value : undefined;
}

export function queryStrings(context: OperationContext, name: string): string[] | undefined {
  const value = context.parameters.query[name];
  return Array.isArray(value) ? value.map(String) : undefined;
}

export function queryNumber(context: OperationContext, name: string): number | undefined {
  const value = context.parameters.query[name];
  return typeof value === 'number' ? value : undefined;
}

/** Marketplace ids outside the simulated region, if any. */
export function unknownMarketplaces(ids: readonly string[]): string[] {
  return ids.filter((id) => !EU_MARKETPLACE_IDS.includes(id));
}
