import pino from 'pino';
import { loadShopSimulatorConfig } from './config/shop-simulator-config';
import { startShopSimulator } from './shop-simulator';

/** Starts the shop simulator: Shopify and WooCommerce APIs on one port, the control API on another. */
async function main(): Promise<void> {
  const logger = pino({ name: 'shop-simulator', level: process.env['LOG_LEVEL'] ?? 'info' });
  const config = loadShopSimulatorConfig();
  const simulator = await startShopSimulator({ config, logger });
  const { shopify, woocommerce } = config;
  // Written whatever LOG_LEVEL says: scripts and tests read the bound ports from this line.
  process.stdout.write(
    `${JSON.stringify({
      shopSimulator: 'ready',
      apiUrl: simulator.apiUrl,
      controlUrl: simulator.controlUrl,
      seed: config.seed,
      defaultShop: config.defaultAccounts ? shopify.domain : null,
      defaultStoreUrl: config.defaultAccounts
        ? `${simulator.apiUrl}/woocommerce/${woocommerce.storeId}`
        : null,
    })}\n`,
  );

  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping the shop simulator');
    simulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'error while stopping');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
