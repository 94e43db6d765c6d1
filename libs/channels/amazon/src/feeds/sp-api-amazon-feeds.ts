import type { SellingPartner } from 'amazon-sp-api';
import { SpApiError, type SpApiCaller } from '../sp-api-caller';
import {
  FeedDocumentTransferError,
  type AmazonFeedDocument,
  type AmazonFeedProcessingStatus,
  type AmazonFeeds,
  type AmazonFeedStatus,
} from './amazon-feeds.port';

const STATUSES = new Set<AmazonFeedProcessingStatus>(['CANCELLED', 'DONE', 'FATAL', 'IN_PROGRESS', 'IN_QUEUE']);
const NETWORK_CODES = new Set(['ECONNRESET', 'ETIMEDOUT', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'API_RESPONSE_TIMEOUT', 'API_DEADLINE_TIMEOUT', 'API_IDLE_TIMEOUT']);

/**
 * The SP-API adapter of `AmazonFeeds` on one account's `SpApiCaller`. The document
 * transfers go through the package's own `upload()` / `download()`, which use the same
 * endpoint agent as every call (so they reach the simulator too) but no usage plan: they
 * are S3 requests, not SP-API operations.
 */
export class SpApiAmazonFeeds implements AmazonFeeds {
  constructor(
    private readonly caller: SpApiCaller,
    private readonly client: SellingPartner,
    private readonly transferTimeoutMs = 60_000,
  ) {}

  async createFeedDocument(contentType: string, signal?: AbortSignal): Promise<AmazonFeedDocument> {
    const { body } = await this.caller.call<{ feedDocumentId?: string; url?: string }>(
      'createFeedDocument',
      { operation: 'createFeedDocument', endpoint: 'feeds', body: { contentType } },
      // A lost answer leaves an unused document behind: harmless, so retried.
      { idempotent: true, signal },
    );
    if (!body?.feedDocumentId || !body.url) {
      throw new SpApiError('malformed', 'createFeedDocument', 201, 'MissingDocument', 'no feedDocumentId or url in the answer');
    }
    return { feedDocumentId: body.feedDocumentId, url: body.url };
  }

  async uploadFeedDocument(document: AmazonFeedDocument, content: string, contentType: string): Promise<void> {
    try {
      await this.client.upload<Promise<unknown>>({ url: document.url }, { content, contentType });
    } catch (error) {
      throw transferError('upload', error);
    }
  }

  async createFeed(
    input: { feedType: string; marketplaceIds: string[]; inputFeedDocumentId: string },
    signal?: AbortSignal,
  ): Promise<{ feedId: string }> {
    const { status, body } = await this.caller.call<{ feedId?: string }>(
      'createFeed',
      { operation: 'createFeed', endpoint: 'feeds', body: input },
      { idempotent: false, signal },
    );
    if (!body?.feedId) throw new SpApiError('malformed', 'createFeed', status, 'MissingFeedId', 'no feedId in the answer');
    return { feedId: body.feedId };
  }

  async getFeed(feedId: string, signal?: AbortSignal): Promise<AmazonFeedStatus> {
    const { status, body } = await this.caller.call<{ feedId?: string; processingStatus?: string; resultFeedDocumentId?: string }>(
      'getFeed',
      { operation: 'getFeed', endpoint: 'feeds', path: { feedId } },
      { idempotent: true, signal },
    );
    const processingStatus = body?.processingStatus as AmazonFeedProcessingStatus | undefined;
    if (!processingStatus || !STATUSES.has(processingStatus)) {
      throw new SpApiError('malformed', 'getFeed', status, 'UnexpectedStatus', `unexpected processingStatus ${String(body?.processingStatus)}`);
    }
    return { feedId: body.feedId ?? feedId, processingStatus, resultFeedDocumentId: body.resultFeedDocumentId ?? null };
  }

  async getFeedDocument(feedDocumentId: string, signal?: AbortSignal): Promise<AmazonFeedDocument> {
    const { status, body } = await this.caller.call<{ feedDocumentId?: string; url?: string; compressionAlgorithm?: string }>(
      'getFeedDocument',
      { operation: 'getFeedDocument', endpoint: 'feeds', path: { feedDocumentId } },
      { idempotent: true, signal },
    );
    if (!body?.url) throw new SpApiError('malformed', 'getFeedDocument', status, 'MissingUrl', 'no url in the answer');
    return {
      feedDocumentId: body.feedDocumentId ?? feedDocumentId,
      url: body.url,
      ...(body.compressionAlgorithm === 'GZIP' ? { compressionAlgorithm: 'GZIP' as const } : {}),
    };
  }

  async downloadFeedDocument(document: AmazonFeedDocument): Promise<string> {
    try {
      // The typings declare a synchronous result; the package returns a promise of the content.
      const content = await this.client.download<Promise<unknown>>(document, {
        unzip: true,
        timeouts: { response: this.transferTimeoutMs, deadline: this.transferTimeoutMs * 2 },
      });
      return typeof content === 'string' ? content : Buffer.isBuffer(content) ? content.toString('utf8') : JSON.stringify(content);
    } catch (error) {
      throw transferError('download', error);
    }
  }
}

function transferError(direction: 'upload' | 'download', error: unknown): FeedDocumentTransferError {
  const e = error as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : 'UnknownError';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  // S3 refuses an expired or tampered URL with 403 codes (AccessDenied, SignatureDoesNotMatch):
  // a new document is needed, not a retry of this one.
  const refused = /AccessDenied|SignatureDoesNotMatch|NoSuchKey/i.test(code);
  const retryable = !refused && (NETWORK_CODES.has(code) || /timeout|socket hang up|ECONNRESET|_ERROR$/i.test(`${code} ${message}`));
  return new FeedDocumentTransferError(direction, code, message.slice(0, 500), retryable);
}
