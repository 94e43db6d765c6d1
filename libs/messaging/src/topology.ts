import type { Channel } from 'amqplib';
import type { ResolvedMessagingOptions } from './messaging.options';

/**
 * The names of everything this library declares. Wire contract: queue and exchange
 * names hold messages across deploys; renaming one strands what is in it.
 */
export const Topology = {
  eventsExchange: (namespace: string) => `${namespace}.events`,
  deadLetterExchange: (namespace: string) => `${namespace}.dead-letter`,
  queue: (namespace: string, service: string, purpose: string) => `${namespace}.${service}.${purpose}`,
  deadLetterQueue: (queue: string) => `${queue}.dlq`,
  retryQueue: (queue: string, delayMs: number) => `${queue}.retry.${delayMs}ms`,
} as const;

/** Headers this library sets. Also a wire contract (the DLQ tool reads them). */
export const Headers = {
  attempt: 'x-holdfast-attempt',
  failureReason: 'x-holdfast-failure',
  failureKind: 'x-holdfast-failure-kind',
  originalQueue: 'x-holdfast-queue',
  deadLetteredAt: 'x-holdfast-dead-lettered-at',
} as const;

/**
 * Events published for audit and metrics that no service consumes (yet). Their publishers
 * bind them to `<ns>.audit`, a bounded queue (newest kept, 7 days) that operators and
 * future consumers read, so they are routable: `mandatory` stays meaningful for the events
 * a service must receive, and these do not sit in an outbox retrying forever.
 */
export const AUDIT_ROUTING_KEYS = ['listing.published', 'listing.publish-failed', 'shipment.failed', 'stock.oversold'] as const;

export async function declareExchanges(channel: Channel, namespace: string): Promise<void> {
  await channel.assertExchange(Topology.eventsExchange(namespace), 'topic', { durable: true });
  await channel.assertExchange(Topology.deadLetterExchange(namespace), 'direct', { durable: true });
}

export async function declareAuditQueue(channel: Channel, namespace: string): Promise<void> {
  const queue = `${namespace}.audit`;
  await channel.assertQueue(queue, {
    durable: true,
    arguments: { 'x-queue-type': 'quorum', 'x-max-length': 100_000, 'x-overflow': 'drop-head', 'x-message-ttl': 7 * 24 * 3600 * 1000 },
  });
  for (const key of AUDIT_ROUTING_KEYS) await channel.bindQueue(queue, Topology.eventsExchange(namespace), key);
}

/**
 * A consumer queue with its dead-letter queue and one retry queue per backoff step.
 * Retry queues hold a message for their TTL, then dead-letter it back into the consumer
 * queue through the default exchange; `at-least-once` dead-lettering means a broker
 * crash cannot drop a message between the two.
 */
export async function declareConsumerQueue(
  channel: Channel,
  options: ResolvedMessagingOptions,
  queue: string,
  routingKeys: readonly string[],
): Promise<void> {
  const { namespace } = options;
  const dlx = Topology.deadLetterExchange(namespace);
  const dlq = Topology.deadLetterQueue(queue);
  await channel.assertQueue(dlq, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
  await channel.bindQueue(dlq, dlx, queue);
  await channel.assertQueue(queue, {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': options.deliveryLimit,
      'x-dead-letter-exchange': dlx,
      'x-dead-letter-routing-key': queue,
    },
  });
  for (const delayMs of new Set(options.retryDelaysMs)) {
    await channel.assertQueue(Topology.retryQueue(queue, delayMs), {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-message-ttl': delayMs,
        'x-dead-letter-exchange': '',
        'x-dead-letter-routing-key': queue,
        'x-dead-letter-strategy': 'at-least-once',
        'x-overflow': 'reject-publish',
      },
    });
  }
  for (const key of routingKeys) {
    await channel.bindQueue(queue, Topology.eventsExchange(namespace), key);
  }
}
