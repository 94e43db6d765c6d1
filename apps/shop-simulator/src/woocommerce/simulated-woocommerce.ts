import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { ShopSimulatorConfig } from '../config/shop-simulator-config';
import { faultStatus, type FaultInjector } from '../faults/fault-injector';
import type { CallStatistics } from '../support/call-statistics';
import { ControlProblem } from '../support/control-problem';
import {
  PayloadTooLargeError,
  readBody,
  resetConnection,
  send,
  sendMalformed,
  sleep,
  type HttpReply,
} from '../support/http-exchange';
import { Router, type HttpMethod } from '../support/router';
import { SeededRandom } from '../support/seeded-random';
import type { WebhookDelivery, WebhookDispatcher } from '../webhooks/webhook-dispatcher';
import { noteView, orderView, productView } from './woo-views';
import {
  WOO_ORDER_STATUSES,
  WooStore,
  type StoreRegistration,
  type WooOrder,
  type WooOrderStatus,
  type WooProduct,
  type WooTopic,
} from './woo-store';
import { must } from '../support/must';

const STORE_PATH = /^\/woocommerce\/([a-z0-9-]+)\/wp-json\/wc\/v3(\/.*)$/;
const BODY_LIMIT = 5 * 1024 * 1024;
const BATCH_LIMIT = 100;
const MAX_PER_PAGE = 100;
const MAX_WEBHOOK_FAILURES = 5;

/** An answer in WooCommerce's error shape: `{ code, message, data: { status } }`. */
export class WooError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

interface WooRequest {
  store: WooStore;
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

type WooHandler = (request: WooRequest) => HttpReply;

interface Route {
  operation: string;
  handler: WooHandler;
}

export interface WooEmitOptions {
  suppress?: boolean;
  signature?: 'valid' | 'invalid';
}

/** A token bucket per store: the limit a host or a security plugin puts in front of the REST API. */
class StoreRateLimit {
  private tokens: number;
  private at = Date.now();

  constructor(
    public requestsPerSecond: number,
    public burst: number,
  ) {
    this.tokens = burst;
  }

  /** 0 when the request may pass, else the seconds to wait. */
  take(): number {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.at) / 1000) * this.requestsPerSecond);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.requestsPerSecond));
  }

  configure(input: { requestsPerSecond?: number; burst?: number }): void {
    if (input.requestsPerSecond !== undefined) this.requestsPerSecond = input.requestsPerSecond;
    if (input.burst !== undefined) this.burst = input.burst;
    this.tokens = Math.min(this.tokens, this.burst);
  }

  view() {
    return { requestsPerSecond: this.requestsPerSecond, burst: this.burst, tokens: Math.floor(this.tokens) };
  }
}

/**
 * Every simulated WooCommerce store, its REST API v3 (basic auth with the consumer key and secret,
 * a per-store rate limit, faults) and its `order.*` webhooks signed with the webhook secret.
 */
export class SimulatedWooCommerce {
  readonly stores = new Map<string, WooStore>();
  readonly limits = new Map<string, StoreRateLimit>();
  /** The shop API's origin (http://host:port), set once the server listens. */
  publicUrl = '';
  private readonly router = new Router<Route>();
  private deliveryIds: SeededRandom;

  constructor(
    private readonly config: ShopSimulatorConfig,
    private readonly dispatcher: WebhookDispatcher,
    private readonly faults: FaultInjector,
    private readonly stats: CallStatistics,
    private readonly logger: Logger,
  ) {
    this.deliveryIds = SeededRandom.derive(config.seed, 'woocommerce-webhooks');
    this.routes();
  }

  register(
    input: Omit<StoreRegistration, 'requestsPerSecond' | 'burst'> &
      Partial<Pick<StoreRegistration, 'requestsPerSecond' | 'burst'>>,
  ): WooStore {
    if (this.stores.has(input.storeId))
      throw new ControlProblem(409, 'Store exists', `store ${input.storeId} is registered`);
    const registration: StoreRegistration = {
      ...input,
      requestsPerSecond: input.requestsPerSecond ?? this.config.woocommerce.requestsPerSecond,
      burst: input.burst ?? this.config.woocommerce.burst,
    };
    const store = new WooStore(
      input.storeId,
      input.consumerKey,
      input.consumerSecret,
      input.webhookSecret,
      registration,
    );
    this.stores.set(store.storeId, store);
    this.limits.set(store.storeId, new StoreRateLimit(registration.requestsPerSecond, registration.burst));
    return store;
  }

  requireStore(storeId: string): WooStore {
    const store = this.stores.get(storeId);
    if (!store) throw new ControlProblem(404, 'Store not found', `no store ${storeId}`);
    return store;
  }

  limitOf(store: WooStore): StoreRateLimit {
    return must(this.limits.get(store.storeId), `rate limit of ${store.storeId}`);
  }

  reset(): void {
    this.stores.clear();
    this.limits.clear();
    this.deliveryIds = SeededRandom.derive(this.config.seed, 'woocommerce-webhooks');
  }

  /** Sends `topic` for the order to every active webhook of that topic. */
  emitOrderWebhook(
    store: WooStore,
    order: WooOrder,
    topic: WooTopic,
    options: WooEmitOptions = {},
  ): WebhookDelivery[] {
    const deliveries: WebhookDelivery[] = [];
    for (const webhook of store.webhooks) {
      if (webhook.topic !== topic || webhook.status !== 'active') continue;
      const body = JSON.stringify(orderView(store, order));
      const secret = options.signature === 'invalid' ? `${store.webhookSecret}-wrong` : store.webhookSecret;
      const deliveryId = this.deliveryIds.hex(32);
      const [resource, event] = topic.split('.');
      deliveries.push(
        this.dispatcher.dispatch({
          deliveryId,
          platform: 'woocommerce',
          account: store.storeId,
          topic,
          url: webhook.deliveryUrl,
          headers: {
            'content-type': 'application/json',
            'user-agent': 'WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)',
            'x-wc-webhook-source': `${this.storeUrl(store)}/`,
            'x-wc-webhook-topic': topic,
            'x-wc-webhook-resource': resource,
            'x-wc-webhook-event': event,
            'x-wc-webhook-signature': createHmac('sha256', secret).update(body, 'utf8').digest('base64'),
            'x-wc-webhook-id': String(webhook.id),
            'x-wc-webhook-delivery-id': deliveryId,
          },
          body,
          // WooCommerce does not redeliver; it counts failures and disables the webhook after five.
          retryDelaysMs: [],
          suppress: options.suppress ? 'suppressed through the control API (a lost webhook)' : undefined,
          onFailure: () => {
            webhook.failureCount += 1;
            if (webhook.failureCount > MAX_WEBHOOK_FAILURES) webhook.status = 'disabled';
          },
          onSuccess: () => {
            webhook.failureCount = 0;
          },
        }),
      );
    }
    return deliveries;
  }

  /** The ping WooCommerce sends when a webhook is saved: form-encoded, unsigned. */
  async ping(store: WooStore): Promise<{ status?: number; error?: string }> {
    const webhook = store.webhooks.find((w) => w.deliveryUrl !== null);
    if (!webhook?.deliveryUrl)
      throw new ControlProblem(409, 'No webhook URL', `store ${store.storeId} has no webhook URL`);
    try {
      const response = await fetch(webhook.deliveryUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': 'WooCommerce/9.4.2 Hookshot (WordPress/6.7.1)',
        },
        body: `webhook_id=${webhook.id}`,
        signal: AbortSignal.timeout(this.config.webhookTimeoutMs),
      });
      await response.arrayBuffer();
      return { status: response.status };
    } catch (error) {
      return { error: error instanceof Error ? error.message : String(error) };
    }
  }

  storeUrl(store: WooStore): string {
    return `${this.publicUrl}/woocommerce/${store.storeId}`;
  }

  // ── REST API ─────────────────────────────────────────────────────────────────────────────────

  matches(pathname: string): boolean {
    return pathname.startsWith('/woocommerce/');
  }

  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const reply = (r: HttpReply) => send(response, r);
    const fail = (error: WooError) =>
      reply({
        status: error.status,
        headers: error.headers,
        body: { code: error.code, message: error.message, data: { status: error.status } },
      });
    const pathMatch = STORE_PATH.exec(url.pathname);
    const store = pathMatch ? this.stores.get(pathMatch[1]) : undefined;
    if (!pathMatch || !store)
      return fail(
        new WooError(404, 'rest_no_route', 'No route was found matching the URL and request method.'),
      );
    const match = this.router.match(request.method ?? 'GET', pathMatch[2]);
    if (!match || 'methodNotAllowed' in match)
      return fail(
        new WooError(404, 'rest_no_route', 'No route was found matching the URL and request method.'),
      );
    const { operation, handler } = match.route;

    const authProblem = this.authenticate(store, request, url.searchParams);
    if (authProblem) {
      this.stats.record('woocommerce', operation, 'unauthorized');
      return fail(authProblem);
    }
    const wait = this.limitOf(store).take();
    if (wait > 0) {
      this.stats.record('woocommerce', operation, 'throttled');
      return fail(
        new WooError(
          429,
          'woocommerce_rest_too_many_requests',
          'Too many requests. Please wait and try again.',
          { 'retry-after': String(wait) },
        ),
      );
    }
    const plan = this.faults.plan('woocommerce', [operation], store.storeId);
    if (plan.latencyMs > 0) await sleep(plan.latencyMs);
    if (plan.failBefore) {
      this.stats.record('woocommerce', operation, 'fault');
      if (plan.failBefore === 'connectionReset') return resetConnection(response);
      return reply({
        status: faultStatus(plan.failBefore),
        contentType: 'text/html',
        body: '<html><body><h1>Service Unavailable</h1></body></html>',
      });
    }

    let body: unknown;
    try {
      const raw = await readBody(request, BODY_LIMIT);
      if (raw.length > 0) body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      if (error instanceof PayloadTooLargeError)
        return fail(new WooError(413, 'rest_request_too_large', error.message));
      return fail(new WooError(400, 'rest_invalid_json', 'Invalid JSON body passed.'));
    }

    let result: HttpReply;
    try {
      result = handler({ store, params: match.params, query: url.searchParams, body });
    } catch (error) {
      if (error instanceof WooError) {
        this.stats.record('woocommerce', operation, 'rejected');
        return fail(error);
      }
      throw error;
    }
    if (plan.failAfter) {
      this.stats.record('woocommerce', operation, 'fault');
      if (plan.failAfter === 'connectionReset') return resetConnection(response);
      if (plan.failAfter === 'malformedBody') return sendMalformed(response, result);
      return reply({
        status: faultStatus(plan.failAfter),
        contentType: 'text/html',
        body: '<html><body><h1>Bad Gateway</h1></body></html>',
      });
    }
    this.stats.record('woocommerce', operation, 'ok');
    const fields = url.searchParams.get('_fields');
    reply(fields ? { ...result, body: pickFields(result.body, fields.split(',')) } : result);
  }

  logUnexpected(error: unknown): void {
    this.logger.error({ err: error }, 'unexpected error in the WooCommerce simulator');
  }

  private authenticate(
    store: WooStore,
    request: IncomingMessage,
    query: URLSearchParams,
  ): WooError | undefined {
    let key: string | undefined;
    let secret: string | undefined;
    const authorization = request.headers['authorization'];
    if (authorization?.startsWith('Basic ')) {
      const decoded = Buffer.from(authorization.slice(6), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) {
        key = decoded.slice(0, colon);
        secret = decoded.slice(colon + 1);
      }
    } else if (query.get('consumer_key')) {
      key = query.get('consumer_key') ?? undefined;
      secret = query.get('consumer_secret') ?? undefined;
    }
    if (key === undefined)
      return new WooError(401, 'woocommerce_rest_cannot_view', 'Sorry, you cannot list resources.');
    if (!safeEqual(key, store.consumerKey))
      return new WooError(401, 'woocommerce_rest_authentication_error', 'Consumer key is invalid.');
    if (secret === undefined || !safeEqual(secret, store.consumerSecret)) {
      return new WooError(401, 'woocommerce_rest_authentication_error', 'Consumer secret is invalid.');
    }
    return undefined;
  }

  private routes(): void {
    const add = (method: HttpMethod, template: string, operation: string, handler: WooHandler) =>
      this.router.add(method, template, { operation, handler });

    add('GET', '/orders', 'orders.list', (r) => this.listOrders(r));
    add('GET', '/orders/{id}', 'orders.get', (r) => ({
      status: 200,
      body: orderView(r.store, this.order(r)),
    }));
    const updateOrder: WooHandler = (r) => this.updateOrder(r);
    add('PUT', '/orders/{id}', 'orders.update', updateOrder);
    add('POST', '/orders/{id}', 'orders.update', updateOrder);
    add('GET', '/orders/{id}/notes', 'orders.notes.list', (r) => {
      const order = this.order(r);
      const notes = [...order.notes].reverse().filter((n) => {
        const type = r.query.get('type') ?? 'any';
        return type === 'any' || (type === 'customer' ? n.customerNote : !n.customerNote);
      });
      return { status: 200, body: notes.map((n) => noteView(n, r.store.timezoneOffsetMinutes)) };
    });
    add('POST', '/orders/{id}/notes', 'orders.notes.create', (r) => {
      const order = this.order(r);
      const input = record(r.body);
      if (typeof input['note'] !== 'string' || input['note'].trim() === '') {
        throw new WooError(
          400,
          'woocommerce_rest_invalid_order_note',
          'Cannot create order note, please provide a note.',
        );
      }
      const note = r.store.addNote(
        order,
        input['note'],
        input['customer_note'] === true,
        input['added_by_user'] !== false,
      );
      return { status: 201, body: noteView(note, r.store.timezoneOffsetMinutes) };
    });

    add('POST', '/products/batch', 'products.batch', (r) => this.batch(r, undefined));
    add('GET', '/products', 'products.list', (r) => this.listProducts(r));
    add('GET', '/products/{id}', 'products.get', (r) => ({
      status: 200,
      body: productView(r.store, this.product(r.store, r.params['id'])),
    }));
    const updateProduct: WooHandler = (r) => {
      const product = this.product(r.store, r.params['id']);
      this.applyProductUpdate(r.store, product, record(r.body), 'api:products.update');
      return { status: 200, body: productView(r.store, product) };
    };
    add('PUT', '/products/{id}', 'products.update', updateProduct);
    add('POST', '/products/{id}', 'products.update', updateProduct);
    add('POST', '/products/{id}/variations/batch', 'variations.batch', (r) =>
      this.batch(r, this.variableProduct(r.store, r.params['id'])),
    );
    add('GET', '/products/{id}/variations', 'variations.list', (r) => {
      const parent = this.variableProduct(r.store, r.params['id']);
      const variations = parent.variationIds.map((id) => must(r.store.products.get(id), `variation ${id}`));
      return this.page(r.query, variations, (v) => productView(r.store, v));
    });
    const updateVariation: WooHandler = (r) => {
      const parent = this.variableProduct(r.store, r.params['id']);
      const variation = this.variationOf(r.store, parent, Number(r.params['variationId']));
      if (!variation) throw new WooError(404, 'woocommerce_rest_product_variation_invalid_id', 'Invalid ID.');
      this.applyProductUpdate(r.store, variation, record(r.body), 'api:variations.update');
      return { status: 200, body: productView(r.store, variation) };
    };
    add('PUT', '/products/{id}/variations/{variationId}', 'variations.update', updateVariation);
    add('POST', '/products/{id}/variations/{variationId}', 'variations.update', updateVariation);
  }

  private listOrders(r: WooRequest): HttpReply {
    const { store, query } = r;
    const gmt = query.get('dates_are_gmt') === 'true' || query.get('dates_are_gmt') === '1';
    const bound = (name: string) => {
      const value = query.get(name);
      if (value === null) return undefined;
      const ms = parseWooDate(value, gmt ? 0 : store.timezoneOffsetMinutes);
      if (ms === undefined) throw new WooError(400, 'rest_invalid_param', `Invalid parameter(s): ${name}`);
      return ms;
    };
    const after = bound('after');
    const before = bound('before');
    const modifiedAfter = bound('modified_after');
    const modifiedBefore = bound('modified_before');
    const statusFilter = (query.get('status') ?? 'any').split(',');
    for (const status of statusFilter) {
      if (status !== 'any' && !(WOO_ORDER_STATUSES as readonly string[]).includes(status)) {
        throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): status');
      }
    }
    const seconds = (ms: number) => Math.floor(ms / 1000) * 1000;
    const orders = [...store.orders.values()].filter(
      (o) =>
        (statusFilter.includes('any') ? o.status !== 'checkout-draft' : statusFilter.includes(o.status)) &&
        (after === undefined || seconds(o.createdAt) > after) &&
        (before === undefined || seconds(o.createdAt) < before) &&
        (modifiedAfter === undefined || seconds(o.modifiedAt) > modifiedAfter) &&
        (modifiedBefore === undefined || seconds(o.modifiedAt) < modifiedBefore),
    );
    const orderby = query.get('orderby') ?? 'date';
    const key = (o: WooOrder): number => {
      switch (orderby) {
        case 'modified':
          return seconds(o.modifiedAt);
        case 'id':
        case 'include':
          return o.id;
        case 'date':
          return seconds(o.createdAt);
        default:
          throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): orderby');
      }
    };
    const direction = (query.get('order') ?? 'desc') === 'asc' ? 1 : -1;
    orders.sort((a, b) => direction * (key(a) - key(b) || a.id - b.id));
    return this.page(query, orders, (o) => orderView(store, o));
  }

  private updateOrder(r: WooRequest): HttpReply {
    const { store } = r;
    const order = this.order(r);
    const input = record(r.body);
    let changed = false;
    if (input['meta_data'] !== undefined) {
      if (!Array.isArray(input['meta_data']))
        throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): meta_data');
      for (const entry of input['meta_data'] as unknown[]) {
        const meta = record(entry);
        const id = typeof meta['id'] === 'number' ? meta['id'] : undefined;
        const key = typeof meta['key'] === 'string' ? meta['key'] : undefined;
        if (id === undefined && key === undefined)
          throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): meta_data');
        store.setMeta(order, { id, key, value: meta['value'] });
        changed = true;
      }
    }
    if (typeof input['customer_note'] === 'string') {
      order.customerNote = input['customer_note'];
      changed = true;
    }
    if (input['set_paid'] === true && order.paidAt === null) {
      changed = store.changeStatus(order, 'processing') || changed;
    }
    if (input['status'] !== undefined) {
      const status = input['status'];
      if (typeof status !== 'string' || !(WOO_ORDER_STATUSES as readonly string[]).includes(status)) {
        throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): status');
      }
      changed = store.changeStatus(order, status as WooOrderStatus) || changed;
    }
    if (changed) {
      order.modifiedAt = Date.now();
      this.emitOrderWebhook(store, order, 'order.updated');
    }
    return { status: 200, body: orderView(store, order) };
  }

  private listProducts(r: WooRequest): HttpReply {
    const { store, query } = r;
    const skus = query
      .get('sku')
      ?.split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const type = query.get('type');
    const include = query.get('include')?.split(',').map(Number);
    const products = [...store.products.values()]
      .filter((p) => p.type !== 'variation')
      .filter((p) => !skus || skus.includes(p.sku))
      .filter((p) => !type || p.type === type)
      .filter((p) => !include || include.includes(p.id))
      .sort((a, b) => (query.get('order') === 'asc' ? a.id - b.id : b.id - a.id));
    return this.page(query, products, (p) => productView(store, p));
  }

  private batch(r: WooRequest, parent: WooProduct | undefined): HttpReply {
    const input = record(r.body);
    const list = (name: string): unknown[] => {
      const value = input[name];
      if (value === undefined) return [];
      if (!Array.isArray(value))
        throw new WooError(400, 'rest_invalid_param', `Invalid parameter(s): ${name}`);
      return value as unknown[];
    };
    const create = list('create');
    const update = list('update');
    const remove = list('delete');
    if (create.length + update.length + remove.length > BATCH_LIMIT) {
      throw new WooError(
        413,
        'woocommerce_rest_request_entity_too_large',
        `Unable to accept more than ${BATCH_LIMIT} items for this request.`,
      );
    }
    const source = parent ? 'api:variations.batch' : 'api:products.batch';
    const unsupported = (item: unknown) => ({
      id: typeof item === 'number' ? item : (record(item)['id'] ?? 0),
      error: {
        code: 'woocommerce_rest_simulator_unsupported',
        message: 'The simulator only supports batch updates.',
        data: { status: 400 },
      },
    });
    const updated = update.map((entry) => {
      const item = record(entry);
      const id = typeof item['id'] === 'number' ? item['id'] : Number(item['id']);
      const product = Number.isInteger(id) ? r.store.products.get(id) : undefined;
      const valid = parent
        ? product?.type === 'variation' && product.parentId === parent.id
        : product !== undefined && product.type !== 'variation';
      if (!product || !valid) {
        const code = parent
          ? 'woocommerce_rest_product_variation_invalid_id'
          : 'woocommerce_rest_product_invalid_id';
        return {
          id: Number.isFinite(id) ? id : 0,
          error: { code, message: 'Invalid ID.', data: { status: 400 } },
        };
      }
      try {
        this.applyProductUpdate(r.store, product, item, source);
      } catch (error) {
        if (error instanceof WooError)
          return { id, error: { code: error.code, message: error.message, data: { status: error.status } } };
        throw error;
      }
      return productView(r.store, product);
    });
    const body: Record<string, unknown> = { update: updated };
    if (create.length > 0) body['create'] = create.map(unsupported);
    if (remove.length > 0) body['delete'] = remove.map(unsupported);
    return { status: 200, body };
  }

  private applyProductUpdate(
    store: WooStore,
    product: WooProduct,
    input: Record<string, unknown>,
    source: string,
  ): void {
    if (
      product.type === 'variable' &&
      input['stock_quantity'] !== undefined &&
      input['manage_stock'] !== true
    ) {
      // A variable product's own stock is only used when it manages stock at the parent level.
      if (!product.manageStock)
        throw new WooError(
          400,
          'woocommerce_rest_invalid_stock',
          'Stock is managed per variation for this product.',
        );
    }
    let quantity: number | null = null;
    if (input['stock_quantity'] !== undefined && input['stock_quantity'] !== null) {
      const raw = input['stock_quantity'];
      const parsed =
        typeof raw === 'number' ? raw : typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : NaN;
      if (!Number.isInteger(parsed))
        throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): stock_quantity');
      quantity = parsed;
    }
    const manageStock = typeof input['manage_stock'] === 'boolean' ? input['manage_stock'] : undefined;
    store.setStock(product, quantity, manageStock, source);
  }

  private page<T>(query: URLSearchParams, items: T[], view: (item: T) => unknown): HttpReply {
    const perPage = Number(query.get('per_page') ?? 10);
    const page = Number(query.get('page') ?? 1);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > MAX_PER_PAGE) {
      throw new WooError(
        400,
        'rest_invalid_param',
        `Invalid parameter(s): per_page (per_page must be between 1 (inclusive) and ${MAX_PER_PAGE} (inclusive))`,
      );
    }
    if (!Number.isInteger(page) || page < 1)
      throw new WooError(400, 'rest_invalid_param', 'Invalid parameter(s): page');
    const totalPages = Math.ceil(items.length / perPage);
    if (page > Math.max(1, totalPages)) {
      throw new WooError(
        400,
        'rest_post_invalid_page_number',
        'The page number requested is larger than the number of pages available.',
      );
    }
    return {
      status: 200,
      headers: { 'x-wp-total': String(items.length), 'x-wp-totalpages': String(totalPages) },
      body: items.slice((page - 1) * perPage, page * perPage).map(view),
    };
  }

  private order(r: WooRequest): WooOrder {
    const order = r.store.orders.get(Number(r.params['id']));
    if (!order) throw new WooError(404, 'woocommerce_rest_shop_order_invalid_id', 'Invalid ID.');
    return order;
  }

  private product(store: WooStore, id: string): WooProduct {
    const product = store.products.get(Number(id));
    if (!product || product.type === 'variation')
      throw new WooError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
    return product;
  }

  private variableProduct(store: WooStore, id: string): WooProduct {
    const product = this.product(store, id);
    if (product.type !== 'variable')
      throw new WooError(404, 'woocommerce_rest_product_invalid_id', 'Invalid ID.');
    return product;
  }

  private variationOf(store: WooStore, parent: WooProduct, id: number): WooProduct | undefined {
    const variation = store.products.get(id);
    return variation?.type === 'variation' && variation.parentId === parent.id ? variation : undefined;
  }
}

/** WordPress's `rest_parse_date`: an offset or `Z` wins; without one, the given offset applies. */
function parseWooDate(value: string, offsetMinutes: number): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/.test(value)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(value);
  const ms = Date.parse(hasZone ? value : `${value}Z`);
  if (!Number.isFinite(ms)) return undefined;
  return hasZone ? ms : ms - offsetMinutes * 60_000;
}

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function pickFields(body: unknown, fields: string[]): unknown {
  const pick = (item: unknown) => {
    const source = record(item);
    return Object.fromEntries(fields.filter((f) => f in source).map((f) => [f, source[f]]));
  };
  return Array.isArray(body) ? body.map(pick) : pick(body);
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
