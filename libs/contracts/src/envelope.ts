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

function issuesOf(error: z.ZodError): { path: string; message: string }[] {
  return error.issues.map((i) => ({ path: i.path.join('.'), message: i.message }));
}

/** Validates a payload against the contract of `type`, returning the parsed value. */
export function validatePayload<K extends RoutingKey>(type: K, payload: unknown): EventPayload<K> {
  const result = EVENTS[type].schema.safeParse(payload);
  if (!result.success) throw new ContractViolationError(type, issuesOf(result.error));
  return result.data as EventPayload<K>;
}

/** Builds a validated envelope. Publishing code only ever goes through here. */
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
    payload: validatePayload(type, payload),
  };
  const { payload: _payload, ...header } = envelope;
  const parsed = EnvelopeHeaderSchema.safeParse(header);
  if (!parsed.success) throw new ContractViolationError(type, issuesOf(parsed.error));
  return envelope;
}

/**
 * Parses an envelope received from the wire: header, known type, known version and
 * payload. Anything else is a ContractViolationError (a poison message).
 */
export function parseEnvelope(raw: unknown): Envelope {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ContractViolationError('(unknown)', [{ path: '', message: 'envelope must be a JSON object' }]);
  }
  const { payload, ...header } = raw as Record<string, unknown>;
  const parsed = EnvelopeHeaderSchema.safeParse(header);
  if (!parsed.success) {
    const type = typeof header['type'] === 'string' ? header['type'] : '(unknown)';
    throw new ContractViolationError(type, issuesOf(parsed.error));
  }
  const type = parsed.data.type as RoutingKey;
  if (parsed.data.version !== EVENTS[type].version) {
    throw new ContractViolationError(type, [
      { path: 'version', message: `version ${parsed.data.version} is not supported (expected ${EVENTS[type].version})` },
    ]);
  }
  return { ...parsed.data, type, payload: validatePayload(type, payload) } as Envelope;
}
