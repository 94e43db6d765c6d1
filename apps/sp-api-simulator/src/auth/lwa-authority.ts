import { randomBytes } from 'node:crypto';
import type { HttpReply } from '../http/http-exchange';
import type { SimulatorClock } from '../support/simulator-clock';

export interface LwaSettings {
  accessTokenTtlSeconds: number;
  /** Seller behind refresh tokens that were not registered (when unknown tokens are accepted). */
  defaultSellerId: string;
  /** When false only registered refresh tokens get an access token. */
  acceptUnknownRefreshTokens: boolean;
  /** When set, the LWA client credentials must match. */
  clientId?: string;
  clientSecret?: string;
}

interface IssuedToken {
  sellerId: string;
  expiresAt: number;
}

export type Authentication =
  { ok: true; sellerId: string } | { ok: false; reason: 'missing' | 'unknown' | 'expired' };

/**
 * Login with Amazon as SP-API clients meet it: a refresh token (one per authorised seller) is
 * exchanged at /auth/o2/token for a bearer access token that expires, and every SP-API call carries
 * it in `x-amz-access-token`.
 */
export class LwaAuthority {
  private readonly sellersByRefreshToken = new Map<string, string>();
  private readonly accessTokens = new Map<string, IssuedToken>();

  constructor(
    private readonly clock: SimulatorClock,
    private readonly settings: LwaSettings,
  ) {}

  registerRefreshToken(refreshToken: string, sellerId: string): void {
    this.sellersByRefreshToken.set(refreshToken, sellerId);
  }

  sellers(): { refreshToken: string; sellerId: string }[] {
    return [...this.sellersByRefreshToken].map(([refreshToken, sellerId]) => ({ refreshToken, sellerId }));
  }

  get defaultSellerId(): string {
    return this.settings.defaultSellerId;
  }

  /** POST /auth/o2/token with a form or JSON body (amazon-sp-api sends JSON, the LWA docs show a form). */
  exchange(fields: Record<string, string>): HttpReply {
    const grantType = fields['grant_type'];
    if (!grantType)
      return lwaError(400, 'invalid_request', 'The request is missing a required parameter : grant_type');
    if (grantType !== 'refresh_token') {
      return lwaError(
        400,
        'unsupported_grant_type',
        `The authorization grant type is not supported : ${grantType}`,
      );
    }
    const { client_id: clientId, client_secret: clientSecret, refresh_token: refreshToken } = fields;
    if (!clientId || !clientSecret) {
      return lwaError(401, 'invalid_client', 'Client authentication failed');
    }
    if (
      (this.settings.clientId !== undefined && clientId !== this.settings.clientId) ||
      (this.settings.clientSecret !== undefined && clientSecret !== this.settings.clientSecret)
    ) {
      return lwaError(401, 'invalid_client', 'Client authentication failed');
    }
    if (!refreshToken)
      return lwaError(400, 'invalid_request', 'The request is missing a required parameter : refresh_token');
    let sellerId = this.sellersByRefreshToken.get(refreshToken);
    if (!sellerId) {
      if (!this.settings.acceptUnknownRefreshTokens) {
        return lwaError(400, 'invalid_grant', 'The request has an invalid grant parameter : refresh_token');
      }
      sellerId = this.settings.defaultSellerId;
    }
    const accessToken = `Atza|sim.${randomBytes(24).toString('base64url')}`;
    this.accessTokens.set(accessToken, {
      sellerId,
      expiresAt: this.clock.now() + this.settings.accessTokenTtlSeconds * 1000,
    });
    return {
      status: 200,
      body: {
        access_token: accessToken,
        refresh_token: refreshToken,
        token_type: 'bearer',
        expires_in: this.settings.accessTokenTtlSeconds,
      },
    };
  }

  authenticate(accessToken: string | undefined): Authentication {
    if (!accessToken) return { ok: false, reason: 'missing' };
    const issued = this.accessTokens.get(accessToken);
    if (!issued) return { ok: false, reason: 'unknown' };
    if (issued.expiresAt <= this.clock.now()) return { ok: false, reason: 'expired' };
    return { ok: true, sellerId: issued.sellerId };
  }

  /** Makes every issued access token expire now (to exercise a client's refresh path). */
  expireAccessTokens(): number {
    const now = this.clock.now();
    for (const token of this.accessTokens.values()) token.expiresAt = Math.min(token.expiresAt, now);
    return this.accessTokens.size;
  }

  /**
   * Forgets registered refresh tokens. Issued access tokens survive a reset: services connected to
   * the simulator keep working (amazon-sp-api only refreshes a token Amazon calls expired).
   */
  reset(): void {
    this.sellersByRefreshToken.clear();
  }
}

function lwaError(status: number, error: string, description: string): HttpReply {
  return { status, body: { error, error_description: description } };
}
