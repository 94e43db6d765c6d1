import { v7 as uuidv7 } from 'uuid';
import { z } from 'zod';
import { EVENTS, type EventPayload } from './event-map';
import { ChannelAccountSchema, IsoDateTimeSchema, type ChannelAccount } from './primitives';
import { isRoutingKey, type RoutingKey } from './routing-keys';

/**
 * The envelope every event travels in. The W3C `traceparent` is not here: it crosses
 * the broker in AMQP headers, so tracing stays out of the contract.
 */
export const EnvelopeHeaderSchema = z.strictObject({
  messageId: z.uuid({ version: 'v7' }),
  type: z.string().refine(isRoutingKey, { message: 'unknown event type' }),
  version: z.number().int().positive(),
  occurredAt: IsoDateTimeSchema,
  /** The id of the first message (or request) of the causal chain; a new chain starts with its own id. */
  correlationId: z.string().min(1).max(100),
  /** The messageId (or request id) that caused this event; null for a chain's first event. */
  causationId: z.string().min(1).max(100).nullable(),
  channelAccount: ChannelAccountSchema.nullable(),
});

export interface Envelope<K extends RoutingKey = RoutingKey> {
  messageId: string;
  type: K;
  version: number;
  occurredAt: string;
  correlationId: string;
  causationId: string | null;
  channelAccount: ChannelAccount | null;
  payload: EventPayload<K>;
}

/**
 * An envelope of any known type, as a union discriminated by `type`: unlike
 * `Envelope<RoutingKey>`, checking `type` narrows `payload`.
 */
export type AnyEnvelope = { [K in RoutingKey]: Envelope<K> }[RoutingKey];

export interface EnvelopeOptions {
  correlationId?: string;
  causationId?: string | null;
  channelAccount?: ChannelAccount | null;
  occurredAt?: Date;
  messageId?: string;
}

/** Thrown when a payload or envelope breaks its contract. `issues` says exactly where. */
export class ContractViolationError extends Error {
  override readonly name = 'ContractViolationError';
  constructor(
    readonly eventType: string,
    readonly issues: readonly { path: string; message: string }[],
  ) {
    super(
      `${eventType} violates its contract: ${issues.map((i) => `${i.path || '(root)'}: ${i.message}`).join('; ')}`,
    );
  }
}

/** `prefix` places the issue inside a larger document (a payload's issues inside its envelope). */
function issuesOf(
  error: z.ZodError,
  prefix: readonly PropertyKey[] = [],
): { path: string; message: string }[] {
  return error.issues.map((i) => ({
    path: [...prefix, ...i.path].map(String).join('.'),
    message: i.message,
  }));
}

function parsePayload<K extends RoutingKey>(
  type: K,
  payload: unknown,
  prefix: readonly PropertyKey[],
): EventPayload<K> {
  const result = EVENTS[type].schema.safeParse(payload);
  if (!result.success) throw new ContractViolationError(type, issuesOf(result.error, prefix));
  return result.data as EventPayload<K>;
}

/** Validates a payload against the contract of `type`, returning the parsed value. Issue paths start at the payload. */
export function validatePayload<K extends RoutingKey>(type: K, payload: unknown): EventPayload<K> {
  return parsePayload(type, payload, []);
}

/**
 * Builds a validated envelope. Publishing code only ever goes through here. Issue paths
 * start at the envelope (`payload.order.lines.0.quantityShipped`), as in parseEnvelope.
 */
export function createEnvelope<K extends RoutingKey>(
  type: K,
  payload: EventPayload<K>,
  options: EnvelopeOptions = {},
): Envelope<K> {
  const messageId = options.messageId ?? uuidv7();
  const envelope: Envelope<K> = {
    messageId,
    type,
    version: EVENTS[type].version,
    occurredAt: (options.occurredAt ?? new Date()).toISOString(),
    correlationId: options.correlationId ?? messageId,
    causationId: options.causationId ?? null,
    channelAccount: options.channelAccount ?? null,
    payload: parsePayload(type, payload, ['payload']),
  };
  const { payload: _payload, ...header } = envelope;
  const parsed = EnvelopeHeaderSchema.safeParse(header);
  if (!parsed.success) throw new ContractViolationError(type, issuesOf(parsed.error));
  return envelope;
}

/**
 * Parses an envelope received from the wire: header, known type, known version and
 * payload. Anything else is a ContractViolationError (a poison message). Issue paths
 * start at the envelope, so a payload's own `version` reads `payload.version`, never
 * `version`. The result is discriminated by `type`: a `switch (envelope.type)` narrows
 * the payload.
 */
export function parseEnvelope(raw: unknown): AnyEnvelope {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ContractViolationError('(unknown)', [{ path: '', message: 'envelope must be a JSON object' }]);
  }
  const { payload, ...header } = raw as Record<string, unknown>;
  const parsed = EnvelopeHeaderSchema.safeParse(header);
  if (!parsed.success) {
    const type = typeof header['type'] === 'string' ? header['type'] : '(unknown)';
    throw new ContractViolationError(type, issuesOf(parsed.error));
  }
  // The header's refine is a type guard, so `type` is already a RoutingKey here.
  const type = parsed.data.type;
  if (parsed.data.version !== EVENTS[type].version) {
    throw new ContractViolationError(type, [
      { path: 'version', message: `version ${parsed.data.version} is not supported (expected ${EVENTS[type].version})` },
    ]);
  }
  return { ...parsed.data, type, payload: parsePayload(type, payload, ['payload']) } as AnyEnvelope;
}
