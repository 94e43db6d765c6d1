import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { INGEST_SCHEMA } from '../../config/ingest.config';
import type { DetectedBy } from './order-snapshot.repository';

const S = `"${INGEST_SCHEMA}"`;

export interface IngestErrorInput {
  accountId: string;
  orderId: string | null;
  problem: string;
  detail: string;
  operation: string;
  detectedBy: DetectedBy;
  /** What Amazon sent, without personal data; `bodyText` when it was not JSON at all. */
  raw?: { body?: unknown; bodyText?: string };
}

export interface IngestErrorRow {
  id: number;
  accountId: string;
  orderId: string | null;
  problem: string;
  detail: string;
  operation: string;
  detectedBy: DetectedBy;
  rawPayloadId: number | null;
  occurredAt: Date;
  resolvedAt: Date | null;
}

/**
 * What could not be imported and why, each with a reference to the raw payload Amazon
 * sent: the rest of the page goes on, the operator sees the bad order, a later good
 * import of the same order marks its errors resolved.
 */
@Injectable()
export class IngestErrorRepository {
  /**
   * Records an error, unless the same order already has the same open error: overlapping
   * polls see a bad order again and again, and one open record (with its first payload)
   * says all there is. Returns the error's id, new or existing.
   */
  async record(m: EntityManager, error: IngestErrorInput): Promise<number> {
    if (error.orderId !== null) {
      const open = await m.query<{ id: string }[]>(
        `SELECT id FROM ${S}.ingest_errors
          WHERE account_id = $1 AND order_id = $2 AND problem = $3 AND detail = $4 AND resolved_at IS NULL LIMIT 1`,
        [error.accountId, error.orderId, error.problem, error.detail.slice(0, 2000)],
      );
      if (open[0]) return Number(open[0].id);
    }
    let rawPayloadId: number | null = null;
    if (error.raw) {
      const [row] = await m.query<{ id: string }[]>(
        `INSERT INTO ${S}.raw_payloads (account_id, operation, body, body_text) VALUES ($1, $2, $3, $4) RETURNING id`,
        [
          error.accountId,
          error.operation,
          error.raw.body === undefined ? null : JSON.stringify(error.raw.body),
          error.raw.bodyText?.slice(0, 100_000) ?? null,
        ],
      );
      rawPayloadId = Number(row.id);
    }
    const [row] = await m.query<{ id: string }[]>(
      `INSERT INTO ${S}.ingest_errors (account_id, order_id, problem, detail, operation, detected_by, raw_payload_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
      [error.accountId, error.orderId, error.problem, error.detail.slice(0, 2000), error.operation, error.detectedBy, rawPayloadId],
    );
    return Number(row.id);
  }

  async resolve(m: EntityManager, accountId: string, orderIds: readonly string[]): Promise<void> {
    if (orderIds.length === 0) return;
    await m.query(
      `UPDATE ${S}.ingest_errors SET resolved_at = now()
        WHERE account_id = $1 AND order_id = ANY($2::text[]) AND resolved_at IS NULL`,
      [accountId, orderIds],
    );
  }

  async list(
    m: EntityManager,
    filter: { accountIds: readonly string[] | null; open?: boolean; limit: number },
  ): Promise<IngestErrorRow[]> {
    const rows = await m.query<
      {
        id: string;
        account_id: string;
        order_id: string | null;
        problem: string;
        detail: string;
        operation: string;
        detected_by: DetectedBy;
        raw_payload_id: string | null;
        occurred_at: Date;
        resolved_at: Date | null;
      }[]
    >(
      `SELECT * FROM ${S}.ingest_errors
        WHERE ($1::text[] IS NULL OR account_id = ANY($1::text[])) AND ($2::boolean IS NULL OR (resolved_at IS NULL) = $2)
        ORDER BY id DESC LIMIT $3`,
      [filter.accountIds, filter.open ?? null, filter.limit],
    );
    return rows.map((r) => ({
      id: Number(r.id),
      accountId: r.account_id,
      orderId: r.order_id,
      problem: r.problem,
      detail: r.detail,
      operation: r.operation,
      detectedBy: r.detected_by,
      rawPayloadId: r.raw_payload_id === null ? null : Number(r.raw_payload_id),
      occurredAt: r.occurred_at,
      resolvedAt: r.resolved_at,
    }));
  }

  async rawPayload(m: EntityManager, id: number): Promise<{ accountId: string; operation: string; body: unknown; bodyText: string | null; receivedAt: Date } | null> {
    const rows = await m.query<{ account_id: string; operation: string; body: unknown; body_text: string | null; received_at: Date }[]>(
      `SELECT account_id, operation, body, body_text, received_at FROM ${S}.raw_payloads WHERE id = $1`,
      [id],
    );
    const r = rows[0];
    return r ? { accountId: r.account_id, operation: r.operation, body: r.body, bodyText: r.body_text, receivedAt: r.received_at } : null;
  }
}
