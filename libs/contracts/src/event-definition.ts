import type { z } from 'zod';
import type { RoutingKey } from './routing-keys';

/** One event's contract: its wire name, its payload version and the runtime schema. */
export interface EventDefinition<K extends RoutingKey, S extends z.ZodType> {
  readonly type: K;
  /** Bumped on a breaking payload change; consumers reject versions they do not know. */
  readonly version: number;
  readonly schema: S;
  readonly description: string;
}

export function defineEvent<K extends RoutingKey, S extends z.ZodType>(
  definition: EventDefinition<K, S>,
): EventDefinition<K, S> {
  return Object.freeze(definition);
}
