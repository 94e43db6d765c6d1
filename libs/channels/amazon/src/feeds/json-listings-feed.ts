import { z } from 'zod';
import {
  fulfillmentQuantityPatches,
  MERCHANT_FULFILLMENT_CHANNEL,
  type AmazonListingIssue,
} from '../listings/amazon-listings.port';

/** The feed type that replaced every XML and flat-file listings feed (retired 31 July 2025). */
export const JSON_LISTINGS_FEED = 'JSON_LISTINGS_FEED';
export const JSON_LISTINGS_FEED_CONTENT_TYPE = 'application/json; charset=UTF-8';
/** listings-feed-schema-v2: at most 25,000 messages per feed. */
export const MAX_MESSAGES_PER_LISTINGS_FEED = 25_000;

export interface FeedQuantityMessage {
  /** 1…2,147,483,647, unique within the feed; the processing report refers to it. */
  messageId: number;
  sku: string;
  productType: string;
  quantity: number;
}

/**
 * A JSON_LISTINGS_FEED document (listings-feed-schema-v2) setting the merchant-fulfilled
 * quantity of each SKU with the same `merge` patch as `patchListingsItem`. The report is
 * asked to include each item's fulfillment availability: that is the read-back telling
 * whether the quantity Amazon now holds is the one sent.
 */
export function buildQuantityFeed(sellerId: string, messages: readonly FeedQuantityMessage[]): string {
  if (messages.length === 0) throw new RangeError('a feed needs at least one message');
  if (messages.length > MAX_MESSAGES_PER_LISTINGS_FEED) {
    throw new RangeError(`a feed holds at most ${MAX_MESSAGES_PER_LISTINGS_FEED} messages, got ${messages.length}`);
  }
  return JSON.stringify({
    header: {
      sellerId,
      version: '2.0',
      report: { includedData: ['fulfillmentAvailability'], apiVersion: '2021-08-01' },
    },
    messages: messages.map((m) => ({
      messageId: m.messageId,
      sku: m.sku,
      operationType: 'PATCH',
      productType: m.productType,
      patches: fulfillmentQuantityPatches(m.quantity),
    })),
  });
}

const IssueSchema = z.object({
  messageId: z.number().int().optional(),
  sku: z.string().optional(),
  code: z.string().optional(),
  severity: z.enum(['ERROR', 'WARNING', 'INFO']),
  message: z.string(),
});

const ReportSchema = z.object({
  header: z.object({ sellerId: z.string(), version: z.string(), feedId: z.string() }),
  issues: z.array(IssueSchema).default([]),
  summary: z.object({
    errors: z.number(),
    warnings: z.number(),
    messagesProcessed: z.number(),
    messagesAccepted: z.number(),
    messagesInvalid: z.number(),
  }),
  items: z
    .array(
      z.object({
        sku: z.string(),
        fulfillmentAvailability: z
          .array(z.object({ fulfillmentChannelCode: z.string(), quantity: z.number().optional() }))
          .optional(),
      }),
    )
    .optional(),
});

export interface ListingsFeedReport {
  feedId: string;
  summary: z.infer<typeof ReportSchema>['summary'];
  /** Issues about the feed as a whole (no messageId): why a feed was FATAL. */
  feedIssues: AmazonListingIssue[];
  issuesByMessage: Map<number, AmazonListingIssue[]>;
  /** The merchant quantity of each reported item, when the report includes items. */
  quantityBySku: Map<string, number | null> | null;
}

export class ProcessingReportError extends Error {
  override readonly name = 'ProcessingReportError';
}

/** Parses a processing report (listings-feed-processing-report-schema-v2). */
export function parseListingsFeedReport(text: string): ListingsFeedReport {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ProcessingReportError('the processing report is not JSON');
  }
  const parsed = ReportSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ProcessingReportError(`the processing report does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  const report = parsed.data;
  const issuesByMessage = new Map<number, AmazonListingIssue[]>();
  const feedIssues: AmazonListingIssue[] = [];
  for (const issue of report.issues) {
    const entry: AmazonListingIssue = { code: issue.code ?? 'UNKNOWN', message: issue.message, severity: issue.severity };
    if (issue.messageId === undefined) feedIssues.push(entry);
    else issuesByMessage.set(issue.messageId, [...(issuesByMessage.get(issue.messageId) ?? []), entry]);
  }
  const quantityBySku = report.items
    ? new Map(
        report.items.map((item) => [
          item.sku,
          item.fulfillmentAvailability?.find((f) => f.fulfillmentChannelCode === MERCHANT_FULFILLMENT_CHANNEL)?.quantity ?? null,
        ]),
      )
    : null;
  return { feedId: report.header.feedId, summary: report.summary, feedIssues, issuesByMessage, quantityBySku };
}

export type FeedMessageOutcome =
  | { messageId: number; applied: true }
  | { messageId: number; applied: false; code: string; message: string };

/**
 * What the report says about each message sent. An ERROR issue means not applied. Without
 * one, the item's reported quantity must be the one sent; a message the report does not
 * account for at all (no issue, no item) is not counted as applied either: ACCEPTED is not
 * success, the report is.
 */
export function feedMessageOutcomes(report: ListingsFeedReport, sent: readonly FeedQuantityMessage[]): FeedMessageOutcome[] {
  return sent.map((message) => {
    const error = report.issuesByMessage.get(message.messageId)?.find((i) => i.severity === 'ERROR');
    if (error) return { messageId: message.messageId, applied: false, code: error.code, message: error.message };
    if (report.quantityBySku) {
      if (!report.quantityBySku.has(message.sku)) {
        return { messageId: message.messageId, applied: false, code: 'NotInReport', message: 'the processing report does not account for this message' };
      }
      const quantity = report.quantityBySku.get(message.sku);
      if (quantity !== message.quantity) {
        return {
          messageId: message.messageId,
          applied: false,
          code: 'QuantityNotApplied',
          message: `the report shows quantity ${String(quantity)} instead of ${message.quantity}`,
        };
      }
    }
    return { messageId: message.messageId, applied: true };
  });
}
