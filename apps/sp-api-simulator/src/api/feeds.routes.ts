import { invalidInput, notFound } from '../http/amazon-errors';
import { feedStatus, type SimFeed } from '../feeds/feed-book';
import type { OperationHandlers } from './operation-context';
import { unknownMarketplaces } from './operation-context';

/** Feed types Amazon retired on 31 July 2025 in favour of JSON_LISTINGS_FEED. */
const RETIRED_FEED_TYPES = new Set([
  'POST_PRODUCT_DATA',
  'POST_INVENTORY_AVAILABILITY_DATA',
  'POST_PRODUCT_PRICING_DATA',
  'POST_PRODUCT_OVERRIDES_DATA',
  'POST_PRODUCT_IMAGE_DATA',
  'POST_PRODUCT_RELATIONSHIP_DATA',
  'POST_FLAT_FILE_INVLOADER_DATA',
  'POST_FLAT_FILE_LISTINGS_DATA',
  'POST_FLAT_FILE_PRICEANDQUANTITYONLY_UPDATE_DATA',
]);

/**
 * Feeds API 2021-06-30 for JSON_LISTINGS_FEED: create a document (an upload URL served by the
 * simulator), create the feed, watch it go IN_QUEUE -> IN_PROGRESS -> DONE or FATAL, fetch the
 * processing report.
 */
export const feedsHandlers: OperationHandlers<
  'createFeedDocument' | 'createFeed' | 'getFeed' | 'getFeedDocument'
> = {
  createFeedDocument(context) {
    const { world, now } = context;
    const { contentType } = context.parameters.body as { contentType: string };
    const document = world.documents.create(context.sellerId, 'input', contentType, now);
    const url = world.documents.signedUrl(
      world.publicUrl,
      'upload',
      document.feedDocumentId,
      now + world.scaled(world.config.delays.documentUrlTtlMs),
    );
    return { status: 201, body: { feedDocumentId: document.feedDocumentId, url } };
  },

  createFeed(context) {
    const { world, now } = context;
    const body = context.parameters.body as {
      feedType: string;
      marketplaceIds: string[];
      inputFeedDocumentId: string;
    };
    if (RETIRED_FEED_TYPES.has(body.feedType)) {
      return invalidInput(`Feed type ${body.feedType} is no longer supported; use JSON_LISTINGS_FEED.`);
    }
    if (body.feedType !== 'JSON_LISTINGS_FEED') {
      return invalidInput(`Feed type ${body.feedType} is not supported by this simulator.`);
    }
    const unknown = unknownMarketplaces(body.marketplaceIds);
    if (unknown.length > 0) return invalidInput(`Invalid marketplaceIds: ${unknown.join(', ')}.`);
    const document = world.documents.get(body.inputFeedDocumentId);
    if (!document || document.sellerId !== context.sellerId || document.purpose !== 'input') {
      return invalidInput(`inputFeedDocumentId ${body.inputFeedDocumentId} does not exist.`);
    }
    if (!document.content)
      return invalidInput(`No content was uploaded for feed document ${body.inputFeedDocumentId}.`);
    const processingStartTime = now + world.scaled(world.config.delays.feedQueueMs);
    const feed: SimFeed = {
      feedId: world.feeds.newFeedId(),
      sellerId: context.sellerId,
      feedType: body.feedType,
      marketplaceIds: [...body.marketplaceIds],
      inputFeedDocumentId: body.inputFeedDocumentId,
      createdTime: now,
      processingStartTime,
      processingEndTime: processingStartTime + world.scaled(world.config.delays.feedProcessingMs),
      ...(context.fatalFeed ? { forcedFatal: true } : {}),
    };
    world.submitFeed(feed);
    return { status: 202, body: { feedId: feed.feedId } };
  },

  getFeed(context) {
    const feedId = context.parameters.path['feedId'];
    const feed = context.world.feeds.get(feedId);
    if (!feed || feed.sellerId !== context.sellerId) return notFound(`Feed ${feedId} was not found.`);
    const status = feedStatus(feed, context.now);
    const body: Record<string, unknown> = {
      feedId: feed.feedId,
      feedType: feed.feedType,
      marketplaceIds: feed.marketplaceIds,
      createdTime: new Date(feed.createdTime).toISOString(),
      processingStatus: status,
    };
    if (status !== 'IN_QUEUE') body['processingStartTime'] = new Date(feed.processingStartTime).toISOString();
    if (feed.outcome) body['processingEndTime'] = new Date(feed.processingEndTime).toISOString();
    if (feed.resultFeedDocumentId) body['resultFeedDocumentId'] = feed.resultFeedDocumentId;
    return { status: 200, body };
  },

  getFeedDocument(context) {
    const { world, now } = context;
    const feedDocumentId = context.parameters.path['feedDocumentId'];
    const document = world.documents.get(feedDocumentId);
    if (!document || document.sellerId !== context.sellerId)
      return notFound(`Feed document ${feedDocumentId} was not found.`);
    const body: Record<string, unknown> = {
      feedDocumentId,
      url: world.documents.signedUrl(
        world.publicUrl,
        'download',
        feedDocumentId,
        now + world.scaled(world.config.delays.documentUrlTtlMs),
      ),
    };
    if (document.compressionAlgorithm) body['compressionAlgorithm'] = document.compressionAlgorithm;
    return { status: 200, body };
  },
};
