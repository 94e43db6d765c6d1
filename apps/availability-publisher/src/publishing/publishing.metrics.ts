import { defineCounter, defineHistogram } from '@holdfast/telemetry';

/** Listings settled by the channel, by how they went. */
export const listingPublications = defineCounter<'channel' | 'method' | 'outcome'>({
  name: 'holdfast_listing_publications_total',
  help: 'Listing quantities settled by a channel: applied (confirmed by read-back or report) or failed.',
  labelNames: ['channel', 'method', 'outcome'],
});

/** From the moment a listing fell out of sync to the channel's confirmation. */
export const publishLatency = defineHistogram<'channel' | 'method'>({
  name: 'holdfast_listing_publish_latency_seconds',
  help: 'Seconds from a changed desired quantity to its confirmation by the channel.',
  labelNames: ['channel', 'method'],
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800],
});

/** Every call made to a channel, by operation and outcome (ok, throttled, transient, rejected, malformed). */
export const channelCalls = defineCounter<'channel' | 'operation' | 'outcome'>({
  name: 'holdfast_channel_calls_total',
  help: 'Calls to channel APIs by operation and outcome; throttled counts 429s.',
  labelNames: ['channel', 'operation', 'outcome'],
});

/** Publish attempts started, by method. */
export const publishAttempts = defineCounter<'channel' | 'method'>({
  name: 'holdfast_publish_attempts_total',
  help: 'Publish attempts (a PATCH batch, a feed) started.',
  labelNames: ['channel', 'method'],
});
