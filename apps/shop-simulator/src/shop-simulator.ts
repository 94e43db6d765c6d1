import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP, type AddressInfo } from 'node:net';
import pino, { type Logger } from 'pino';
import type { ShopSimulatorConfig } from './config/shop-simulator-config';
import { ControlServer } from './control/control-server';
import { SimulatedShops } from './simulated-shops';
import { send } from './support/http-exchange';

export interface RunningShopSimulator {
  /** http://host:port of the shop APIs (Shopify Admin GraphQL, WooCommerce REST). */
  apiUrl: string;
  /** http://host:port of the control API. */
  controlUrl: string;
  world: SimulatedShops;
  close(): Promise<void>;
}

/** Starts both servers: the shop APIs on one port, the control API on another. */
export async function startShopSimulator(options: {
  config: ShopSimulatorConfig;
  logger?: Logger;
}): Promise<RunningShopSimulator> {
  const { config } = options;
  const logger =
    options.logger ?? pino({ name: 'shop-simulator', level: process.env['LOG_LEVEL'] ?? 'info' });
  const world = new SimulatedShops(config, logger);
  let apiUrl = '';
  let controlUrl = '';

  const api = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://shop.invalid');
    const platform = world.shopify.matches(url.pathname)
      ? world.shopify
      : world.woocommerce.matches(url.pathname)
        ? world.woocommerce
        : undefined;
    if (!platform) return send(response, { status: 404, body: { errors: 'Not Found' } });
    platform.handle(request, response, url).catch((error: unknown) => {
      platform.logUnexpected(error);
      if (!response.headersSent) send(response, { status: 500, body: { errors: 'Internal Server Error' } });
    });
  });
  const control = new ControlServer(world, logger, () => ({ apiUrl, controlUrl }));
  const controlServer = createServer(control.handle);

  const apiPort = await listen(api, config.port, config.host);
  let controlPort: number;
  try {
    controlPort = await listen(controlServer, config.controlPort, config.controlHost);
  } catch (error) {
    await close(api);
    throw error;
  }
  apiUrl = `http://${urlHost(config.host)}:${apiPort}`;
  controlUrl = `http://${urlHost(config.controlHost)}:${controlPort}`;
  world.woocommerce.publicUrl = apiUrl;

  return {
    apiUrl,
    controlUrl,
    world,
    close: async () => {
      await world.close();
      await Promise.all([close(api), close(controlServer)]);
    },
  };
}

function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return isIP(host) === 6 ? `[${host}]` : host;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
