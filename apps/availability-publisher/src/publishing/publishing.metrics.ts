import { defineCounter, defineGauge, defineHistogram } from '@holdfast/telemetry';
import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { PUBLISHER_SCHEMA } from '../config/publisher.config';

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

let dataSourceForGauges: DataSource | undefined;

interface GapRow {
  channel: string;
  skus: number;
  units: number;
}

/**
 * Published-vs-desired, read from the listings at scrape time: merchant-fulfilled listings whose
 * channel has not acknowledged the quantity we want it to show. A gap that stays is a channel
 * that is not being updated (failing, held, or throttled far behind).
 */
async function publicationGaps(): Promise<GapRow[]> {
  if (!dataSourceForGauges?.isInitialized) return [];
  return dataSourceForGauges
    .query<GapRow[]>(
      `SELECT channel,
              count(*) FILTER (WHERE acked_quantity IS DISTINCT FROM desired_quantity)::int AS skus,
              coalesce(sum(abs(desired_quantity - coalesce(acked_quantity, 0))), 0)::int AS units
         FROM "${PUBLISHER_SCHEMA}".listings
        WHERE fulfilled_by = 'MERCHANT' AND desired_quantity IS NOT NULL
        GROUP BY channel`,
    )
    .catch((): GapRow[] => []);
}

defineGauge<'channel'>({
  name: 'holdfast_availability_out_of_sync_skus',
  help: 'Merchant-fulfilled listings whose acknowledged channel quantity differs from the desired one, by channel.',
  labelNames: ['channel'],
  async collect() {
    const rows = await publicationGaps();
    this.reset();
    for (const r of rows) this.set({ channel: r.channel }, r.skus);
  },
});

defineGauge<'channel'>({
  name: 'holdfast_availability_gap_units',
  help: 'Sum over listings of |desired − acknowledged| units, by channel.',
  labelNames: ['channel'],
  async collect() {
    const rows = await publicationGaps();
    this.reset();
    for (const r of rows) this.set({ channel: r.channel }, r.units);
  },
});

/** Gives the scrape-time gauges their database. */
@Injectable()
export class PublishingGauges {
  constructor(@Inject(DataSource) dataSource: DataSource) {
    dataSourceForGauges = dataSource;
  }
}
