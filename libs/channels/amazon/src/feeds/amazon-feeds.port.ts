/**
 * What Holdfast asks of Amazon's Feeds API 2021-06-30, for one seller account. The
 * availability publisher talks to this interface; `SpApiAmazonFeeds` is the SP-API adapter.
 * A feed goes: `createFeedDocument` → upload the document to the returned URL (valid 5
 * minutes, same Content-Type) → `createFeed` → `getFeed` until DONE, CANCELLED or FATAL →
 * `getFeedDocument(resultFeedDocumentId)` → download the processing report (maybe gzip).
 */
export interface AmazonFeeds {
  createFeedDocument(contentType: string, signal?: AbortSignal): Promise<AmazonFeedDocument>;

  /** PUTs the content to the pre-signed URL. Throws `FeedDocumentTransferError`. */
  uploadFeedDocument(document: AmazonFeedDocument, content: string, contentType: string): Promise<void>;

  /**
   * Submits the feed. Not retried on 5xx or timeouts: Amazon may have created it, and a
   * second one spends the scarcest quota there is (`createFeed`, 5 per 5 minutes).
   */
  createFeed(input: { feedType: string; marketplaceIds: string[]; inputFeedDocumentId: string }, signal?: AbortSignal): Promise<{ feedId: string }>;

  getFeed(feedId: string, signal?: AbortSignal): Promise<AmazonFeedStatus>;

  getFeedDocument(feedDocumentId: string, signal?: AbortSignal): Promise<AmazonFeedDocument>;

  /** Downloads (and gunzips) a result document. Throws `FeedDocumentTransferError`. */
  downloadFeedDocument(document: AmazonFeedDocument): Promise<string>;
}

export interface AmazonFeedDocument {
  feedDocumentId: string;
  url: string;
  compressionAlgorithm?: 'GZIP';
}

export type AmazonFeedProcessingStatus = 'CANCELLED' | 'DONE' | 'FATAL' | 'IN_PROGRESS' | 'IN_QUEUE';

export interface AmazonFeedStatus {
  feedId: string;
  processingStatus: AmazonFeedProcessingStatus;
  resultFeedDocumentId: string | null;
}

export const TERMINAL_FEED_STATUSES: readonly AmazonFeedProcessingStatus[] = ['DONE', 'CANCELLED', 'FATAL'];

/** The upload or download of a feed document (Amazon's pre-signed S3 URLs) failed. */
export class FeedDocumentTransferError extends Error {
  override readonly name = 'FeedDocumentTransferError';
  constructor(
    readonly direction: 'upload' | 'download',
    readonly code: string,
    message: string,
    /** A network failure or a server error; an expired or refused URL is not. */
    readonly retryable: boolean,
  ) {
    super(`${direction} of a feed document failed: ${code}: ${message}`);
  }
}
