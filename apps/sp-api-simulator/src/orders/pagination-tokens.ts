import { randomBytes } from 'node:crypto';

interface Page {
  sellerId: string;
  operation: string;
  filterKey: string;
  orderIds: string[];
  offset: number;
  expiresAt: number;
}

export type Redeemed = { ok: true; orderIds: string[]; offset: number } | { ok: false; reason: string };

/**
 * Next-page tokens. A token remembers the result set of the first page, belongs to one seller and
 * one set of filters (the caller must repeat them) and expires (24 h on Amazon, scaled).
 */
export class PaginationTokens {
  private readonly pages = new Map<string, Page>();

  issue(page: Page): string {
    this.prune(page.expiresAt);
    const token = randomBytes(18).toString('base64url');
    this.pages.set(token, page);
    return token;
  }

  redeem(
    token: string,
    sellerId: string,
    operation: string,
    filterKey: string | undefined,
    now: number,
  ): Redeemed {
    const page = this.pages.get(token);
    if (!page || page.sellerId !== sellerId || page.operation !== operation) {
      return { ok: false, reason: 'Invalid pagination token' };
    }
    if (page.expiresAt <= now) return { ok: false, reason: 'The pagination token has expired' };
    if (filterKey !== undefined && page.filterKey !== filterKey) {
      return {
        ok: false,
        reason: 'The request parameters must match those of the request that issued the pagination token',
      };
    }
    return { ok: true, orderIds: page.orderIds, offset: page.offset };
  }

  reset(): void {
    this.pages.clear();
  }

  private prune(horizon: number): void {
    // Expired tokens only need to be recognised as expired for a while; drop the very old ones.
    if (this.pages.size < 10_000) return;
    for (const [token, page] of this.pages)
      if (page.expiresAt < horizon - 86_400_000) this.pages.delete(token);
  }
}
