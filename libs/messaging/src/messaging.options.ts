/** How a service connects to RabbitMQ and shapes its queues. Validated by the app's config. */
export interface MessagingOptions {
  /** amqp://user:pass@host:port/vhost */
  url: string;
  /**
   * Prefix of every exchange and queue name. `holdfast` in production; tests use a
   * unique one per suite so suites never share a queue.
   */
  namespace: string;
  /** The owning service: queues are `<namespace>.<service>.<purpose>`. */
  serviceName: string;
  /** Unacknowledged messages per consumer (bounded prefetch). */
  prefetch?: number;
  /** Messages handled at once per queue; 1 keeps arrival order. */
  concurrency?: number;
  /**
   * Broker-side cap on redeliveries (quorum `x-delivery-limit`): a message that keeps
   * crashing its consumer is dead-lettered by the broker after this many deliveries.
   */
  deliveryLimit?: number;
  /**
   * Delays of the handler-level retries (exponential backoff). A message that still fails
   * after `retryDelaysMs.length + 1` attempts goes to the dead-letter queue.
   */
  retryDelaysMs?: readonly number[];
  heartbeatSeconds?: number;
  reconnectSeconds?: number;
}

export const MESSAGING_DEFAULTS = {
  prefetch: 32,
  concurrency: 1,
  deliveryLimit: 20,
  retryDelaysMs: [1_000, 5_000, 30_000, 120_000, 600_000],
  heartbeatSeconds: 10,
  reconnectSeconds: 1,
} as const;

export type ResolvedMessagingOptions = Required<MessagingOptions>;

export function resolveMessagingOptions(options: MessagingOptions): ResolvedMessagingOptions {
  if (!/^[a-z0-9][a-z0-9._-]*$/i.test(options.namespace)) {
    throw new Error(`invalid AMQP namespace "${options.namespace}": letters, digits, '.', '_' and '-' only`);
  }
  return {
    ...MESSAGING_DEFAULTS,
    ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
  } as unknown as ResolvedMessagingOptions;
}
