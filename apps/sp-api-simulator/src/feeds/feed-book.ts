export const FEED_PROCESSING_STATUSES = ['CANCELLED', 'DONE', 'FATAL', 'IN_PROGRESS', 'IN_QUEUE'] as const;
export type FeedProcessingStatus = (typeof FEED_PROCESSING_STATUSES)[number];

export interface SimFeed {
  feedId: string;
  sellerId: string;
  feedType: string;
  marketplaceIds: string[];
  inputFeedDocumentId: string;
  createdTime: number;
  /** IN_QUEUE until then. */
  processingStartTime: number;
  /** IN_PROGRESS until then; the outcome is decided at this time. */
  processingEndTime: number;
  outcome?: 'DONE' | 'FATAL';
  /** A fatalFeed fault: processing ends FATAL whatever the document holds. */
  forcedFatal?: boolean;
  resultFeedDocumentId?: string;
  summary?: {
    messagesProcessed: number;
    messagesAccepted: number;
    messagesInvalid: number;
    errors: number;
    warnings: number;
  };
}

export function feedStatus(feed: SimFeed, now: number): FeedProcessingStatus {
  if (feed.outcome) return feed.outcome;
  return now < feed.processingStartTime ? 'IN_QUEUE' : 'IN_PROGRESS';
}

export class FeedBook {
  private readonly feeds = new Map<string, SimFeed>();
  private nextNumber: number;

  constructor(private readonly firstNumber: number) {
    this.nextNumber = firstNumber;
  }

  newFeedId(): string {
    return String(this.nextNumber++);
  }

  add(feed: SimFeed): void {
    this.feeds.set(feed.feedId, feed);
  }

  get(feedId: string): SimFeed | undefined {
    return this.feeds.get(feedId);
  }

  all(): SimFeed[] {
    return [...this.feeds.values()];
  }

  reset(): void {
    this.feeds.clear();
    this.nextNumber = this.firstNumber;
  }
}
