import type { ListingBook, ListingChangeRequest } from '../listings/listing-book';
import type { ListingIssue, PatchOperation } from '../listings/listing-patch';
import { LISTING_INCLUDED_DATA } from '../listings/listing-view';
import { listingItemView } from '../listings/listing-view';
import type { SpApiModels } from '../models/sp-api-models';
import { isJsonObject, type JsonObject } from '../support/json-value';
import type { SimFeed } from './feed-book';

export interface ProcessingReportIssue {
  messageId?: number;
  sku?: string;
  code: string;
  severity: 'ERROR' | 'WARNING' | 'INFO';
  message: string;
  attributeName?: string;
}

export interface ProcessingReport {
  header: {
    sellerId: string;
    version: '2.0';
    feedId: string;
    report?: { includedData: string[]; apiVersion: '2021-08-01' };
  };
  issues: ProcessingReportIssue[];
  summary: {
    errors: number;
    warnings: number;
    messagesProcessed: number;
    messagesAccepted: number;
    messagesInvalid: number;
    itemSummary?: { items: number; errors: number; warnings: number };
  };
  items?: JsonObject[];
}

export interface FeedProcessingResult {
  outcome: 'DONE' | 'FATAL';
  report: ProcessingReport;
}

const MAX_FATAL_ISSUES = 50;

/**
 * Processes a JSON_LISTINGS_FEED the way Amazon describes it: a document that is not JSON, or whose
 * envelope breaks listings-feed-schema-v2, makes the feed FATAL; otherwise every message is validated
 * on its own and applied or reported, and the processing report
 * (listings-feed-processing-report-schema-v2) accounts for each one.
 */
export function processListingsFeed(
  feed: SimFeed,
  content: Buffer,
  models: SpApiModels,
  listings: ListingBook,
  at: number,
): FeedProcessingResult {
  const header: ProcessingReport['header'] = { sellerId: feed.sellerId, version: '2.0', feedId: feed.feedId };
  const fatal = (issues: ProcessingReportIssue[]): FeedProcessingResult => ({
    outcome: 'FATAL',
    report: {
      header,
      issues: issues.slice(0, MAX_FATAL_ISSUES),
      summary: {
        errors: issues.length,
        warnings: 0,
        messagesProcessed: 0,
        messagesAccepted: 0,
        messagesInvalid: 0,
      },
    },
  });

  if (feed.forcedFatal) {
    // A fatalFeed fault: Amazon gave up on the feed for its own reasons; nothing is applied.
    return fatal([
      {
        code: 'INTERNAL_ERROR',
        severity: 'ERROR',
        message: 'The feed could not be processed because of an internal error. Submit it again.',
      },
    ]);
  }
  let document: unknown;
  try {
    document = JSON.parse(content.toString('utf8'));
  } catch (error) {
    return fatal([
      {
        code: 'INVALID_JSON',
        severity: 'ERROR',
        message: `The feed document is not valid JSON: ${(error as Error).message}`,
      },
    ]);
  }
  const envelopeProblems = models.validateListingsFeedEnvelope(document);
  if (envelopeProblems.length > 0 || !isJsonObject(document)) {
    return fatal(
      envelopeProblems.map((message) => ({ code: 'INVALID_FEED', severity: 'ERROR' as const, message })),
    );
  }
  const feedHeader = document['header'] as JsonObject;
  if (feedHeader['sellerId'] !== feed.sellerId) {
    return fatal([
      {
        code: 'SELLER_MISMATCH',
        severity: 'ERROR',
        message: `header.sellerId ${String(feedHeader['sellerId'])} is not the seller that submitted the feed.`,
      },
    ]);
  }
  const reportRequest = isJsonObject(feedHeader['report']) ? feedHeader['report'] : undefined;
  const includedData = new Set(
    Array.isArray(reportRequest?.['includedData'])
      ? (reportRequest['includedData'] as string[]).filter((d) =>
          (LISTING_INCLUDED_DATA as readonly string[]).includes(d),
        )
      : [],
  );
  if (reportRequest) header.report = { includedData: [...includedData], apiVersion: '2021-08-01' };

  const messages = document['messages'] as unknown[];
  const issues: ProcessingReportIssue[] = [];
  const items: JsonObject[] = [];
  const seenMessageIds = new Set<number>();
  let accepted = 0;

  messages.forEach((message) => {
    const messageId =
      isJsonObject(message) && Number.isInteger(message['messageId']) && (message['messageId'] as number) >= 1
        ? (message['messageId'] as number)
        : undefined;
    const sku =
      isJsonObject(message) && typeof message['sku'] === 'string' && message['sku'] !== ''
        ? message['sku']
        : undefined;
    const report = (issue: Omit<ProcessingReportIssue, 'messageId' | 'sku'>) => {
      const entry: ProcessingReportIssue = { ...issue };
      if (messageId !== undefined) entry.messageId = messageId;
      if (sku !== undefined) entry.sku = sku;
      issues.push(entry);
    };

    const problems = models.validateListingsFeedMessage(message);
    if (problems.length > 0 || !isJsonObject(message) || messageId === undefined || sku === undefined) {
      for (const problem of problems.length > 0 ? problems : ['message is invalid']) {
        report({ code: 'INVALID_MESSAGE', severity: 'ERROR', message: problem });
      }
      return;
    }
    if (seenMessageIds.has(messageId)) {
      report({
        code: 'DUPLICATE_MESSAGE_ID',
        severity: 'ERROR',
        message: `messageId ${messageId} is used by an earlier message of this feed.`,
      });
      return;
    }
    seenMessageIds.add(messageId);

    const outcome = listings.apply(toChange(feed, message, messageId, sku), at);
    for (const issue of outcome.issues) report(fromListingIssue(issue));
    if (!outcome.applied) return;
    accepted += 1;
    if (includedData.size > 0 && outcome.listing) {
      items.push(listingItemView(outcome.listing, feed.marketplaceIds, includedData));
    }
  });

  const report: ProcessingReport = {
    header,
    issues,
    summary: {
      errors: issues.filter((i) => i.severity === 'ERROR').length,
      warnings: issues.filter((i) => i.severity === 'WARNING').length,
      messagesProcessed: messages.length,
      messagesAccepted: accepted,
      messagesInvalid: messages.length - accepted,
    },
  };
  if (includedData.size > 0) {
    report.summary.itemSummary = { items: items.length, errors: 0, warnings: 0 };
    report.items = items;
  }
  return { outcome: 'DONE', report };
}

function toChange(feed: SimFeed, message: JsonObject, messageId: number, sku: string): ListingChangeRequest {
  const base = {
    sellerId: feed.sellerId,
    sku,
    source: 'feed' as const,
    reference: `${feed.feedId}/${messageId}`,
    receivedAt: feed.createdTime,
    marketplaceIds: feed.marketplaceIds,
  };
  const productType = typeof message['productType'] === 'string' ? message['productType'] : undefined;
  const attributes = isJsonObject(message['attributes'])
    ? (message['attributes'] as Record<string, unknown[]>)
    : {};
  switch (message['operationType']) {
    case 'DELETE':
      return { ...base, kind: 'delete' };
    case 'UPDATE':
      return { ...base, kind: 'update', productType, attributes };
    case 'PARTIAL_UPDATE':
      // Amazon: PARTIAL_UPDATE is a PATCH with the "replace" op for each attribute given.
      return {
        ...base,
        kind: 'patches',
        productType,
        patches: Object.entries(attributes).map(([name, value]) => ({
          op: 'replace',
          path: `/attributes/${name}`,
          value,
        })),
      };
    default:
      return { ...base, kind: 'patches', productType, patches: message['patches'] as PatchOperation[] };
  }
}

function fromListingIssue(issue: ListingIssue): Omit<ProcessingReportIssue, 'messageId' | 'sku'> {
  const entry: Omit<ProcessingReportIssue, 'messageId' | 'sku'> = {
    code: issue.code,
    severity: issue.severity,
    message: issue.message,
  };
  if (issue.attributeNames?.[0]) entry.attributeName = issue.attributeNames[0];
  return entry;
}
