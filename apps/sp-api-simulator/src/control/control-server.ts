import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { PayloadTooLargeError, readBody, send, type HttpReply } from '../http/http-exchange';
import { Router } from '../http/router';
import type { HttpMethod } from '../models/swagger-document';
import type { OperationName } from '../models/operation-catalog';
import type { FaultRuleInput } from '../faults/fault-injector';
import { feedStatus } from '../feeds/feed-book';
import { ControlProblem, type SimulatedAmazon } from '../state/simulated-amazon';
import {
  bulkListingsInput,
  carriersInput,
  createOrderInput,
  faultInput,
  generateOrdersInput,
  orderStatusInput,
  resetInput,
  seedListingInput,
  sellerInput,
  usagePlanInput,
} from './control-schemas';
import { listingControlView, listingHistoryView, orderControlView, shipmentView } from './control-views';

interface ControlRequest {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
}

type ControlHandler = (request: ControlRequest) => HttpReply;

const BODY_LIMIT = 50 * 1024 * 1024;

/**
 * The control API (plain HTTP on its own port): seeds and moves state, injects faults, overrides
 * usage plans, reads what Amazon received. For the demo, the tests and the benchmarks; documented in
 * openapi/control-api.openapi.json.
 */
export class ControlServer {
  readonly router = new Router<ControlHandler>();

  constructor(
    private readonly world: SimulatedAmazon,
    private readonly logger: Logger,
    private readonly documents: { openApi: () => unknown; caCertificate: string },
  ) {
    const add = (method: HttpMethod, template: string, handler: ControlHandler) =>
      this.router.add(method, template, handler);
    const w = world;

    add('GET', '/_sim/health', () => ok({ status: 'ok', spApiUrl: w.publicUrl }));
    add('GET', '/_sim/openapi.json', () => ok(documents.openApi()));
    add('GET', '/_sim/ca.pem', () => ({
      status: 200,
      raw: Buffer.from(documents.caCertificate),
      headers: { 'content-type': 'application/x-pem-file' },
    }));

    add('POST', '/_sim/orders/generate', (r) => {
      const orders = w.generateOrders(parse(generateOrdersInput, r.body));
      return { status: 201, body: { orderIds: orders.map((o) => o.orderId) } };
    });
    add('POST', '/_sim/orders', (r) => {
      const order = w.createOrder(parse(createOrderInput, r.body));
      return { status: 201, body: { orderId: order.orderId, order: orderControlView(order) } };
    });
    add('GET', '/_sim/orders', (r) => {
      const sellerId = r.query.get('sellerId');
      const status = r.query.get('status');
      const orders = w.orders
        .all()
        .filter((o) => (!sellerId || o.sellerId === sellerId) && (!status || o.status === status))
        .sort((a, b) => a.createdTime - b.createdTime || a.orderId.localeCompare(b.orderId));
      return ok({ orders: orders.map(orderControlView) });
    });
    add('GET', '/_sim/orders/{orderId}', (r) => ok(orderControlView(requireOrder(w, r.params['orderId']))));
    add('POST', '/_sim/orders/{orderId}/status', (r) => {
      const { status } = parse(orderStatusInput, r.body);
      return ok(orderControlView(w.changeOrderStatus(r.params['orderId'], status)));
    });
    add('GET', '/_sim/shipments', (r) => {
      const orderId = r.query.get('orderId') ?? undefined;
      return ok({ shipments: w.orders.shipments(orderId).map(shipmentView) });
    });

    add('GET', '/_sim/listings', (r) => {
      const sellerId = r.query.get('sellerId') ?? undefined;
      return ok({
        listings: w.listings.list(sellerId).map((l) => ({
          sellerId: l.sellerId,
          sku: l.sku,
          productType: l.productType,
          fulfillmentChannelCode: l.fulfillmentChannelCode,
          quantity: listingControlView(l, 0)['quantity'],
          updatedAt: new Date(l.updatedAt).toISOString(),
          changes: l.history.length,
        })),
      });
    });
    add('POST', '/_sim/listings', (r) => {
      const { listings } = parse(bulkListingsInput, r.body);
      for (const listing of listings) w.seedListing(listing.sku, listing);
      return { status: 201, body: { seeded: listings.length } };
    });
    add('PUT', '/_sim/listings/{sku}', (r) => {
      const input = parse(seedListingInput, r.body);
      const listing = w.seedListing(r.params['sku'], input);
      return ok(listingControlView(listing, 0));
    });
    /** The listing a `/_sim/listings/{sku}` route names, for `?sellerId=` or the default seller. */
    const listingOf = (r: ControlRequest) => {
      const sellerId = r.query.get('sellerId') ?? w.config.defaultSellerId;
      const listing = w.listings.get(sellerId, r.params['sku']);
      if (!listing)
        throw new ControlProblem(
          404,
          'Listing not found',
          `no listing ${r.params['sku']} for seller ${sellerId}`,
        );
      return { sellerId, listing };
    };
    add('GET', '/_sim/listings/{sku}', (r) => {
      const { sellerId, listing } = listingOf(r);
      return ok(listingControlView(listing, w.pendingListingChanges(sellerId, listing.sku)));
    });
    // Every change that reached the listing, in the order applied: what Amazon showed, and when.
    add('GET', '/_sim/listings/{sku}/history', (r) => ok(listingHistoryView(listingOf(r).listing)));

    add('GET', '/_sim/feeds/{feedId}', (r) => {
      const feed = w.feeds.get(r.params['feedId']);
      if (!feed) throw new ControlProblem(404, 'Feed not found', `no feed ${r.params['feedId']}`);
      return ok({ ...feed, processingStatus: feedStatus(feed, w.now()) });
    });

    add('GET', '/_sim/stats', () => ok({ ...w.stats.snapshot(), pendingWork: w.dueWork.pending() }));

    add('GET', '/_sim/faults', () => ok({ faults: w.faults.list() }));
    add('POST', '/_sim/faults', (r) => {
      const input = parse(faultInput, r.body);
      const id = w.addFault({
        ...input,
        operation: input.operation as OperationName | '*',
      } satisfies FaultRuleInput);
      return { status: 201, body: { faultId: id } };
    });
    add('DELETE', '/_sim/faults', () => {
      w.faults.clear();
      return { status: 204 };
    });
    add('DELETE', '/_sim/faults/{faultId}', (r) => {
      if (!w.faults.remove(r.params['faultId'])) throw new ControlProblem(404, 'Fault not found');
      return { status: 204 };
    });

    add('GET', '/_sim/usage-plans', () => ok({ usagePlans: w.limiter.plans() }));
    add('POST', '/_sim/usage-plans', (r) => {
      const plan = parse(usagePlanInput, r.body);
      w.limiter.override(
        plan.operation as OperationName,
        { rate: plan.rate, burst: plan.burst },
        plan.sellerId,
      );
      return ok({ usagePlans: w.limiter.plans() });
    });

    add('GET', '/_sim/sellers', () =>
      ok({ defaultSellerId: w.config.defaultSellerId, sellers: w.lwa.sellers() }),
    );
    add('POST', '/_sim/sellers', (r) => {
      const seller = parse(sellerInput, r.body);
      w.lwa.registerRefreshToken(seller.refreshToken, seller.sellerId);
      return { status: 201, body: seller };
    });
    add('POST', '/_sim/access-tokens/expire', () => ok({ expired: w.lwa.expireAccessTokens() }));

    add('GET', '/_sim/carriers', () => ok(w.carriers.current()));
    add('PUT', '/_sim/carriers', (r) => {
      w.carriers.update(parse(carriersInput, r.body));
      return ok(w.carriers.current());
    });

    add('POST', '/_sim/reset', (r) => {
      const { reloadScenario } = parse(resetInput, r.body ?? {});
      w.reset(reloadScenario);
      return { status: 204 };
    });
  }

  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    this.serve(request, response).catch((error: unknown) => {
      this.logger.error({ err: error }, 'unhandled error serving a control request');
      if (!response.headersSent)
        send(response, problem(500, 'Internal error', (error as Error).message), 'application/problem+json');
    });
  };

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.world.advance();
    const url = new URL(request.url ?? '/', 'http://control.invalid');
    const match = this.router.match(request.method ?? 'GET', url.pathname);
    const reply = (r: HttpReply) =>
      send(response, r, r.status >= 400 ? 'application/problem+json' : 'application/json');
    if (!match) return reply(problem(404, 'Not found', `no control route ${url.pathname}`));
    if ('methodNotAllowed' in match) return reply(problem(405, 'Method not allowed'));
    let body: unknown;
    try {
      const raw = await readBody(request, BODY_LIMIT);
      if (raw.length > 0) body = JSON.parse(raw.toString('utf8'));
    } catch (error) {
      if (error instanceof PayloadTooLargeError)
        return reply(problem(413, 'Payload too large', error.message));
      return reply(problem(400, 'Invalid JSON', 'the request body is not valid JSON'));
    }
    try {
      reply(match.route({ params: match.params, query: url.searchParams, body }));
    } catch (error) {
      if (error instanceof ControlProblem) return reply(problem(error.status, error.title, error.detail));
      throw error;
    }
  }
}

function ok(body: unknown): HttpReply {
  return { status: 200, body };
}

function problem(status: number, title: string, detail?: string): HttpReply {
  return { status, body: { type: 'about:blank', title, status, ...(detail ? { detail } : {}) } };
}

function parse<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const detail = result.error.issues
      .map((issue) => `${issue.path.join('.') || '(body)'}: ${issue.message}`)
      .join('; ');
    throw new ControlProblem(400, 'Invalid request body', detail);
  }
  return result.data;
}

function requireOrder(world: SimulatedAmazon, orderId: string) {
  const order = world.orders.get(orderId);
  if (!order) throw new ControlProblem(404, 'Order not found', `no order ${orderId}`);
  return order;
}
