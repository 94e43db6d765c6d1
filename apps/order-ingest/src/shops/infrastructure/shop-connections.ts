import type { AmazonAccountConfig } from '@holdfast/channels-amazon';
import {
  createShopifyChannel,
  loadShopifyShops,
  shopifyCredentialsFor,
  type ShopifyShopConfig,
  type ShopOrderSource,
} from '@holdfast/channels-shopify';
import {
  createWooCommerceChannel,
  loadWooCommerceStores,
  wooCommerceCredentialsFor,
  type WooCommerceStoreConfig,
} from '@holdfast/channels-woocommerce';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AMAZON_ACCOUNTS } from '../../accounts/infrastructure/amazon-connections';
import type { ShopChannel } from '../domain/shop-account';

/** One configured web shop: who it is, and (once built) how to verify its webhooks and list its orders. */
export interface ShopConnection {
  channel: ShopChannel;
  accountId: string;
  /** Shopify: the shop's permanent domain, which its webhooks name. */
  shopDomain?: string;
  /** Current secret first, a rotated-out one after it. */
  webhookSecrets: readonly string[];
  orders: ShopOrderSource;
}

/** The shop cannot be used: its configuration names a secret that cannot be read. */
export class ShopUnavailableError extends Error {
  override readonly name = 'ShopUnavailableError';
}

type Configured =
  | { channel: 'shopify'; config: ShopifyShopConfig }
  | { channel: 'woocommerce'; config: WooCommerceStoreConfig };

/**
 * The web shops of this process, from SHOPIFY_SHOPS(_FILE) and WOOCOMMERCE_STORES(_FILE), read
 * once at start (a malformed file stops the service). Each shop's client is built on first use
 * and kept (its cost bucket or request pace lives in it), so a missing secret only stops its own
 * shop. Account ids must be unique across Amazon and the shops: order snapshots are keyed by
 * account and order id.
 */
@Injectable()
export class ShopConnections {
  private readonly logger = new Logger(ShopConnections.name);
  private readonly configured = new Map<string, Configured>();
  private readonly built = new Map<string, ShopConnection>();

  constructor(@Inject(AMAZON_ACCOUNTS) amazonAccounts: AmazonAccountConfig[]) {
    const amazonIds = new Set(amazonAccounts.map((a) => a.accountId));
    const entries: Configured[] = [
      ...loadShopifyShops(process.env).map((config) => ({ channel: 'shopify' as const, config })),
      ...loadWooCommerceStores(process.env).map((config) => ({ channel: 'woocommerce' as const, config })),
    ];
    for (const entry of entries) {
      const id = entry.config.accountId;
      if (
        amazonIds.has(id) ||
        this.configured.has(key(entry.channel, id)) ||
        [...this.configured.values()].some((c) => c.config.accountId === id)
      ) {
        throw new Error(
          `shop account id ${id} is used twice (across Amazon accounts, Shopify shops and WooCommerce stores)`,
        );
      }
      this.configured.set(key(entry.channel, id), entry);
    }
  }

  /** Every configured shop as (channel, account id). */
  list(): { channel: ShopChannel; accountId: string }[] {
    return [...this.configured.values()].map((c) => ({ channel: c.channel, accountId: c.config.accountId }));
  }

  isConfigured(channel: ShopChannel, accountId: string): boolean {
    return this.configured.has(key(channel, accountId));
  }

  /** The shop's connection; null when no such shop is configured. Throws ShopUnavailableError when its secrets cannot be read. */
  get(channel: ShopChannel, accountId: string): ShopConnection | null {
    const k = key(channel, accountId);
    const existing = this.built.get(k);
    if (existing) return existing;
    const entry = this.configured.get(k);
    if (!entry) return null;
    let connection: ShopConnection;
    try {
      connection =
        entry.channel === 'shopify' ? this.buildShopify(entry.config) : this.buildWooCommerce(entry.config);
    } catch (error) {
      throw new ShopUnavailableError(
        `${channel} account ${accountId} cannot be used: ${(error as Error).message}`,
      );
    }
    this.built.set(k, connection);
    return connection;
  }

  private buildShopify(config: ShopifyShopConfig): ShopConnection {
    const channel = createShopifyChannel(shopifyCredentialsFor(config, process.env), {
      logger: {
        warn: (object, message) => this.logger.warn(`${message} ${JSON.stringify(object)}`),
        error: (object, message) => this.logger.error(`${message} ${JSON.stringify(object)}`),
      },
    });
    return {
      channel: 'shopify',
      accountId: channel.accountId,
      shopDomain: channel.shopDomain,
      webhookSecrets: channel.webhookSecrets,
      orders: channel.orders,
    };
  }

  private buildWooCommerce(config: WooCommerceStoreConfig): ShopConnection {
    const channel = createWooCommerceChannel(wooCommerceCredentialsFor(config, process.env));
    return {
      channel: 'woocommerce',
      accountId: channel.accountId,
      webhookSecrets: channel.webhookSecrets,
      orders: channel.orders,
    };
  }
}

function key(channel: ShopChannel, accountId: string): string {
  return `${channel}:${accountId}`;
}
