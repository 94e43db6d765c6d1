import type { Logger } from 'pino';
import type { ShopSimulatorConfig } from './config/shop-simulator-config';
import { FaultInjector } from './faults/fault-injector';
import { SimulatedShopify } from './shopify/simulated-shopify';
import { CallStatistics } from './support/call-statistics';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher';
import { SimulatedWooCommerce } from './woocommerce/simulated-woocommerce';

/** Everything the simulator holds: both platforms, their webhooks, faults and call counts. */
export class SimulatedShops {
  readonly faults: FaultInjector;
  readonly stats = new CallStatistics();
  readonly webhooks: WebhookDispatcher;
  readonly shopify: SimulatedShopify;
  readonly woocommerce: SimulatedWooCommerce;

  constructor(
    readonly config: ShopSimulatorConfig,
    logger: Logger,
  ) {
    this.faults = new FaultInjector(config.seed);
    this.webhooks = new WebhookDispatcher(logger, config.webhookTimeoutMs);
    this.shopify = new SimulatedShopify(config, this.webhooks, this.faults, this.stats, logger);
    this.woocommerce = new SimulatedWooCommerce(config, this.webhooks, this.faults, this.stats, logger);
    this.seedDefaults();
  }

  /** Forgets everything and starts again from the configuration, with fresh seeded streams. */
  reset(): void {
    this.webhooks.reset();
    this.faults.reset();
    this.stats.reset();
    this.shopify.reset();
    this.woocommerce.reset();
    this.seedDefaults();
  }

  async close(): Promise<void> {
    await this.webhooks.close();
  }

  private seedDefaults(): void {
    if (!this.config.defaultAccounts) return;
    const { shopify, woocommerce } = this.config;
    this.shopify.register({
      domain: shopify.domain,
      accessToken: shopify.accessToken,
      webhookSecret: shopify.webhookSecret,
      webhookUrl: shopify.webhookUrl ?? null,
    });
    this.woocommerce.register({
      storeId: woocommerce.storeId,
      consumerKey: woocommerce.consumerKey,
      consumerSecret: woocommerce.consumerSecret,
      webhookSecret: woocommerce.webhookSecret,
      webhookUrl: woocommerce.webhookUrl ?? null,
    });
  }
}
