import { SpApiError, type SpApiCaller } from '../sp-api-caller';
import {
  fulfillmentQuantityPatches,
  type AmazonFulfillmentAvailability,
  type AmazonListingIssue,
  type AmazonListings,
  type AmazonListingSnapshot,
  type AmazonPatchResult,
  type AmazonQuantityChange,
} from './amazon-listings.port';

interface ListingsItemBody {
  sku?: string;
  summaries?: { marketplaceId?: string; productType?: string }[];
  fulfillmentAvailability?: { fulfillmentChannelCode?: string; quantity?: number }[];
}

interface PatchBody {
  status?: string;
  submissionId?: string;
  issues?: { code?: string; message?: string; severity?: string }[];
}

/**
 * The SP-API adapter of `AmazonListings` on one account's `SpApiCaller` (rate limiter,
 * classified errors, capped retries). A quantity `merge` is safe to repeat (the same value
 * lands twice), so it is retried on 5xx and timeouts like a read; what is never safe, a
 * patch racing a feed for the same SKU, is the publisher's to prevent.
 */
export class SpApiAmazonListings implements AmazonListings {
  constructor(
    private readonly caller: SpApiCaller,
    /** The seller id (merchant token) in every listings path. */
    readonly sellerId: string,
  ) {}

  async getListingsItem(
    input: { sku: string; marketplaceId: string },
    signal?: AbortSignal,
  ): Promise<AmazonListingSnapshot | null> {
    let body: ListingsItemBody;
    try {
      const response = await this.caller.call<ListingsItemBody>(
        'getListingsItem',
        {
          operation: 'getListingsItem',
          endpoint: 'listingsItems',
          path: { sellerId: this.sellerId, sku: input.sku },
          query: {
            marketplaceIds: [input.marketplaceId],
            includedData: ['summaries', 'fulfillmentAvailability'],
          },
        },
        { idempotent: true, signal },
      );
      body = response.body ?? {};
    } catch (error) {
      if (error instanceof SpApiError && error.status === 404) return null;
      throw error;
    }
    const summary =
      body.summaries?.find((s) => s.marketplaceId === input.marketplaceId) ?? body.summaries?.[0];
    const availability: AmazonFulfillmentAvailability[] = (body.fulfillmentAvailability ?? [])
      .filter(
        (f): f is { fulfillmentChannelCode: string; quantity?: number } =>
          typeof f.fulfillmentChannelCode === 'string',
      )
      .map((f) => ({
        fulfillmentChannelCode: f.fulfillmentChannelCode,
        quantity: typeof f.quantity === 'number' ? f.quantity : null,
      }));
    return {
      sku: body.sku ?? input.sku,
      productType: summary?.productType ?? null,
      fulfillmentAvailability: availability,
    };
  }

  async patchQuantity(input: AmazonQuantityChange, signal?: AbortSignal): Promise<AmazonPatchResult> {
    const response = await this.caller.call<PatchBody>(
      'patchListingsItem',
      {
        operation: 'patchListingsItem',
        endpoint: 'listingsItems',
        path: { sellerId: this.sellerId, sku: input.sku },
        query: { marketplaceIds: [input.marketplaceId], includedData: ['issues'] },
        body: { productType: input.productType, patches: fulfillmentQuantityPatches(input.quantity) },
      },
      // A PATCH that got no answer may be applied later, after a newer one: it is not sent again
      // here but reported, so the publisher holds the SKU (AMAZON_PATCH_UNANSWERED_HOLD_MS).
      { idempotent: true, retryUnanswered: false, signal },
    );
    const body = response.body ?? {};
    const status =
      body.status === 'ACCEPTED' || body.status === 'INVALID' || body.status === 'VALID' ? body.status : null;
    if (!status) {
      throw new SpApiError(
        'malformed',
        'patchListingsItem',
        response.status,
        'UnexpectedStatus',
        `unexpected submission status ${String(body.status)}`,
      );
    }
    return { status, submissionId: body.submissionId ?? '', issues: (body.issues ?? []).map(toIssue) };
  }
}

function toIssue(issue: { code?: string; message?: string; severity?: string }): AmazonListingIssue {
  const severity = issue.severity === 'ERROR' || issue.severity === 'WARNING' ? issue.severity : 'INFO';
  return { code: issue.code ?? 'UNKNOWN', message: issue.message ?? 'no message', severity };
}
