import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { shopSimulatorConfig, type ShopSimulatorConfig } from '../../src/config/shop-simulator-config';
import { startShopSimulator, type RunningShopSimulator } from '../../src/shop-simulator';

export type Json = any;

export interface HttpResult {
  status: number;
  headers: Headers;
  json: Json;
  text: string;
}

export const SHOP = 'holdfast-demo.myshopify.com';
export const TOKEN = 'shpat_holdfast_simulator_token';
export const SHOP_SECRET = 'holdfast-shopify-webhook-secret';
export const WOO_AUTH = `Basic ${Buffer.from('ck_holdfast_simulator:cs_holdfast_simulator').toString('base64')}`;
export const WOO_SECRET = 'holdfast-woo-webhook-secret';

type Overrides = Parameters<typeof shopSimulatorConfig>[0];

/** The simulator in-process on free ports, with raw access to both APIs and the control API. */
export class ShopSimulatorHarness {
  private constructor(readonly simulator: RunningShopSimulator) {}

  static async start(overrides: Overrides = {}): Promise<ShopSimulatorHarness> {
    const config: ShopSimulatorConfig = shopSimulatorConfig({ port: 0, controlPort: 0, ...overrides });
    return new ShopSimulatorHarness(await startShopSimulator({ config, logger: pino({ level: 'silent' }) }));
  }

  get world() {
    return this.simulator.world;
  }

  control(method: string, path: string, body?: unknown): Promise<HttpResult> {
    return call(new URL(path, this.simulator.controlUrl), method, body);
  }

  async ok(method: string, path: string, body?: unknown): Promise<Json> {
    const result = await this.control(method, path, body);
    if (result.status >= 300) throw new Error(`${method} ${path} → ${result.status}: ${result.text}`);
    return result.json;
  }

  graphql(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = { 'x-shopify-access-token': TOKEN },
    version = '2026-07',
  ) {
    return call(
      new URL(`/admin/api/${version}/graphql.json`, this.simulator.apiUrl),
      'POST',
      { query, variables },
      headers,
    );
  }

  woo(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = { authorization: WOO_AUTH },
  ) {
    return call(
      new URL(`/woocommerce/demo/wp-json/wc/v3${path}`, this.simulator.apiUrl),
      method,
      body,
      headers,
    );
  }

  close(): Promise<void> {
    return this.simulator.close();
  }
}

async function call(
  url: URL,
  method: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const response = await fetch(url, {
    method,
    headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  let json: Json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, json, text };
}

/** Records webhook requests with their raw bodies; answers with the status the test sets. */
export class WebhookSink {
  readonly requests: { headers: Record<string, string | string[] | undefined>; body: string }[] = [];
  status = 200;

  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  static async start(): Promise<WebhookSink> {
    const holder: { sink?: WebhookSink } = {};
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        holder.sink?.requests.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
        res.writeHead(holder.sink?.status ?? 200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    holder.sink = new WebhookSink(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`);
    return holder.sink;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}

export async function eventually<T>(
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
