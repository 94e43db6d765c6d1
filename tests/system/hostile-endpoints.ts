import type { AppName } from './support/holdfast-system';
import { SHOP_DOMAIN, WOO_ACCOUNT } from './support/shop-intake.harness';

/**
 * Every HTTP endpoint the services serve, keyed by "METHOD /path" as in the service's OpenAPI
 * document, with what a hostile caller can try on it. tests/system/authorization-matrix.e2e-spec.ts
 * and tests/system/hostile-input.e2e-spec.ts both fail when a served endpoint is missing here or an
 * entry names an endpoint no longer served: a new endpoint is looked at before it ships.
 *
 * API keys may be restricted to channel accounts (API_KEYS `:accounts=a|b`). "Another account's
 * data" is, per endpoint, one of:
 * - `path`: the account is in the path (or query); a restricted key naming another account → 403;
 * - `resource`: the resource is found by an id that belongs to one account; another account's id → 403/404;
 * - `list`: the answer lists several accounts' rows; a restricted key sees none of the others';
 * - `body`: the account is named in the body; naming another → 403;
 * - `signed`: no API key at all; the shop account is proven by the HMAC signature of its secret;
 * - `none`: the data is the merchant's, shared by every channel account (stock, locations, bundles,
 *   carrier codes): only scopes govern it, and the reason says why.
 */

/** Account B: the simulator's shops, whose data the suite creates with the unrestricted key. */
export const OTHER_SHOPIFY = SHOP_DOMAIN;
export const OTHER_WOO = WOO_ACCOUNT;
/** The only account the restricted key may touch; it has no data of its own. */
export const OWN_ACCOUNT = 'own-shop.myshopify.com';

/** Ids of account B's resources, created by the suite before the probes run. */
export interface OtherAccountIds {
  listingId: string;
  shipmentId: string;
  manifestId: string;
  carrierMappingId: string;
  orderId: string;
  rawPayloadId: string;
  sku: string;
}

export type AccountProbe =
  | { kind: 'path' | 'body' | 'resource'; request: (ids: OtherAccountIds) => ProbeRequest }
  | { kind: 'list'; request: (ids: OtherAccountIds) => ProbeRequest }
  | { kind: 'signed' | 'none'; reason: string };

export interface ProbeRequest {
  path: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** A write endpoint's valid request and where free text goes into it. */
export interface WriteShape {
  /** Path params (free text ones are listed in `text` as `:name`). */
  path: (params: Record<string, string>) => string;
  params: Record<string, string>;
  body?: () => Record<string, unknown>;
  headers?: () => Record<string, string>;
  /** `:param` for a path parameter, `a.b[0].c` for a body field. */
  text: string[];
  /**
   * Why an accepted value is not kept anywhere (a selection, an idempotent delete of something
   * absent); without it an accepted value must be found in the answer, at `readBack` or in a
   * column of the service's schema, byte for byte.
   */
  storesNothing?: string;
  /** Where an accepted value can be read back, when the answer itself does not show it. */
  readBack?: (params: Record<string, string>, body: Record<string, unknown> | undefined) => string;
}

export interface HostileEndpoint {
  account: AccountProbe;
  /** Writes with a JSON body or free-text path params; absent for reads and the signed webhooks. */
  write?: WriteShape;
  /** Why a write endpoint has no `write` shape (its input is tested elsewhere in the suite). */
  inputTestedBy?: string;
}

const enc = encodeURIComponent;
let serial = 0;
/** A fresh idempotency key per request, so a probe is never answered from a stored first answer. */
const fresh = (prefix: string) => `${prefix}-${Date.now()}-${++serial}`;

const orderIngest: Record<string, HostileEndpoint> = {
  'GET /v1/accounts': {
    account: { kind: 'list', request: () => ({ path: '/v1/accounts' }) },
  },
  'GET /v1/accounts/{accountId}': {
    account: { kind: 'path', request: () => ({ path: `/v1/accounts/${enc(OTHER_SHOPIFY)}` }) },
  },
  'GET /v1/accounts/{accountId}/orders/{orderId}': {
    account: {
      kind: 'path',
      request: (ids) => ({ path: `/v1/accounts/${enc(OTHER_SHOPIFY)}/orders/${ids.orderId}` }),
    },
  },
  'GET /v1/catch-up-runs': {
    account: { kind: 'path', request: () => ({ path: `/v1/catch-up-runs?accountId=${enc(OTHER_SHOPIFY)}` }) },
  },
  'GET /v1/catch-up-runs/{runId}': {
    // Catch-up runs exist for Amazon accounts only, and this suite runs no SP-API: the probe
    // proves an id that is not the key's account's answers 404 without telling more.
    account: {
      kind: 'resource',
      request: () => ({ path: '/v1/catch-up-runs/00000000-0000-4000-8000-000000000001' }),
    },
  },
  'GET /v1/ingest-errors': {
    account: { kind: 'list', request: () => ({ path: '/v1/ingest-errors' }) },
  },
  'GET /v1/order-recoveries/{recoveryId}': {
    // Recoveries are Amazon-only too (see catch-up runs).
    account: {
      kind: 'resource',
      request: () => ({ path: '/v1/order-recoveries/00000000-0000-4000-8000-000000000001' }),
    },
  },
  'GET /v1/orders': {
    account: { kind: 'list', request: () => ({ path: '/v1/orders' }) },
  },
  'GET /v1/poll-health': {
    account: { kind: 'list', request: () => ({ path: '/v1/poll-health' }) },
  },
  'GET /v1/raw-payloads/{payloadId}': {
    account: { kind: 'resource', request: (ids) => ({ path: `/v1/raw-payloads/${ids.rawPayloadId}` }) },
  },
  'GET /v1/shop-reconciliation': {
    account: { kind: 'list', request: () => ({ path: '/v1/shop-reconciliation' }) },
  },
  'PATCH /v1/accounts/{accountId}/options': {
    account: {
      kind: 'path',
      request: () => ({
        path: `/v1/accounts/${enc(OTHER_SHOPIFY)}/options`,
        body: { pollingEnabled: false },
      }),
    },
    write: {
      path: (p) => `/v1/accounts/${enc(p.accountId)}/options`,
      params: { accountId: OTHER_SHOPIFY },
      body: () => ({ pollIntervalSeconds: 300 }),
      text: [':accountId'],
    },
  },
  'POST /v1/accounts/{accountId}/catch-up-runs': {
    account: { kind: 'path', request: () => ({ path: `/v1/accounts/${enc(OTHER_SHOPIFY)}/catch-up-runs` }) },
    write: {
      path: (p) => `/v1/accounts/${enc(p.accountId)}/catch-up-runs`,
      params: { accountId: OTHER_SHOPIFY },
      text: [':accountId'],
    },
  },
  'POST /v1/accounts/{accountId}/orders/{orderId}/recover': {
    account: {
      kind: 'path',
      request: (ids) => ({ path: `/v1/accounts/${enc(OTHER_SHOPIFY)}/orders/${ids.orderId}/recover` }),
    },
    write: {
      path: (p) => `/v1/accounts/${enc(p.accountId)}/orders/${enc(p.orderId)}/recover`,
      params: { accountId: OTHER_SHOPIFY, orderId: '1001' },
      text: [':accountId', ':orderId'],
    },
  },
  'POST /v1/webhooks/shopify/{accountId}': {
    account: {
      kind: 'signed',
      reason:
        "no API key: the shop's HMAC signature with its own secret names the account (probed as a webhook below)",
    },
    inputTestedBy: 'the signed webhook probes of this suite (forged, replayed, oversized, injection strings)',
  },
  'POST /v1/webhooks/woocommerce/{accountId}': {
    account: {
      kind: 'signed',
      reason:
        "no API key: the store's HMAC signature with its own secret names the account (probed as a webhook below)",
    },
    inputTestedBy: 'the signed webhook probes of this suite (forged, replayed, oversized, injection strings)',
  },
};

const STOCK_IS_SHARED =
  'stock belongs to the merchant and is shared by every channel account (scopes govern it, not accounts)';

const inventoryReservation: Record<string, HostileEndpoint> = {
  'DELETE /v1/accounts/{channel}/{accountId}/sku-mappings/{channelSku}': {
    account: {
      kind: 'path',
      request: () => ({ path: `/v1/accounts/shopify/${enc(OTHER_SHOPIFY)}/sku-mappings/B-CHANNEL-SKU` }),
    },
    write: {
      path: (p) => `/v1/accounts/shopify/${enc(p.accountId)}/sku-mappings/${enc(p.channelSku)}`,
      params: { accountId: OTHER_SHOPIFY, channelSku: 'NO-SUCH-MAPPING' },
      text: [':accountId', ':channelSku'],
    },
  },
  'GET /v1/accounts/{channel}/{accountId}/settings': {
    account: {
      kind: 'path',
      request: () => ({ path: `/v1/accounts/shopify/${enc(OTHER_SHOPIFY)}/settings` }),
    },
  },
  'GET /v1/accounts/{channel}/{accountId}/sku-mappings': {
    account: {
      kind: 'path',
      request: () => ({ path: `/v1/accounts/shopify/${enc(OTHER_SHOPIFY)}/sku-mappings` }),
    },
  },
  'GET /v1/availability/{sku}': {
    // The SKU's stock is shared; its reservations are per account and must be hidden.
    account: { kind: 'list', request: (ids) => ({ path: `/v1/availability/${enc(ids.sku)}` }) },
  },
  'GET /v1/bundles': {
    account: { kind: 'none', reason: `bundles are the merchant's catalogue: ${STOCK_IS_SHARED}` },
  },
  'GET /v1/bundles/{bundleSku}': {
    account: { kind: 'none', reason: `bundles are the merchant's catalogue: ${STOCK_IS_SHARED}` },
  },
  'GET /v1/locations': {
    account: { kind: 'none', reason: `locations are the merchant's: ${STOCK_IS_SHARED}` },
  },
  'GET /v1/orders/{channel}/{accountId}/{orderId}/reservations': {
    account: {
      kind: 'path',
      request: (ids) => ({ path: `/v1/orders/shopify/${enc(OTHER_SHOPIFY)}/${ids.orderId}/reservations` }),
    },
  },
  'GET /v1/oversold': { account: { kind: 'list', request: () => ({ path: '/v1/oversold' }) } },
  'GET /v1/rejected-transitions': {
    account: {
      kind: 'path',
      request: () => ({ path: `/v1/rejected-transitions?accountId=${enc(OTHER_SHOPIFY)}` }),
    },
  },
  'POST /v1/stock/adjustments': {
    account: { kind: 'none', reason: STOCK_IS_SHARED },
    write: {
      path: () => '/v1/stock/adjustments',
      params: {},
      body: () => ({ idempotencyKey: fresh('adj'), sku: 'HOSTILE-ADJ', delta: 1, reason: 'recount' }),
      text: ['idempotencyKey', 'sku', 'reason'],
    },
  },
  'POST /v1/stock/imports': {
    account: { kind: 'none', reason: STOCK_IS_SHARED },
    inputTestedBy: 'the stock file probes of this suite (CSV and JSON lines are not JSON bodies)',
  },
  'PUT /v1/accounts/{channel}/{accountId}/settings': {
    account: {
      kind: 'path',
      request: () => ({
        path: `/v1/accounts/shopify/${enc(OTHER_SHOPIFY)}/settings`,
        body: { reserveAmazonFulfilled: true },
      }),
    },
    write: {
      path: (p) => `/v1/accounts/shopify/${enc(p.accountId)}/settings`,
      params: { accountId: 'hostile-account' },
      body: () => ({ reserveAmazonFulfilled: false }),
      text: [':accountId'],
    },
  },
  'PUT /v1/accounts/{channel}/{accountId}/sku-mappings/{channelSku}': {
    account: {
      kind: 'path',
      request: (ids) => ({
        path: `/v1/accounts/shopify/${enc(OTHER_SHOPIFY)}/sku-mappings/B-CHANNEL-SKU`,
        body: { sku: ids.sku },
      }),
    },
    write: {
      path: (p) => `/v1/accounts/shopify/${enc(p.accountId)}/sku-mappings/${enc(p.channelSku)}`,
      params: { accountId: 'hostile-account', channelSku: 'HOSTILE-CHANNEL-SKU' },
      body: () => ({ sku: 'HOSTILE-SKU' }),
      text: [':accountId', ':channelSku', 'sku'],
      readBack: (p) => `/v1/accounts/shopify/${enc(p.accountId)}/sku-mappings`,
    },
  },
  'PUT /v1/bundles/{bundleSku}': {
    account: { kind: 'none', reason: `bundles are the merchant's catalogue: ${STOCK_IS_SHARED}` },
    write: {
      path: (p) => `/v1/bundles/${enc(p.bundleSku)}`,
      params: { bundleSku: 'HOSTILE-BUNDLE' },
      body: () => ({ components: [{ sku: 'HOSTILE-PART', quantity: 2 }] }),
      text: [':bundleSku', 'components[0].sku'],
      readBack: (p) => `/v1/bundles/${enc(p.bundleSku)}`,
    },
  },
  'PUT /v1/locations/{locationId}': {
    account: { kind: 'none', reason: `locations are the merchant's: ${STOCK_IS_SHARED}` },
    write: {
      path: (p) => `/v1/locations/${enc(p.locationId)}`,
      params: { locationId: 'hostile-location' },
      body: () => ({ name: 'Back room', priority: 100 }),
      text: [':locationId', 'name'],
      readBack: () => '/v1/locations',
    },
  },
  'PUT /v1/stock/{sku}': {
    account: { kind: 'none', reason: STOCK_IS_SHARED },
    write: {
      path: (p) => `/v1/stock/${enc(p.sku)}`,
      params: { sku: 'HOSTILE-STOCK' },
      body: () => ({ onHand: 3, asOf: Date.now() + serial++ }),
      text: [':sku', 'locationId'],
      readBack: (p) => `/v1/availability/${enc(p.sku)}`,
    },
  },
};

const availabilityPublisher: Record<string, HostileEndpoint> = {
  'DELETE /v1/listings/{id}': {
    account: { kind: 'resource', request: (ids) => ({ path: `/v1/listings/${ids.listingId}` }) },
    write: { path: (p) => `/v1/listings/${enc(p.id)}`, params: { id: 'not-a-uuid' }, text: [':id'] },
  },
  'GET /v1/desired/{sku}': {
    account: { kind: 'list', request: (ids) => ({ path: `/v1/desired/${enc(ids.sku)}` }) },
  },
  'GET /v1/failures': {
    account: { kind: 'path', request: () => ({ path: `/v1/failures?accountId=${enc(OTHER_SHOPIFY)}` }) },
  },
  'GET /v1/listings': { account: { kind: 'list', request: () => ({ path: '/v1/listings' }) } },
  'GET /v1/listings/{id}': {
    account: { kind: 'resource', request: (ids) => ({ path: `/v1/listings/${ids.listingId}` }) },
  },
  'GET /v1/publishing/accounts': {
    account: { kind: 'list', request: () => ({ path: '/v1/publishing/accounts' }) },
  },
  'GET /v1/publishing/attempts': {
    account: {
      kind: 'path',
      request: () => ({ path: `/v1/publishing/attempts?accountId=${enc(OTHER_SHOPIFY)}` }),
    },
  },
  'GET /v1/rules': { account: { kind: 'list', request: () => ({ path: '/v1/rules' }) } },
  'GET /v1/rules/{channel}/{accountId}': {
    account: { kind: 'path', request: () => ({ path: `/v1/rules/shopify/${enc(OTHER_SHOPIFY)}` }) },
  },
  'PATCH /v1/listings/{id}': {
    account: {
      kind: 'resource',
      request: (ids) => ({ path: `/v1/listings/${ids.listingId}`, body: { rules: { safetyBuffer: 99 } } }),
    },
    write: {
      path: (p) => `/v1/listings/${enc(p.id)}`,
      params: { id: '00000000-0000-4000-8000-000000000001' },
      body: () => ({ productType: 'HOME' }),
      text: [':id', 'marketplaceId', 'channelSku', 'productType', 'sku'],
    },
  },
  'POST /v1/listings': {
    account: {
      kind: 'body',
      request: (ids) => ({
        path: '/v1/listings',
        body: { channel: 'woocommerce', accountId: OTHER_WOO, channelSku: 'B-NEW', sku: ids.sku },
      }),
    },
    write: {
      path: () => '/v1/listings',
      params: {},
      body: () => ({
        channel: 'shopify',
        accountId: OTHER_SHOPIFY,
        channelSku: fresh('HOSTILE-CH'),
        sku: 'HF-B1',
      }),
      text: ['accountId', 'channelSku', 'sku', 'productType', 'marketplaceId'],
    },
  },
  'POST /v1/listings/import': {
    account: {
      kind: 'body',
      request: (ids) => ({
        path: '/v1/listings/import',
        body: {
          listings: [
            { channel: 'woocommerce', accountId: OTHER_WOO, channelSku: 'B-IMPORTED', sku: ids.sku },
          ],
        },
      }),
    },
    write: {
      path: () => '/v1/listings/import',
      params: {},
      body: () => ({
        listings: [
          { channel: 'shopify', accountId: OTHER_SHOPIFY, channelSku: fresh('HOSTILE-IMP'), sku: 'HF-B1' },
        ],
      }),
      text: ['listings[0].accountId', 'listings[0].channelSku', 'listings[0].sku', 'listings[0].productType'],
    },
  },
  'POST /v1/republish': {
    account: {
      kind: 'body',
      request: () => ({ path: '/v1/republish', body: { channel: 'shopify', accountId: OTHER_SHOPIFY } }),
    },
    write: {
      path: () => '/v1/republish',
      params: {},
      body: () => ({ sku: 'NO-SUCH-SKU' }),
      text: ['sku'],
      storesNothing: 'a SKU that no listing sells selects nothing to republish',
    },
  },
  'PUT /v1/rules/{channel}/{accountId}': {
    account: {
      kind: 'path',
      request: () => ({
        path: `/v1/rules/shopify/${enc(OTHER_SHOPIFY)}`,
        body: { safetyBuffer: 7, maxQuantity: null, sharePercent: 100, zeroBelow: 0 },
      }),
    },
    write: {
      path: (p) => `/v1/rules/shopify/${enc(p.accountId)}`,
      params: { accountId: 'hostile-account' },
      body: () => ({ safetyBuffer: 1, maxQuantity: null, sharePercent: 100, zeroBelow: 0 }),
      text: [':accountId'],
    },
  },
};

const CARRIER_CODES_ARE_SHARED =
  "carrier names and codes are the merchant's and each channel's, the same for every account";

const shipmentNotifier: Record<string, HostileEndpoint> = {
  'DELETE /v1/carrier-mappings/{id}': {
    account: { kind: 'none', reason: CARRIER_CODES_ARE_SHARED },
    write: { path: (p) => `/v1/carrier-mappings/${enc(p.id)}`, params: { id: 'not-an-id' }, text: [':id'] },
  },
  'DELETE /v1/channels/{channel}/carrier-codes/{code}': {
    account: { kind: 'none', reason: CARRIER_CODES_ARE_SHARED },
    write: {
      path: (p) => `/v1/channels/amazon/carrier-codes/${enc(p.code)}`,
      params: { code: 'NO-SUCH-CODE' },
      text: [':code'],
      storesNothing: 'deleting a code that is not on the list is an idempotent no-op (204)',
    },
  },
  'DELETE /v1/manifests/{id}/shipments/{shipmentId}': {
    account: {
      kind: 'resource',
      request: (ids) => ({ path: `/v1/manifests/${ids.manifestId}/shipments/${ids.shipmentId}` }),
    },
    write: {
      path: (p) => `/v1/manifests/${enc(p.id)}/shipments/${enc(p.shipmentId)}`,
      params: { id: 'not-a-uuid', shipmentId: 'not-a-uuid' },
      text: [':id', ':shipmentId'],
    },
  },
  'GET /v1/carrier-mappings': { account: { kind: 'none', reason: CARRIER_CODES_ARE_SHARED } },
  'GET /v1/channels/{channel}/carrier-codes': { account: { kind: 'none', reason: CARRIER_CODES_ARE_SHARED } },
  'GET /v1/manifests': { account: { kind: 'list', request: () => ({ path: '/v1/manifests' }) } },
  'GET /v1/manifests/{id}': {
    // A manifest is the merchant's dispatch list and has no account of its own (one may hold
    // several accounts' shipments): a restricted key sees it with only its own accounts' shipments.
    account: { kind: 'list', request: (ids) => ({ path: `/v1/manifests/${ids.manifestId}` }) },
  },
  'GET /v1/shipments': {
    account: { kind: 'path', request: () => ({ path: `/v1/shipments?accountId=${enc(OTHER_SHOPIFY)}` }) },
  },
  'GET /v1/shipments/summary': {
    account: { kind: 'list', request: () => ({ path: '/v1/shipments/summary' }) },
  },
  'GET /v1/shipments/{id}': {
    account: { kind: 'resource', request: (ids) => ({ path: `/v1/shipments/${ids.shipmentId}` }) },
  },
  'POST /v1/manifests': {
    // The manifest itself has no account; the shipments put on it do.
    account: {
      kind: 'body',
      request: (ids) => ({
        path: '/v1/manifests',
        body: { reference: 'A-MANIFEST', carrier: 'BRT', shipmentIds: [ids.shipmentId] },
        headers: { 'idempotency-key': fresh('manifest') },
      }),
    },
    write: {
      path: () => '/v1/manifests',
      params: {},
      body: () => ({ reference: 'DIST-1', carrier: 'BRT', shipmentIds: [] }),
      headers: () => ({ 'idempotency-key': fresh('manifest') }),
      text: ['reference', 'carrier'],
    },
  },
  'POST /v1/manifests/{id}/ship': {
    account: { kind: 'resource', request: (ids) => ({ path: `/v1/manifests/${ids.manifestId}/ship` }) },
    write: { path: (p) => `/v1/manifests/${enc(p.id)}/ship`, params: { id: 'not-a-uuid' }, text: [':id'] },
  },
  'POST /v1/manifests/{id}/shipments': {
    account: {
      kind: 'resource',
      request: (ids) => ({
        path: `/v1/manifests/${ids.manifestId}/shipments`,
        body: { shipmentIds: [ids.shipmentId] },
      }),
    },
    write: {
      path: (p) => `/v1/manifests/${enc(p.id)}/shipments`,
      params: { id: 'not-a-uuid' },
      body: () => ({ shipmentIds: [] }),
      text: [':id'],
    },
  },
  'POST /v1/shipments': {
    account: {
      kind: 'body',
      request: (ids) => ({
        path: '/v1/shipments',
        headers: { 'idempotency-key': fresh('shipment') },
        body: {
          order: { channel: 'shopify', accountId: OTHER_SHOPIFY, orderId: ids.orderId },
          packages: [{ carrier: 'BRT', trackingNumber: 'A-TRACK-1', shipDate: new Date().toISOString() }],
          lines: [{ sku: ids.sku, quantity: 1 }],
        },
      }),
    },
    write: {
      path: () => '/v1/shipments',
      params: {},
      headers: () => ({ 'idempotency-key': fresh('shipment') }),
      body: () => ({
        order: { channel: 'shopify', accountId: OTHER_SHOPIFY, orderId: 'NO-SUCH-ORDER' },
        reference: 'DDT-1',
        packages: [
          {
            carrier: 'BRT',
            trackingNumber: 'TRACK-1',
            shipDate: new Date().toISOString(),
            shippingMethod: 'Standard',
            lines: [{ sku: 'HF-B1', quantity: 1 }],
          },
        ],
      }),
      text: [
        'order.accountId',
        'order.orderId',
        'reference',
        'packages[0].carrier',
        'packages[0].trackingNumber',
        'packages[0].shippingMethod',
        'packages[0].lines[0].sku',
      ],
    },
  },
  'POST /v1/shipments/{id}/retry': {
    account: { kind: 'resource', request: (ids) => ({ path: `/v1/shipments/${ids.shipmentId}/retry` }) },
    write: { path: (p) => `/v1/shipments/${enc(p.id)}/retry`, params: { id: 'not-a-uuid' }, text: [':id'] },
  },
  'POST /v1/shipments/{id}/send': {
    account: { kind: 'resource', request: (ids) => ({ path: `/v1/shipments/${ids.shipmentId}/send` }) },
    write: { path: (p) => `/v1/shipments/${enc(p.id)}/send`, params: { id: 'not-a-uuid' }, text: [':id'] },
  },
  'POST /v1/shipments/{id}/void': {
    account: { kind: 'resource', request: (ids) => ({ path: `/v1/shipments/${ids.shipmentId}/void` }) },
    write: { path: (p) => `/v1/shipments/${enc(p.id)}/void`, params: { id: 'not-a-uuid' }, text: [':id'] },
  },
  'PUT /v1/carrier-mappings': {
    account: { kind: 'none', reason: CARRIER_CODES_ARE_SHARED },
    write: {
      path: () => '/v1/carrier-mappings',
      params: {},
      body: () => ({ carrier: 'Hostile Express', channel: 'shopify', code: 'Hostile Express', name: null }),
      text: ['carrier', 'code'],
    },
  },
  'PUT /v1/channels/{channel}/carrier-codes/{code}': {
    account: { kind: 'none', reason: CARRIER_CODES_ARE_SHARED },
    write: {
      path: (p) => `/v1/channels/amazon/carrier-codes/${enc(p.code)}`,
      params: { code: 'HOSTILE-CODE' },
      text: [':code'],
      readBack: () => '/v1/channels/amazon/carrier-codes',
    },
  },
};

export const HOSTILE_ENDPOINTS: Record<AppName, Record<string, HostileEndpoint>> = {
  'order-ingest': orderIngest,
  'inventory-reservation': inventoryReservation,
  'availability-publisher': availabilityPublisher,
  'shipment-notifier': shipmentNotifier,
};

/** The "METHOD /path" keys of each service, sorted: what the services must serve. */
export function listedEndpoints(): Record<AppName, string[]> {
  return Object.fromEntries(
    Object.entries(HOSTILE_ENDPOINTS).map(([app, endpoints]) => [app, Object.keys(endpoints).sort()]),
  ) as Record<AppName, string[]>;
}
