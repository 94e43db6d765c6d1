import { defineCounter, defineHistogram } from '@holdfast/telemetry';

/** Metric names are part of the dashboards and alerts (k8s/ and docs/operations.md). */
export const consumedMessages = defineCounter<'queue' | 'outcome'>({
  name: 'holdfast_messages_consumed_total',
  help: 'Messages settled by consumers, by queue and outcome (applied, duplicate, retried, dead_lettered, requeued).',
  labelNames: ['queue', 'outcome'],
});

export const deadLetters = defineCounter<'queue' | 'kind'>({
  name: 'holdfast_dead_letters_total',
  help: 'Messages sent to a dead-letter queue, by queue and kind (invalid, unhandled, permanent, exhausted).',
  labelNames: ['queue', 'kind'],
});

export const processingSeconds = defineHistogram<'queue'>({
  name: 'holdfast_message_processing_seconds',
  help: 'Time from delivery to settlement of a message, by queue.',
  labelNames: ['queue'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

export const consumerLagSeconds = defineHistogram<'queue'>({
  name: 'holdfast_consumer_lag_seconds',
  help: 'Time from the event (its occurredAt) to its first delivery to a consumer, by queue: outbox relay plus queue wait.',
  labelNames: ['queue'],
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900],
});

export const publishedMessages = defineCounter<'outcome'>({
  name: 'holdfast_messages_published_total',
  help: 'Publishes to the broker, by outcome (confirmed, unroutable, failed).',
  labelNames: ['outcome'],
});
