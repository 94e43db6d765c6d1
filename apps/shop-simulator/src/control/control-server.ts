import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { SimulatedShops } from '../simulated-shops';
import { ControlProblem } from '../support/control-problem';
import { PayloadTooLargeError, readBody, send, type HttpReply } from '../support/http-exchange';
import { Router, type HttpMethod } from '../support/router';
import type { WooOrderStatus } from '../woocommerce/woo-store';
import { controlOpenApiDocument } from './control-openapi';
import {
  faultInput,
  rateLimitInput,
  replayInput,
  resetInput,
  shopifyEmitInput,
  shopifyOrderInput,
  shopifyProductsInput,
  shopifyStatusInput,
  shopInput,
  shopWebhooksInput,
  storeInput,
  storeWebhooksInput,
  throttleInput,
  wooEmitInput,
  wooOrderInput,
  wooProductsInput,
  wooStatusInput,
  type webhookMode,
} from './control-schemas';
import {
  shopifyFulfillmentView,
  shopifyInventoryView,
  shopifyOrderView,
  WOO_TRACKING_META_KEY,
  wooOrderControlView,
  wooStockView,
} from './control-views';
import { must } from '../support/must';

interface ControlRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

type ControlHandler = (request: ControlRequest) => HttpReply | Promise<HttpReply>;

const BODY_LIMIT = 20 * 1024 * 1024;

/**
 * The control API (plain HTTP on its own port): registers shops and stores, seeds products and
 * orders, moves order states, emits or loses webhooks, injects faults and throttles, and reads back
 * what the shops received (stock levels and their history, fulfillments, tracking, notes).
 * Documented at /_sim/openapi.json.
 */
export class ControlServer {
  private readonly router = new Router<ControlHandler>();

  constructor(
    private readonly world: SimulatedShops,
    private readonly logger: Logger,
    private readonly urls: () => { apiUrl: string; controlUrl: string },
  ) {
    const add = (method: HttpMethod, template: string, handler: ControlHandler) =>
      this.router.add(method, template, handler);
    const w = world;

    add('GET', '/_sim/health', () => ok({ status: 'ok', ...urls() }));
    add('GET', '/_sim/openapi.json', () => ok(controlOpenApiDocument()));
    add('GET', '/_sim/stats', () => ok({ calls: w.stats.snapshot() }));
    add('POST', '/_sim/reset', (r) => {
      parse(resetInput, r.body);
      w.reset();
      return { status: 204 };
    });

    add('GET', '/_sim/faults', () => ok({ faults: w.faults.list() }));
    add('POST', '/_sim/faults', (r) => ({ status: 201, body: w.faults.add(parse(faultInput, r.body)) }));
    add('DELETE', '/_sim/faults', () => {
      w.faults.clear();
      return { status: 204 };
    });
    add('DELETE', '/_sim/faults/{faultId}', (r) => {
      if (!w.faults.remove(r.params['faultId'])) throw new ControlProblem(404, 'Fault not found');
      return { status: 204 };
    });

    add('GET', '/_sim/webhooks', (r) =>
      ok({
        deliveries: w.webhooks.list({
          platform: r.query.get('platform') ?? undefined,
          account: r.query.get('account') ?? undefined,
          topic: r.query.get('topic') ?? undefined,
        }),
      }),
    );
    add('GET', '/_sim/webhooks/{deliveryId}', (r) => {
      const delivery = w.webhooks.get(r.params['deliveryId']);
      if (!delivery) throw new ControlProblem(404, 'Delivery not found');
      return ok(delivery);
    });
    add('POST', '/_sim/webhooks/{deliveryId}/replay', async (r) => {
      const { url } = parse(replayInput, r.body ?? {});
      if (!w.webhooks.get(r.params['deliveryId'])) throw new ControlProblem(404, 'Delivery not found');
      return ok(await w.webhooks.replay(r.params['deliveryId'], url));
    });

    // ── Shopify ────────────────────────────────────────────────────────────────────────────────
    add('GET', '/_sim/shopify/shops', () =>
      ok({ shops: [...w.shopify.shops.values()].map((s) => w.shopify.shopView(s)) }),
    );
    add('POST', '/_sim/shopify/shops', (r) => ({
      status: 201,
      body: w.shopify.shopView(w.shopify.register(parse(shopInput, r.body))),
    }));
    add('GET', '/_sim/shopify/shops/{shop}', (r) =>
      ok(w.shopify.shopView(w.shopify.requireShop(r.params['shop']))),
    );
    add('PUT', '/_sim/shopify/shops/{shop}/webhooks', (r) => {
      const shop = w.shopify.requireShop(r.params['shop']);
      const input = parse(shopWebhooksInput, r.body);
      shop.webhooks.url = input.url;
      if (input.topics) shop.webhooks.topics = input.topics;
      return ok(shop.webhooks);
    });
    add('PUT', '/_sim/shopify/shops/{shop}/throttle', (r) => {
      const shop = w.shopify.requireShop(r.params['shop']);
      shop.bucket.configure(parse(throttleInput, r.body));
      return ok(shop.bucket.status());
    });
    add('POST', '/_sim/shopify/shops/{shop}/products', (r) => {
      const shop = w.shopify.requireShop(r.params['shop']);
      const { products } = parse(shopifyProductsInput, r.body);
      const created = products.map((p) => shop.addProduct(p));
      return { status: 201, body: { products: created.map((v) => shopifyInventoryView(shop, v)) } };
    });
    add('GET', '/_sim/shopify/shops/{shop}/inventory', (r) => {
      const shop = w.shopify.requireShop(r.params['shop']);
      const skus = skuFilter(r.query);
      const variants = [...shop.variants.values()].filter((v) => !skus || skus.includes(v.sku));
      return ok({ items: variants.map((v) => shopifyInventoryView(shop, v)) });
    });
    add('GET', '/_sim/shopify/shops/{shop}/inventory/history', (r) => {
      const shop = w.shopify.requireShop(r.params['shop']);
      const skus = skuFilter(r.query);
      const source = r.query.get('source');
      return ok({
        changes: shop.history.filter(
          (c) => (!skus || skus.includes(c.sku)) && (!source || c.source.startsWith(source)),
        ),
      });
    });
    add('POST', '/_sim/shopify/shops/{shop}/orders', (r) => {
      const shop = w.shopify.requireShop(r.params['shop']);
      const input = parse(shopifyOrderInput, r.body);
      const order = shop.createOrder({
        lines: input.lines,
        financialStatus: input.financialStatus,
        test: input.test,
      });
      const deliveries = w.shopify.emitOrderWebhooks(
        shop,
        order,
        ['orders/create', ...(input.financialStatus === 'paid' ? (['orders/paid'] as const) : [])],
        emitOptions(input.webhook),
      );
      return {
        status: 201,
        body: {
          order: shopifyOrderView(shop, order),
          webhooks: deliveries.map((d) => ({ deliveryId: d.deliveryId, topic: d.topic, state: d.state })),
        },
      };
    });
    add('GET', '/_sim/shopify/shops/{shop}/orders', (r) => {
      const shop = w.shopify.requireShop(r.params['shop']);
      return ok({ orders: [...shop.orders.values()].map((o) => shopifyOrderView(shop, o)) });
    });
    add('GET', '/_sim/shopify/shops/{shop}/orders/{orderId}', (r) => {
      const shop = w.shopify.requireShop(r.params['shop']);
      return ok(shopifyOrderView(shop, shop.requireOrder(Number(r.params['orderId']))));
    });
    add('POST', '/_sim/shopify/shops/{shop}/orders/{orderId}/status', (r) => {
      const shop = w.shopify.requireShop(r.params['shop']);
      const input = parse(shopifyStatusInput, r.body);
      const order = shop.changeStatus(Number(r.params['orderId']), input.status);
      const topics =
        input.status === 'cancelled'
          ? (['orders/cancelled', 'orders/updated'] as const)
          : input.status === 'paid'
            ? (['orders/paid', 'orders/updated'] as const)
            : (['orders/updated'] as const);
      const deliveries = w.shopify.emitOrderWebhooks(shop, order, topics, emitOptions(input.webhook));
      return ok({
        order: shopifyOrderView(shop, order),
        webhooks: deliveries.map((d) => ({ deliveryId: d.deliveryId, topic: d.topic, state: d.state })),
      });
    });
    add('POST', '/_sim/shopify/shops/{shop}/orders/{orderId}/webhooks', (r) => {
      const shop = w.shopify.requireShop(r.params['shop']);
      const input = parse(shopifyEmitInput, r.body);
      const order = shop.requireOrder(Number(r.params['orderId']));
      const deliveries = w.shopify.emitOrderWebhooks(shop, order, [input.topic], emitOptions(input.webhook));
      return ok({
        webhooks: deliveries.map((d) => ({ deliveryId: d.deliveryId, topic: d.topic, state: d.state })),
      });
    });
    add('GET', '/_sim/shopify/shops/{shop}/fulfillments', (r) => {
      const shop = w.shopify.requireShop(r.params['shop']);
      const orderId = r.query.get('orderId');
      const fulfillments = [...shop.fulfillments.values()]
        .filter((f) => !orderId || String(f.orderId) === orderId)
        .map((f) => shopifyFulfillmentView(shop, shop.requireOrder(f.orderId), f.id));
      return ok({ fulfillments });
    });

    // ── WooCommerce ────────────────────────────────────────────────────────────────────────────
    const storeView = (storeId: string) => {
      const store = w.woocommerce.requireStore(storeId);
      return {
        storeId: store.storeId,
        storeUrl: w.woocommerce.storeUrl(store),
        apiBase: `${w.woocommerce.storeUrl(store)}/wp-json/wc/v3`,
        webhooks: store.webhooks,
        rateLimit: w.woocommerce.limitOf(store).view(),
        products: [...store.products.values()].filter((p) => p.type !== 'variation').length,
        orders: store.orders.size,
      };
    };
    add('GET', '/_sim/woocommerce/stores', () =>
      ok({ stores: [...w.woocommerce.stores.keys()].map(storeView) }),
    );
    add('POST', '/_sim/woocommerce/stores', (r) => ({
      status: 201,
      body: storeView(w.woocommerce.register(parse(storeInput, r.body)).storeId),
    }));
    add('GET', '/_sim/woocommerce/stores/{store}', (r) => ok(storeView(r.params['store'])));
    add('PUT', '/_sim/woocommerce/stores/{store}/webhooks', (r) => {
      const store = w.woocommerce.requireStore(r.params['store']);
      const input = parse(storeWebhooksInput, r.body);
      for (const webhook of store.webhooks) {
        webhook.deliveryUrl = input.url;
        webhook.status = !input.topics || input.topics.includes(webhook.topic) ? 'active' : 'paused';
        webhook.failureCount = 0;
      }
      return ok({ webhooks: store.webhooks });
    });
    add('POST', '/_sim/woocommerce/stores/{store}/webhooks/ping', async (r) =>
      ok(await w.woocommerce.ping(w.woocommerce.requireStore(r.params['store']))),
    );
    add('PUT', '/_sim/woocommerce/stores/{store}/rate-limit', (r) => {
      const store = w.woocommerce.requireStore(r.params['store']);
      const limit = w.woocommerce.limitOf(store);
      limit.configure(parse(rateLimitInput, r.body));
      return ok(limit.view());
    });
    add('POST', '/_sim/woocommerce/stores/{store}/products', (r) => {
      const store = w.woocommerce.requireStore(r.params['store']);
      const { products } = parse(wooProductsInput, r.body);
      const created = products.map((p) =>
        'variations' in p ? store.addVariableProduct(p) : store.addSimpleProduct(p),
      );
      const items = created.flatMap((p) =>
        p.type === 'variable'
          ? p.variationIds.map((id) => must(store.products.get(id), `variation ${id}`))
          : [p],
      );
      return { status: 201, body: { items: items.map((p) => wooStockView(store, p)) } };
    });
    add('GET', '/_sim/woocommerce/stores/{store}/stock', (r) => {
      const store = w.woocommerce.requireStore(r.params['store']);
      const skus = skuFilter(r.query);
      const items = [...store.products.values()].filter(
        (p) => p.type !== 'variable' && (!skus || skus.includes(p.sku)),
      );
      return ok({ items: items.map((p) => wooStockView(store, p)) });
    });
    add('GET', '/_sim/woocommerce/stores/{store}/stock/history', (r) => {
      const store = w.woocommerce.requireStore(r.params['store']);
      const skus = skuFilter(r.query);
      const source = r.query.get('source');
      return ok({
        changes: store.history.filter(
          (c) => (!skus || skus.includes(c.sku)) && (!source || c.source.startsWith(source)),
        ),
      });
    });
    add('POST', '/_sim/woocommerce/stores/{store}/orders', (r) => {
      const store = w.woocommerce.requireStore(r.params['store']);
      const input = parse(wooOrderInput, r.body);
      const order = store.createOrder({
        lines: input.lines,
        status: input.status,
        customerNote: input.customerNote,
      });
      const deliveries = w.woocommerce.emitOrderWebhook(
        store,
        order,
        'order.created',
        emitOptions(input.webhook),
      );
      return {
        status: 201,
        body: {
          order: wooOrderControlView(store, order),
          webhooks: deliveries.map((d) => ({ deliveryId: d.deliveryId, topic: d.topic, state: d.state })),
        },
      };
    });
    add('GET', '/_sim/woocommerce/stores/{store}/orders', (r) => {
      const store = w.woocommerce.requireStore(r.params['store']);
      return ok({ orders: [...store.orders.values()].map((o) => wooOrderControlView(store, o)) });
    });
    add('GET', '/_sim/woocommerce/stores/{store}/orders/{orderId}', (r) => {
      const store = w.woocommerce.requireStore(r.params['store']);
      return ok(wooOrderControlView(store, store.requireOrder(Number(r.params['orderId']))));
    });
    add('POST', '/_sim/woocommerce/stores/{store}/orders/{orderId}/status', (r) => {
      const store = w.woocommerce.requireStore(r.params['store']);
      const input = parse(wooStatusInput, r.body);
      const order = store.requireOrder(Number(r.params['orderId']));
      const status: WooOrderStatus = input.status === 'paid' ? 'processing' : input.status;
      const changed = store.changeStatus(order, status);
      const deliveries = changed
        ? w.woocommerce.emitOrderWebhook(store, order, 'order.updated', emitOptions(input.webhook))
        : [];
      return ok({
        order: wooOrderControlView(store, order),
        webhooks: deliveries.map((d) => ({ deliveryId: d.deliveryId, topic: d.topic, state: d.state })),
      });
    });
    add('POST', '/_sim/woocommerce/stores/{store}/orders/{orderId}/webhooks', (r) => {
      const store = w.woocommerce.requireStore(r.params['store']);
      const input = parse(wooEmitInput, r.body);
      const order = store.requireOrder(Number(r.params['orderId']));
      const deliveries = w.woocommerce.emitOrderWebhook(
        store,
        order,
        input.topic,
        emitOptions(input.webhook),
      );
      return ok({
        webhooks: deliveries.map((d) => ({ deliveryId: d.deliveryId, topic: d.topic, state: d.state })),
      });
    });
    add('GET', '/_sim/woocommerce/stores/{store}/shipments', (r) => {
      const store = w.woocommerce.requireStore(r.params['store']);
      const shipments = [...store.orders.values()]
        .filter((o) => o.metaData.some((m) => m.key === WOO_TRACKING_META_KEY))
        .map((o) => wooOrderControlView(store, o));
      return ok({ orders: shipments });
    });
  }

  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    this.serve(request, response).catch((error: unknown) => {
      this.logger.error({ err: error }, 'unhandled error serving a control request');
      if (!response.headersSent)
        send(
          response,
          problem(500, 'Internal error', error instanceof Error ? error.message : String(error)),
        );
    });
  };

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://control.invalid');
    const match = this.router.match(request.method ?? 'GET', url.pathname);
    if (!match) return send(response, problem(404, 'Not found', `no control route ${url.pathname}`));
    if ('methodNotAllowed' in match) return send(response, problem(405, 'Method not allowed'));
    let body: unknown;
    try {
      const raw = await readBody(request, BODY_LIMIT);
      if (raw.length > 0) body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      if (error instanceof PayloadTooLargeError)
        return send(response, problem(413, 'Payload too large', error.message));
      return send(response, problem(400, 'Invalid JSON', 'the request body is not valid JSON'));
    }
    try {
      send(response, await match.route({ params: match.params, query: url.searchParams, body }));
    } catch (error) {
      if (error instanceof ControlProblem)
        return send(response, problem(error.status, error.title, error.detail));
      throw error;
    }
  }
}

function ok(body: unknown): HttpReply {
  return { status: 200, body };
}

function problem(status: number, title: string, detail?: string): HttpReply {
  return {
    status,
    contentType: 'application/problem+json',
    body: { type: 'about:blank', title, status, ...(detail ? { detail } : {}) },
  };
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
      .join('; ');
    throw new ControlProblem(400, 'Invalid request', detail);
  }
  return parsed.data;
}

function skuFilter(query: URLSearchParams): string[] | undefined {
  const values = query
    .getAll('sku')
    .flatMap((v) => v.split(','))
    .filter((v) => v !== '');
  return values.length > 0 ? values : undefined;
}

function emitOptions(mode: z.infer<typeof webhookMode>): {
  suppress?: boolean;
  signature?: 'valid' | 'invalid';
} {
  switch (mode) {
    case 'send':
      return {};
    case 'suppress':
      return { suppress: true };
    case 'invalid-signature':
      return { signature: 'invalid' };
  }
}
