import { createHmac } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import {
  execute,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Kind,
  OperationTypeNode,
  parse,
  validate,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFormattedError,
} from 'graphql';
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
import { SeededRandom } from '../support/seeded-random';
import { utcIso } from '../support/shop-time';
import type { WebhookDelivery, WebhookDispatcher } from '../webhooks/webhook-dispatcher';
import { rootResolvers, type AdminRequestContext } from './shopify-admin-resolvers';
import { shopifyAdminSchema } from './shopify-admin-schema';
import { actualCost, requestedCost } from './shopify-query-cost';
import {
  ORDER_TOPICS,
  ShopifyShop,
  type ShopifyOrder,
  type ShopifyOrderTopic,
  type ShopRegistration,
} from './shopify-shop';
import { orderWebhookPayload } from './shopify-webhook-payloads';
import { must } from '../support/must';

const ADMIN_PATH = /^\/admin\/api\/(\d{4}-\d{2}|unstable)\/graphql\.json$/;
const SINGLE_QUERY_MAX_COST = 1000;
const BODY_LIMIT = 2 * 1024 * 1024;

export interface EmitOptions {
  /** Record the delivery but do not send it: a webhook lost on its way. */
  suppress?: boolean;
  /** Sign with a wrong secret, to see the receiver refuse it. */
  signature?: 'valid' | 'invalid';
}

/**
 * Every simulated Shopify store, the GraphQL Admin API in front of them (auth by access token,
 * cost-based throttling, faults) and the `orders/*` webhooks they send, signed with each shop's
 * webhook secret exactly as Shopify signs them.
 */
export class SimulatedShopify {
  readonly shops = new Map<string, ShopifyShop>();
  private webhookIds: SeededRandom;
  private nextShopIndex = 0;
  private nextEventId = 1;

  constructor(
    private readonly config: ShopSimulatorConfig,
    private readonly dispatcher: WebhookDispatcher,
    private readonly faults: FaultInjector,
    private readonly stats: CallStatistics,
    private readonly logger: Logger,
  ) {
    this.webhookIds = SeededRandom.derive(config.seed, 'shopify-webhooks');
  }

  register(
    input: Omit<ShopRegistration, 'bucketSize' | 'restoreRate'> &
      Partial<Pick<ShopRegistration, 'bucketSize' | 'restoreRate'>>,
  ): ShopifyShop {
    const domain = input.domain.toLowerCase();
    if (this.shops.has(domain)) throw new ControlProblem(409, 'Shop exists', `shop ${domain} is registered`);
    if ([...this.shops.values()].some((s) => s.accessToken === input.accessToken)) {
      throw new ControlProblem(409, 'Token in use', 'another shop uses this access token');
    }
    const registration: ShopRegistration = {
      ...input,
      domain,
      bucketSize: input.bucketSize ?? this.config.shopify.bucketSize,
      restoreRate: input.restoreRate ?? this.config.shopify.restoreRate,
    };
    // Ids in separate ranges per shop, like Shopify's global ids, and the same for the same seed.
    const idBase =
      5_900_000_000_000 +
      (this.nextShopIndex++ + 1) * 100_000_000 +
      (Math.abs(this.config.seed) % 1000) * 100_000;
    const shop = new ShopifyShop(domain, input.accessToken, input.webhookSecret, registration, idBase);
    this.shops.set(domain, shop);
    return shop;
  }

  requireShop(domain: string): ShopifyShop {
    const shop = this.shops.get(domain.toLowerCase());
    if (!shop) throw new ControlProblem(404, 'Shop not found', `no shop ${domain}`);
    return shop;
  }

  reset(): void {
    this.shops.clear();
    this.nextShopIndex = 0;
    this.nextEventId = 1;
    this.webhookIds = SeededRandom.derive(this.config.seed, 'shopify-webhooks');
  }

  /** Sends the order's webhooks for the topics it is subscribed to, in the order given. */
  emitOrderWebhooks(
    shop: ShopifyShop,
    order: ShopifyOrder,
    topics: Iterable<ShopifyOrderTopic>,
    options: EmitOptions = {},
  ): WebhookDelivery[] {
    const deliveries: WebhookDelivery[] = [];
    const wanted = new Set(topics);
    // Shopify sends the specific topic before the generic orders/updated.
    const ordered = ORDER_TOPICS.filter((t) => wanted.has(t) && t !== 'orders/updated');
    if (wanted.has('orders/updated')) ordered.push('orders/updated');
    for (const topic of ordered) {
      if (!shop.webhooks.topics.includes(topic)) continue;
      deliveries.push(this.emit(shop, topic, orderWebhookPayload(shop, order), options));
    }
    return deliveries;
  }

  private emit(shop: ShopifyShop, topic: string, payload: unknown, options: EmitOptions): WebhookDelivery {
    const body = JSON.stringify(payload);
    const secret = options.signature === 'invalid' ? `${shop.webhookSecret}-wrong` : shop.webhookSecret;
    const webhookId = this.webhookIds.uuid();
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'user-agent': 'Shopify-Captain-Hook',
      'x-shopify-topic': topic,
      'x-shopify-hmac-sha256': createHmac('sha256', secret).update(body, 'utf8').digest('base64'),
      'x-shopify-shop-domain': shop.domain,
      'x-shopify-api-version': '2026-07',
      'x-shopify-webhook-id': webhookId,
      'x-shopify-event-id': String(this.nextEventId++),
      'x-shopify-triggered-at': new Date().toISOString(),
    };
    return this.dispatcher.dispatch({
      deliveryId: webhookId,
      platform: 'shopify',
      account: shop.domain,
      topic,
      url: shop.webhooks.url,
      headers,
      body,
      retryDelaysMs: this.config.shopify.webhookRetryDelaysMs,
      suppress: options.suppress ? 'suppressed through the control API (a lost webhook)' : undefined,
    });
  }

  // ── GraphQL Admin API ────────────────────────────────────────────────────────────────────────

  matches(pathname: string): boolean {
    return pathname.startsWith('/admin/api/');
  }

  async handle(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const match = ADMIN_PATH.exec(url.pathname);
    if (!match) return send(response, { status: 404, body: { errors: 'Not Found' } });
    if (request.method !== 'POST')
      return send(response, { status: 405, body: { errors: 'Method Not Allowed' } });
    const apiVersion = match[1];
    const headers = { 'x-shopify-api-version': apiVersion, 'x-request-id': this.webhookIds.uuid() };

    const token = header(request, 'x-shopify-access-token');
    const shop = token ? [...this.shops.values()].find((s) => s.accessToken === token) : undefined;
    const forwardedHost = header(request, 'x-forwarded-host');
    if (!shop || (forwardedHost !== undefined && forwardedHost.toLowerCase() !== shop.domain)) {
      this.stats.record('shopify', 'graphql', 'unauthorized');
      return send(response, {
        status: 401,
        headers,
        body: { errors: '[API] Invalid API key or access token (unrecognized login or wrong password)' },
      });
    }

    let body: { query?: unknown; variables?: unknown; operationName?: unknown };
    try {
      body = JSON.parse((await readBody(request, BODY_LIMIT)).toString('utf8')) as typeof body;
    } catch (error) {
      if (error instanceof PayloadTooLargeError)
        return send(response, { status: 413, headers, body: { errors: 'Request body too large' } });
      return send(response, {
        status: 400,
        headers,
        body: { errors: { query: 'Required parameter missing or invalid' } },
      });
    }
    if (typeof body.query !== 'string' || body.query.trim() === '') {
      return send(response, {
        status: 400,
        headers,
        body: { errors: { query: 'Required parameter missing or invalid' } },
      });
    }

    let document: DocumentNode;
    try {
      document = parse(body.query);
    } catch (error) {
      return send(response, { status: 200, headers, body: { errors: [formatError(error)] } });
    }
    const schema = shopifyAdminSchema();
    const validationErrors = validate(schema, document);
    if (validationErrors.length > 0) {
      return send(response, { status: 200, headers, body: { errors: validationErrors.map(formatError) } });
    }
    const operationName = typeof body.operationName === 'string' ? body.operationName : undefined;
    const operation = getOperationAST(document, operationName);
    if (!operation || operation.operation === OperationTypeNode.SUBSCRIPTION) {
      return send(response, { status: 200, headers, body: { errors: [{ message: 'No operation to run' }] } });
    }
    const rawVariables =
      typeof body.variables === 'object' && body.variables !== null
        ? (body.variables as Record<string, unknown>)
        : {};
    const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], rawVariables);
    if ('errors' in coerced && coerced.errors) {
      return send(response, { status: 200, headers, body: { errors: coerced.errors.map(formatError) } });
    }
    const variables = coerced.coerced ?? {};
    const isMutation = operation.operation === OperationTypeNode.MUTATION;
    const rootType = must(isMutation ? schema.getMutationType() : schema.getQueryType(), 'root type');
    const rootFields = operation.selectionSet.selections.flatMap((s) =>
      s.kind === Kind.FIELD ? [s.name.value] : [],
    );
    const operationLabel = rootFields.join(',') || 'graphql';

    const plan = this.faults.plan('shopify', rootFields, shop.domain);
    if (plan.latencyMs > 0) await sleep(plan.latencyMs);
    if (plan.failBefore) {
      this.stats.record('shopify', operationLabel, 'fault');
      if (plan.failBefore === 'connectionReset') return resetConnection(response);
      return send(response, {
        status: faultStatus(plan.failBefore),
        headers,
        body: { errors: 'Internal Server Error' },
      });
    }

    const fragments: Record<string, FragmentDefinitionNode> = {};
    for (const definition of document.definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments[definition.name.value] = definition;
    }
    const costContext = { fragments, variables };
    const requested = requestedCost(operation.selectionSet, rootType, isMutation, costContext);
    if (requested > SINGLE_QUERY_MAX_COST) {
      this.stats.record('shopify', operationLabel, 'rejected');
      return send(response, {
        status: 200,
        headers,
        body: {
          errors: [
            {
              message: `Query cost is ${requested}, which exceeds the single query max cost limit (${SINGLE_QUERY_MAX_COST}).\n\nSee https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\ncost of a query is calculated.\n\nTo query larger amounts of data with fewer limits, bulk operations should be used instead.\nSee https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage details.\n`,
              extensions: { code: 'MAX_COST_EXCEEDED', cost: requested, maxCost: SINGLE_QUERY_MAX_COST },
            },
          ],
        },
      });
    }
    if (!shop.bucket.take(requested)) {
      this.stats.record('shopify', operationLabel, 'throttled');
      return send(response, {
        status: 200,
        headers,
        body: {
          errors: [
            {
              message: 'Throttled',
              extensions: { code: 'THROTTLED', documentation: 'https://shopify.dev/api/usage/rate-limits' },
            },
          ],
          extensions: {
            cost: {
              requestedQueryCost: requested,
              actualQueryCost: null,
              throttleStatus: shop.bucket.status(),
            },
          },
        },
      });
    }

    const context: AdminRequestContext = { shop, apiVersion, changedOrders: new Map() };
    const result = await execute({
      schema,
      document,
      rootValue: rootResolvers,
      contextValue: context,
      variableValues: rawVariables,
      operationName,
    });
    const actual = actualCost(operation.selectionSet, rootType, isMutation, result.data, costContext);
    shop.bucket.refund(requested - actual);
    for (const [orderId, topics] of context.changedOrders)
      this.emitOrderWebhooks(shop, shop.requireOrder(orderId), topics);

    const reply: HttpReply = {
      status: 200,
      headers,
      body: {
        ...(result.errors ? { errors: result.errors.map(formatError) } : {}),
        data: result.data ?? null,
        extensions: {
          cost: {
            requestedQueryCost: requested,
            actualQueryCost: actual,
            throttleStatus: shop.bucket.status(),
          },
        },
      },
    };
    if (plan.failAfter) {
      // The change happened; the client sees only a failure and must find out for itself.
      this.stats.record('shopify', operationLabel, 'fault');
      if (plan.failAfter === 'connectionReset') return resetConnection(response);
      if (plan.failAfter === 'malformedBody') return sendMalformed(response, reply);
      return send(response, {
        status: faultStatus(plan.failAfter),
        headers,
        body: { errors: 'Internal Server Error' },
      });
    }
    this.stats.record('shopify', operationLabel, result.errors ? 'rejected' : 'ok');
    send(response, reply);
  }

  /** The shop's view for the control API. */
  shopView(shop: ShopifyShop): Record<string, unknown> {
    return {
      domain: shop.domain,
      webhooks: shop.webhooks,
      locations: shop.locations.map((l) => ({
        id: l.id,
        gid: `gid://shopify/Location/${l.id}`,
        name: l.name,
        active: l.active,
      })),
      throttleStatus: shop.bucket.status(),
      products: shop.variants.size,
      orders: shop.orders.size,
      now: utcIso(Date.now()),
    };
  }

  logUnexpected(error: unknown): void {
    this.logger.error({ err: error }, 'unexpected error in the Shopify simulator');
  }
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function formatError(error: unknown): GraphQLFormattedError {
  if (error instanceof GraphQLError) return error.toJSON();
  return { message: error instanceof Error ? error.message : String(error) };
}
