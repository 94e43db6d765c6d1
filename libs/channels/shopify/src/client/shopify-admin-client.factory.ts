import { LogSeverity, shopifyApi, type ApiVersion } from '@shopify/shopify-api';
import type { ShopifyShopCredentials } from '../shopify-shops.config';

type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/*
 * The package's subpath entries (`/adapters/node`, `/runtime`) are loaded at run time through its
 * `exports` map. They are required rather than imported because this repo's TypeScript resolution
 * (moduleResolution "node") ignores `exports` and would type-check the TypeScript sources the
 * package also ships there, which need DOM typings. Only these two small surfaces are typed by hand.
 */
// Side effect: registers Node's fetch and request converters with the library's runtime.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
require('@shopify/shopify-api/adapters/node');
// eslint-disable-next-line @typescript-eslint/no-require-imports -- see above
const runtime = require('@shopify/shopify-api/runtime') as {
  abstractFetch: FetchLike;
  setAbstractFetchFunc(fetch: FetchLike): void;
};

/** What the adapters need from the library's GraphQL client: `request` with retries left to us. */
export interface ShopifyGraphqlTransport {
  request(
    operation: string,
    options?: {
      variables?: Record<string, unknown>;
      retries?: number;
      headers?: Record<string, string | number>;
    },
  ): Promise<{ data?: unknown; extensions?: unknown }>;
}

export interface ShopifyClientLogger {
  warn(object: Record<string, unknown>, message: string): void;
  error(object: Record<string, unknown>, message: string): void;
}

/**
 * Shop domains whose Admin API lives at another origin. The library always builds
 * `https://<shop>/admin/api/<version>/graphql.json` (its admin client forces the https scheme), and
 * its GraphQL client takes no per-client fetch or host option: every client calls the runtime's
 * `abstractFetch`. So for the simulator (plain http on loopback) we install, once per process, a
 * fetch that sends requests for those shops to their origin and passes every other call through
 * untouched. The shop's domain travels in X-Forwarded-Host so the simulator can check the token
 * belongs to that shop.
 */
const endpointOverrides = new Map<string, URL>();
let routingInstalled = false;

function installEndpointRouting(): void {
  if (routingInstalled) return;
  routingInstalled = true;
  const underlying = runtime.abstractFetch;
  runtime.setAbstractFetchFunc(async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const override = endpointOverrides.get(url.host.toLowerCase());
    if (!override) return underlying(input, init);
    const target = new URL(`${override.pathname.replace(/\/$/, '')}${url.pathname}${url.search}`, override);
    const headers = new Headers(input instanceof Request ? input.headers : init?.headers);
    for (const [name, value] of new Headers(init?.headers)) headers.set(name, value);
    headers.set('x-forwarded-host', url.host);
    return underlying(target, { ...init, headers });
  });
}

export interface ShopifyAdminClient {
  shopDomain: string;
  apiVersion: string;
  graphql: ShopifyGraphqlTransport;
}

/**
 * An Admin API GraphQL client for one shop, built with the official `@shopify/shopify-api` package
 * as a custom store app (the shop's Admin API access token, no OAuth). The library's own retries
 * stay off (`retries: 0` on every call): ShopifyGraphqlCaller owns throttling and retries.
 */
export function createShopifyAdminClient(
  shop: ShopifyShopCredentials,
  logger?: ShopifyClientLogger,
): ShopifyAdminClient {
  if (shop.endpoint) {
    installEndpointRouting();
    endpointOverrides.set(shop.shopDomain, new URL(shop.endpoint));
  } else {
    endpointOverrides.delete(shop.shopDomain);
  }
  const api = shopifyApi({
    // For a custom store app this is the app's API secret key; the library uses it only for its own
    // webhook and OAuth helpers, which Holdfast does not call (webhooks are verified in webhooks/).
    apiSecretKey: shop.webhookSecrets[0],
    adminApiAccessToken: shop.accessToken,
    isCustomStoreApp: true,
    isEmbeddedApp: false,
    apiVersion: shop.apiVersion as ApiVersion,
    // Required by the library's config; only used for OAuth redirects, which a custom app has none of.
    hostName: 'holdfast.invalid',
    userAgentPrefix: 'Holdfast',
    logger: {
      level: LogSeverity.Warning,
      httpRequests: false,
      log: (severity, message) => {
        if (severity === LogSeverity.Error) logger?.error({ shop: shop.shopDomain }, message);
        else logger?.warn({ shop: shop.shopDomain }, message);
      },
    },
  });
  const session = api.session.customAppSession(shop.shopDomain);
  const graphql = new api.clients.Graphql({ session });
  return {
    shopDomain: shop.shopDomain,
    apiVersion: shop.apiVersion,
    graphql: {
      request: (operation, options) => graphql.request(operation, { ...options, retries: 0 }),
    },
  };
}
