import type { Agent } from 'node:https';
import { SellingPartner } from 'amazon-sp-api';
import { createSpApiEndpointAgent } from './sp-api-endpoint-agent';

export type SpApiRegion = 'eu' | 'na' | 'fe';

export interface SellingPartnerClientOptions {
  region: SpApiRegion;
  refreshToken: string;
  clientId: string;
  clientSecret: string;
  /** https://host:port of an SP-API stand-in (the simulator); absent means real Amazon. */
  endpoint?: string;
  /** PEM to trust for `endpoint`. */
  ca?: string | Buffer;
  /** Skip certificate checks for a loopback `endpoint`. */
  insecureTls?: boolean;
  /** Per-call timeouts in ms (response: first byte, deadline: whole body). */
  timeouts?: { response?: number; idle?: number; deadline?: number };
}

/**
 * The versions Holdfast uses. Orders reads are on v2026-01-01; confirmShipment (and the deprecated
 * v0 reads) exist only in v0 and must be called with `options: { version: 'v0' }`, because version
 * fallback is off: a v0 call never happens by accident.
 */
export const SP_API_ENDPOINT_VERSIONS = {
  orders: '2026-01-01',
  listingsItems: '2021-08-01',
  feeds: '2021-06-30',
} as const;

/**
 * Builds an amazon-sp-api client. Its own retries are off: it would retry 429s forever and network
 * errors without delay, so Holdfast owns rate limiting and retries. With an endpoint every request
 * (token exchange, SP-API calls, document upload/download) goes there through the endpoint agent;
 * switching between the simulator and Amazon is configuration only.
 */
export function createSellingPartnerClient(options: SellingPartnerClientOptions): SellingPartner {
  let agent: Agent | undefined;
  if (options.endpoint) {
    agent = createSpApiEndpointAgent(options.endpoint, { ca: options.ca, insecureTls: options.insecureTls });
  }
  return new SellingPartner({
    region: options.region,
    refresh_token: options.refreshToken,
    credentials: {
      SELLING_PARTNER_APP_CLIENT_ID: options.clientId,
      SELLING_PARTNER_APP_CLIENT_SECRET: options.clientSecret,
    },
    endpoints_versions: { ...SP_API_ENDPOINT_VERSIONS },
    options: {
      auto_request_tokens: true,
      auto_request_throttled: false,
      use_sandbox: false,
      version_fallback: false,
      retry_remote_timeout: false,
      ...(options.timeouts ? { timeouts: options.timeouts } : {}),
      ...(agent ? { https_proxy_agent: agent } : {}),
    },
  });
}
