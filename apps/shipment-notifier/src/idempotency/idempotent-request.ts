import { createHash } from 'node:crypto';
import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../config/notifier.config';
import { IdempotencyKeyInvalidError, IdempotencyKeyRequiredError, IdempotencyKeyReusedError } from './idempotency.errors';

const S = `"${NOTIFIER_SCHEMA}"`;

/** What a client sent with a request that must not be applied twice. */
export interface IdempotencyContext {
  /** The API key's name: keys are scoped per caller. */
  principal: string;
  key: string;
  /** Method and route template, e.g. `POST /v1/shipments`. */
  operation: string;
  /** The request body as received (before DTO transformation). */
  body: unknown;
}

export interface StoredResponse<T> {
  status: number;
  body: T;
  replayed: boolean;
}

/** The header value, validated; throws unless present when `required`. */
export function idempotencyKeyFrom(header: string | string[] | undefined, required: boolean): string | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || value === '') {
    if (required) throw new IdempotencyKeyRequiredError();
    return undefined;
  }
  if (!/^[\x21-\x7e]{1,200}$/.test(value)) throw new IdempotencyKeyInvalidError();
  return value;
}

/** JSON with object keys sorted, so the same request hashes the same however it was serialized. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

export function requestHash(operation: string, body: unknown): string {
  return createHash('sha256').update(`${operation}\n${canonicalJson(body)}`).digest('hex');
}

/**
 * Idempotency keys (the `Idempotency-Key` header): the first request with a key runs and its
 * successful response is stored, in the same transaction as its effects, with a hash of the
 * request. The same key and the same request get the stored response again; the same key
 * with another request is refused. A refused request (a domain error) stores nothing, so the
 * client can send it again once the reason is gone (an order that was Pending is now paid).
 * Two concurrent requests with one key serialize on the key's row: the second waits for the
 * first to commit, then replays it.
 */
@Injectable()
export class IdempotentRequests {
  async run<T>(
    manager: EntityManager,
    context: IdempotencyContext | undefined,
    work: () => Promise<{ status: number; body: T }>,
  ): Promise<StoredResponse<T>> {
    if (!context) return { ...(await work()), replayed: false };
    const hash = requestHash(context.operation, context.body);
    const claimed = await queryRows(
      manager,
      `INSERT INTO ${S}.idempotency_keys (principal, key, operation, request_hash, response_status, response_body)
       VALUES ($1, $2, $3, $4, 0, 'null') ON CONFLICT DO NOTHING RETURNING 1`,
      [context.principal, context.key, context.operation, hash],
    );
    if (claimed.length === 0) {
      const [stored] = await queryRows<{ request_hash: string; response_status: number; response_body: T }>(
        manager,
        `SELECT request_hash, response_status, response_body FROM ${S}.idempotency_keys WHERE principal = $1 AND key = $2`,
        [context.principal, context.key],
      );
      if (stored.request_hash !== hash) throw new IdempotencyKeyReusedError();
      return { status: stored.response_status, body: stored.response_body, replayed: true };
    }
    const response = await work();
    await manager.query(
      `UPDATE ${S}.idempotency_keys SET response_status = $3, response_body = $4 WHERE principal = $1 AND key = $2`,
      [context.principal, context.key, response.status, JSON.stringify(response.body)],
    );
    return { ...response, replayed: false };
  }
}
