import {
  createShopifyChannel,
  loadShopifyShops,
  ShopifyApiError,
  shopifyCredentialsFor,
  type ShopifyGraphqlCaller,
} from '@holdfast/channels-shopify';
import {
  createWooCommerceChannel,
  loadWooCommerceStores,
  WOO_TRACKING_ITEMS_META_KEY,
  WooCommerceApiError,
  wooCommerceCredentialsFor,
  type ShopShipmentConfirmer,
  type WooCommerceRestClient,
  type WooTrackingItem,
} from '@holdfast/channels-woocommerce';
import { Logger } from '@nestjs/common';
import { OTHER_CARRIER_CODE } from '../../carrier-mapping/application/put-carrier-mapping.use-case';
import {
  ChannelUnavailableError,
  type ChannelShipmentGateway,
  type ConfirmOutcome,
  type PackageConfirmation,
  type PackageLookup,
  type PackageRef,
} from '../domain/channel-shipment-gateway';

type ShopChannel = 'shopify' | 'woocommerce';

/** Looks a package up at one shop by its tracking number (shops keep no package reference id). */
export interface ShopPackageFinder {
  find(orderId: string, trackingNumber: string): Promise<PackageLookup>;
}

export interface ShopAccount {
  confirmer: ShopShipmentConfirmer;
  finder: ShopPackageFinder;
}

/** What the shop libraries' errors have in common (`ShopifyApiError`, `WooCommerceApiError`). */
interface ShopApiError {
  kind: 'throttled' | 'transient' | 'rejected' | 'malformed';
  message: string;
  details: { status?: number; code?: string };
}

function isShopApiError(error: unknown): error is ShopApiError {
  return error instanceof ShopifyApiError || error instanceof WooCommerceApiError;
}

/** The code a shop error is recorded with: the shop's own code, else the HTTP status, else the kind. */
function errorCode(error: ShopApiError): string {
  return (
    error.details.code ?? (error.details.status ? `HTTP_${error.details.status}` : error.kind.toUpperCase())
  );
}

/**
 * One package becomes one shop shipment, identified at the shop by Holdfast's shipment id and the
 * package's reference id (stable on every attempt): the WooCommerce adapter records it with the
 * tracking, and it names the Shopify fulfillment.
 */
export function shopShipmentId(pkg: { shipmentId: string; packageReferenceId: string }): string {
  return `${pkg.shipmentId}/${pkg.packageReferenceId}`;
}

/**
 * A web shop (Shopify or WooCommerce) behind the channel-neutral port, through the shop library's
 * `ShopShipmentConfirmer`. That adapter reads the order before it writes and answers
 * `alreadyConfirmed` when the shop already has the tracking number, so a retry after a lost
 * answer or a crash creates nothing twice; the sender's own state (attempt committed before the
 * call, looked up by tracking number after an unknown outcome) stands in front of it.
 */
export class WebShopShipmentGateway implements ChannelShipmentGateway {
  readonly unmappedCarriers = 'free-text' as const;

  constructor(
    readonly channel: ShopChannel,
    private readonly byAccount: ReadonlyMap<string, ShopAccount>,
  ) {}

  accounts(): string[] {
    return [...this.byAccount.keys()];
  }

  async confirmPackage(accountId: string, pkg: PackageConfirmation): Promise<ConfirmOutcome> {
    const shop = this.byAccount.get(accountId);
    if (!shop)
      return {
        kind: 'not-applied',
        code: 'ChannelAccountNotConfigured',
        message: `no ${this.channel} credentials for account ${accountId}`,
      };
    // A mapping to the generic code sends its name: a shop shows it as written.
    const carrier =
      pkg.carrierCode === OTHER_CARRIER_CODE && pkg.carrierName ? pkg.carrierName : pkg.carrierCode;
    try {
      const result = await shop.confirmer.confirmShipment({
        shipmentId: shopShipmentId(pkg),
        orderId: pkg.orderId,
        lines: pkg.items.map((i) => ({ lineId: i.lineId, quantity: i.quantity })),
        carrier,
        trackingNumber: pkg.trackingNumber,
      });
      if (result.outcome === 'rejected')
        return { kind: 'rejected', code: result.code, message: result.message };
      return { kind: 'accepted', carrierSent: result.carrierSent };
    } catch (error) {
      if (isShopApiError(error)) {
        switch (error.kind) {
          case 'throttled':
            // Still throttled after the library's own waits: the shop did not take the call.
            return { kind: 'not-applied', code: errorCode(error), message: error.message };
          case 'rejected':
            return { kind: 'rejected', code: errorCode(error), message: error.message };
          case 'transient':
          case 'malformed':
            return { kind: 'unknown', code: errorCode(error), message: error.message };
        }
      }
      return { kind: 'unknown', code: 'UnknownError', message: (error as Error).message ?? String(error) };
    }
  }

  async findPackage(accountId: string, pkg: PackageRef): Promise<PackageLookup> {
    const shop = this.byAccount.get(accountId);
    if (!shop)
      throw new ChannelUnavailableError(
        'ChannelAccountNotConfigured',
        `no ${this.channel} credentials for account ${accountId}`,
      );
    try {
      return await shop.finder.find(pkg.orderId, pkg.trackingNumber);
    } catch (error) {
      if (error instanceof ChannelUnavailableError) throw error;
      if (isShopApiError(error)) throw new ChannelUnavailableError(errorCode(error), error.message);
      throw new ChannelUnavailableError('UnknownError', (error as Error).message ?? String(error));
    }
  }
}

const ORDER_TRACKING = /* GraphQL */ `
  query HoldfastOrderTracking($id: ID!) {
    order(id: $id) {
      id
      fulfillments(first: 10) {
        status
        trackingInfo(first: 5) {
          number
        }
      }
    }
  }
`;

interface OrderTrackingData {
  order: { id: string; fulfillments: { status: string; trackingInfo: { number: string | null }[] }[] } | null;
}

/** A Shopify package is there when a successful fulfillment of the order carries its tracking number. */
export class ShopifyPackageFinder implements ShopPackageFinder {
  constructor(private readonly caller: ShopifyGraphqlCaller) {}

  async find(orderId: string, trackingNumber: string): Promise<PackageLookup> {
    const { data } = await this.caller.request<OrderTrackingData>('orderTracking', ORDER_TRACKING, {
      estimatedCost: 60,
      variables: { id: `gid://shopify/Order/${orderId}` },
    });
    if (!data.order) return { kind: 'order-unknown' };
    const found = data.order.fulfillments.some(
      (f) => f.status === 'SUCCESS' && f.trackingInfo.some((t) => t.number === trackingNumber),
    );
    return found ? { kind: 'present', trackingNumber } : { kind: 'absent' };
  }
}

interface WooOrderMeta {
  id: number;
  meta_data: { key: string; value: unknown }[];
}

/**
 * A WooCommerce package is there when the order's Shipment Tracking items carry its number and a
 * customer note names it: the adapter writes them in two calls, and a package with only the first
 * is not finished (sending it again adds only the note).
 */
export class WooCommercePackageFinder implements ShopPackageFinder {
  constructor(private readonly client: WooCommerceRestClient) {}

  async find(orderId: string, trackingNumber: string): Promise<PackageLookup> {
    let order: WooOrderMeta;
    try {
      order = (
        await this.client.request<WooOrderMeta>('orders.get', {
          method: 'GET',
          path: `/orders/${encodeURIComponent(orderId)}`,
        })
      ).data;
    } catch (error) {
      if (error instanceof WooCommerceApiError && error.details.status === 404)
        return { kind: 'order-unknown' };
      throw error;
    }
    const items = order.meta_data.find((m) => m.key === WOO_TRACKING_ITEMS_META_KEY)?.value;
    const tracked =
      Array.isArray(items) && (items as WooTrackingItem[]).some((t) => t.tracking_number === trackingNumber);
    if (!tracked) return { kind: 'absent' };
    const { data: notes } = await this.client.request<{ note: string; customer_note: boolean }[]>(
      'orders.notes.list',
      {
        method: 'GET',
        path: `/orders/${order.id}/notes`,
        query: { type: 'customer' },
      },
    );
    const noted = notes.some((n) => n.customer_note && n.note.includes(trackingNumber));
    return noted ? { kind: 'present', trackingNumber } : { kind: 'absent' };
  }
}

export interface ShopClientSettings {
  /** First backoff of the libraries' own retries (throttling, idempotent reads), in ms. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** Per WooCommerce request. */
  timeoutMs: number;
}

/**
 * Shopify shops from SHOPIFY_SHOPS(_FILE) (SHOPIFY_ENDPOINT points them at the simulator); a shop
 * whose secrets cannot be read is left out (and logged), and its packages are held.
 */
export function shopifyGatewayFromEnvironment(
  settings: ShopClientSettings,
  env: NodeJS.ProcessEnv = process.env,
): WebShopShipmentGateway {
  const logger = new Logger('ShopifyShipmentGateway');
  const byAccount = new Map<string, ShopAccount>();
  for (const shop of loadShopifyShops(env)) {
    try {
      const channel = createShopifyChannel(shopifyCredentialsFor(shop, env), {
        caller: { baseDelayMs: settings.baseDelayMs, maxDelayMs: settings.maxDelayMs },
        logger: {
          warn: (_details, message) => logger.warn(message),
          error: (_details, message) => logger.error(message),
        },
      });
      byAccount.set(channel.accountId, {
        confirmer: channel.fulfillments,
        finder: new ShopifyPackageFinder(channel.caller),
      });
    } catch (error) {
      logger.error(
        `Shopify shop ${shop.accountId} left out, its credentials cannot be read: ${(error as Error).message}`,
      );
    }
  }
  return new WebShopShipmentGateway('shopify', byAccount);
}

/** WooCommerce stores from WOOCOMMERCE_STORES(_FILE), as for Shopify. */
export function wooCommerceGatewayFromEnvironment(
  settings: ShopClientSettings,
  env: NodeJS.ProcessEnv = process.env,
): WebShopShipmentGateway {
  const logger = new Logger('WooCommerceShipmentGateway');
  const byAccount = new Map<string, ShopAccount>();
  for (const store of loadWooCommerceStores(env)) {
    try {
      const channel = createWooCommerceChannel(wooCommerceCredentialsFor(store, env), {
        client: {
          baseDelayMs: settings.baseDelayMs,
          maxDelayMs: settings.maxDelayMs,
          timeoutMs: settings.timeoutMs,
        },
      });
      byAccount.set(channel.accountId, {
        confirmer: channel.fulfillments,
        finder: new WooCommercePackageFinder(channel.client),
      });
    } catch (error) {
      logger.error(
        `WooCommerce store ${store.accountId} left out, its credentials cannot be read: ${(error as Error).message}`,
      );
    }
  }
  return new WebShopShipmentGateway('woocommerce', byAccount);
}
