import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Logger } from 'pino';
import {
  ACCESS_TOKEN_EXPIRED_DETAILS,
  amazonError,
  internalFailure,
  invalidInput,
  quotaExceeded,
  serviceUnavailable,
  unauthorized,
} from '../http/amazon-errors';
import { PayloadTooLargeError, readBody, send, sendMalformed, type HttpReply } from '../http/http-exchange';
import { Router } from '../http/router';
import { corruptOrders } from '../faults/fault-injector';
import type { OperationName } from '../models/operation-catalog';
import { matchSandboxCase } from '../models/sandbox-cases';
import type { SimulatedAmazon } from '../state/simulated-amazon';
import { downloadDocument, uploadDocument } from './document-transfer.routes';
import { feedsHandlers } from './feeds.routes';
import { listingsItemsHandlers } from './listings-items.routes';
import type { OperationHandlers } from './operation-context';
import { ordersV0Handlers } from './orders-v0.routes';
import { ordersV2026Handlers } from './orders-v2026.routes';

const HANDLERS: OperationHandlers = {
  ...ordersV2026Handlers,
  ...ordersV0Handlers,
  ...listingsItemsHandlers,
  ...feedsHandlers,
};

type SpApiRoute =
  | { kind: 'operation'; operation: OperationName }
  | { kind: 'token' }
  | { kind: 'upload' }
  | { kind: 'download' };

const JSON_BODY_LIMIT = 10 * 1024 * 1024;
const DOCUMENT_BODY_LIMIT = 200 * 1024 * 1024;

/**
 * The HTTPS side: LWA token exchange, the SP-API operations (routes taken from the models' paths)
 * and the document URLs. Each SP-API call goes: authenticate, usage plan, faults, request
 * validation, handler, response validation.
 */
export class SpApiServer {
  private readonly router = new Router<SpApiRoute>();

  constructor(
    private readonly world: SimulatedAmazon,
    private readonly logger: Logger,
  ) {
    this.router.add('POST', '/auth/o2/token', { kind: 'token' });
    this.router.add('PUT', '/_upload/{feedDocumentId}', { kind: 'upload' });
    this.router.add('GET', '/_download/{feedDocumentId}', { kind: 'download' });
    for (const spec of world.models.operations()) {
      this.router.add(spec.method, spec.pathTemplate, { kind: 'operation', operation: spec.name });
    }
  }

  readonly handle = (request: IncomingMessage, response: ServerResponse): void => {
    this.serve(request, response).catch((error: unknown) => {
      this.logger.error({ err: error }, 'unhandled error serving an SP-API request');
      if (!response.headersSent) send(response, internalFailure());
      else response.destroy();
    });
  };

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    this.world.advance();
    const url = new URL(request.url ?? '/', 'https://simulator.invalid');
    const match = this.router.match(request.method ?? 'GET', url.pathname);
    const requestId = randomUUID();
    const reply = (r: HttpReply) =>
      send(response, { ...r, headers: { 'x-amzn-RequestId': requestId, ...r.headers } });
    if (!match) return reply(amazonError(404, 'NotFound', 'Resource not found.', ''));
    if ('methodNotAllowed' in match)
      return reply(amazonError(405, 'MethodNotAllowed', 'Method not allowed.', ''));

    const route = match.route;
    let body: Buffer;
    try {
      body = await readBody(request, route.kind === 'upload' ? DOCUMENT_BODY_LIMIT : JSON_BODY_LIMIT);
    } catch (error) {
      if (error instanceof PayloadTooLargeError)
        return reply(amazonError(413, 'RequestEntityTooLarge', error.message, ''));
      throw error;
    }
    switch (route.kind) {
      case 'token': {
        this.world.stats.counters('requestAccessToken').calls += 1;
        const exchanged = this.world.lwa.exchange(formOrJson(request, body));
        this.world.stats.recordOutcome('requestAccessToken', exchanged.status);
        return reply(exchanged);
      }
      case 'upload':
        return reply(
          uploadDocument(this.world, match.params['feedDocumentId'], url.searchParams, request, body),
        );
      case 'download':
        return reply(downloadDocument(this.world, match.params['feedDocumentId'], url.searchParams));
      case 'operation':
        return this.serveOperation(
          route.operation,
          match.params,
          url.searchParams,
          body,
          request,
          response,
          requestId,
        );
    }
  }

  private async serveOperation(
    operation: OperationName,
    pathParams: Record<string, string>,
    query: URLSearchParams,
    rawBody: Buffer,
    request: IncomingMessage,
    response: ServerResponse,
    requestId: string,
  ): Promise<void> {
    const { world } = this;
    const counters = world.stats.counters(operation);
    counters.calls += 1;
    const finish = (reply: HttpReply, headers: Record<string, string> = {}) => {
      world.stats.recordOutcome(operation, reply.status);
      send(response, { ...reply, headers: { 'x-amzn-RequestId': requestId, ...headers, ...reply.headers } });
    };

    const auth = world.lwa.authenticate(headerValue(request, 'x-amz-access-token'));
    if (!auth.ok) return finish(unauthorized(auth.reason === 'expired' ? ACCESS_TOKEN_EXPIRED_DETAILS : ''));

    let parsedBody: unknown;
    if (rawBody.length > 0 && request.method !== 'GET') {
      try {
        parsedBody = JSON.parse(rawBody.toString('utf8'));
      } catch {
        return finish(invalidInput('The request body is not valid JSON.'));
      }
    }
    const input = { path: pathParams, query, body: parsedBody };

    // Requests sent to the sandbox host get Amazon's static sandbox answers, untouched by state.
    if ((headerValue(request, 'host') ?? '').startsWith('sandbox.')) {
      const spec = world.models.operation(operation);
      const sandboxCase = matchSandboxCase(spec, world.models.sandboxCases(operation), input);
      if (!sandboxCase) {
        return finish(
          amazonError(500, 'InternalFailure', 'Could not match input arguments with any sandbox case.', ''),
        );
      }
      return finish({
        status: sandboxCase.status,
        body: sandboxCase.status === 204 ? undefined : sandboxCase.response,
      });
    }

    const admission = world.limiter.admit(auth.sellerId, operation);
    if (!admission.admitted) return finish(quotaExceeded());
    const rateHeaders = { 'x-amzn-RateLimit-Limit': String(admission.plan.rate) };

    const faults = world.faults.plan(operation, auth.sellerId);
    counters.faultsInjected += faults.applied.length;
    if (faults.latencyMs > 0) await sleep(world.scaled(faults.latencyMs));
    if (faults.failBefore === 'connectionReset') {
      world.stats.recordOutcome(operation, 0);
      return resetConnection(request);
    }
    if (faults.failBefore === 'http500') return finish(internalFailure());
    if (faults.failBefore === 'http503') return finish(serviceUnavailable());

    const { parameters, problems } = world.models.validateRequest(operation, input);
    if (problems.length > 0)
      return finish(
        invalidInput(
          `Invalid request: ${problems.join('; ')}`,
          operation.endsWith('ListingsItem') ? 'BAD_REQUEST' : 'InvalidInput',
        ),
        rateHeaders,
      );

    world.advance();
    let reply = HANDLERS[operation]({
      world,
      sellerId: auth.sellerId,
      parameters,
      now: world.now(),
      dropSilently: faults.silentDrop,
      fatalFeed: faults.fatalFeed,
    });

    if (world.config.responseValidation !== 'off') {
      const violations = world.models.validateResponse(
        operation,
        reply.status,
        reply.status === 204 ? undefined : reply.body,
      );
      if (violations.length > 0) {
        world.stats.recordViolation(operation, reply.status, violations);
        this.logger.warn(
          { operation, status: reply.status, violations },
          'response does not match the SP-API model',
        );
        if (world.config.responseValidation === 'enforce') reply = internalFailure(violations.join('; '));
      }
    }

    // After validation: a spoilt order is Amazon's mistake for the client to survive, not ours.
    if (faults.corruptOrders.length > 0 && reply.status === 200) {
      reply = { ...reply, body: corruptOrders(reply.body, faults.corruptOrders) };
    }
    if (faults.breakAfter === 'connectionReset') {
      world.stats.recordOutcome(operation, 0);
      return resetConnection(request);
    }
    if (faults.breakAfter === 'malformedBody') {
      world.stats.recordOutcome(operation, reply.status);
      return sendMalformed(response, {
        ...reply,
        headers: { 'x-amzn-RequestId': requestId, ...rateHeaders },
      });
    }
    finish(reply, reply.status >= 500 ? {} : rateHeaders);
  }
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function formOrJson(request: IncomingMessage, body: Buffer): Record<string, string> {
  const text = body.toString('utf8');
  const fields: Record<string, string> = {};
  if ((headerValue(request, 'content-type') ?? '').includes('json')) {
    try {
      const parsed: unknown = JSON.parse(text);
      if (typeof parsed === 'object' && parsed !== null) {
        for (const [key, value] of Object.entries(parsed)) if (typeof value === 'string') fields[key] = value;
      }
    } catch {
      return fields;
    }
    return fields;
  }
  for (const [key, value] of new URLSearchParams(text)) fields[key] = value;
  return fields;
}

/**
 * Drops the connection without an answer, as a load balancer cutting a call. A TLS socket cannot
 * send a TCP RST itself (resetAndDestroy needs the raw TCP handle), so the connection is closed
 * mid-exchange; Node clients report both as ECONNRESET.
 */
function resetConnection(request: IncomingMessage): void {
  request.socket.destroy();
}
