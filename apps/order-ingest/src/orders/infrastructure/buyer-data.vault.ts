import type { AmazonBuyerData } from '@holdfast/channels-amazon';
import { queryRows } from '@holdfast/persistence';
import { Inject, Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { INGEST_CONFIG, INGEST_SCHEMA, type IngestConfig } from '../../config/ingest.config';
import { BuyerDataCipher } from './buyer-data.cipher';

const S = `"${INGEST_SCHEMA}"`;

export type BuyerDataState =
  | { state: 'stored'; data: AmazonBuyerData; storedAt: Date; purgeAfter: Date | null }
  | { state: 'purged'; purgedAt: Date }
  | { state: 'none' };

interface BuyerRow {
  key_id: string | null;
  iv: Buffer | null;
  auth_tag: Buffer | null;
  ciphertext: Buffer | null;
  stored_at: Date;
  purge_after: Date | null;
  purged_at: Date | null;
}

const context = (accountId: string, orderId: string) => `${accountId}\u0000${orderId}`;

/**
 * Buyer data of merchant-fulfilled orders, encrypted at rest and purged after its
 * retention. Without PII_ENCRYPTION_KEY nothing is stored: the vault is `disabled`.
 */
@Injectable()
export class BuyerDataVault {
  private readonly cipher: BuyerDataCipher | null;
  private readonly retentionDays: number;

  constructor(@Inject(INGEST_CONFIG) config: IngestConfig) {
    this.cipher = config.piiKey ? new BuyerDataCipher(config.piiKey) : null;
    this.retentionDays = config.piiRetentionDays;
  }

  get enabled(): boolean {
    return this.cipher !== null;
  }

  /** Which of these orders already have buyer data stored (or had it, before a purge). */
  async held(m: EntityManager, accountId: string, orderIds: readonly string[]): Promise<Set<string>> {
    if (orderIds.length === 0) return new Set();
    const rows = await m.query<{ order_id: string }[]>(
      `SELECT order_id FROM ${S}.buyer_data WHERE account_id = $1 AND order_id = ANY($2::text[])`,
      [accountId, orderIds],
    );
    return new Set(rows.map((r) => r.order_id));
  }

  /** Stores (or replaces) an order's buyer data, unless it was already purged: purged data never comes back. */
  async store(m: EntityManager, accountId: string, orderId: string, data: AmazonBuyerData): Promise<boolean> {
    if (!this.cipher) return false;
    const sealed = this.cipher.seal(JSON.stringify(data), context(accountId, orderId));
    const rows = await m.query<unknown[]>(
      `INSERT INTO ${S}.buyer_data (account_id, order_id, key_id, iv, auth_tag, ciphertext)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (account_id, order_id) DO UPDATE SET key_id = EXCLUDED.key_id, iv = EXCLUDED.iv,
         auth_tag = EXCLUDED.auth_tag, ciphertext = EXCLUDED.ciphertext, stored_at = now()
       WHERE ${S}.buyer_data.purged_at IS NULL
       RETURNING 1`,
      [accountId, orderId, sealed.keyId, sealed.iv, sealed.authTag, sealed.ciphertext],
    );
    return rows.length > 0;
  }

  /**
   * Sets when the data goes: `deliveredAt` + retention. Only ever brought forward, so a
   * later, earlier estimate (a package seen DELIVERED) wins over the promised window.
   */
  async scheduleRetention(m: EntityManager, accountId: string, orderId: string, deliveredAt: Date): Promise<void> {
    await m.query(
      `UPDATE ${S}.buyer_data SET purge_after = LEAST(coalesce(purge_after, 'infinity'), $3::timestamptz + ($4::int * interval '1 day'))
        WHERE account_id = $1 AND order_id = $2 AND purged_at IS NULL`,
      [accountId, orderId, deliveredAt.toISOString(), this.retentionDays],
    );
  }

  /** A cancelled order will not ship: its buyer data goes at the next purge. */
  async scheduleImmediatePurge(m: EntityManager, accountId: string, orderId: string): Promise<void> {
    await m.query(
      `UPDATE ${S}.buyer_data SET purge_after = LEAST(coalesce(purge_after, 'infinity'), now())
        WHERE account_id = $1 AND order_id = $2 AND purged_at IS NULL`,
      [accountId, orderId],
    );
  }

  async read(m: EntityManager, accountId: string, orderId: string): Promise<BuyerDataState> {
    const rows = await m.query<BuyerRow[]>(
      `SELECT key_id, iv, auth_tag, ciphertext, stored_at, purge_after, purged_at FROM ${S}.buyer_data
        WHERE account_id = $1 AND order_id = $2`,
      [accountId, orderId],
    );
    const row = rows[0];
    if (!row) return { state: 'none' };
    if (row.purged_at) return { state: 'purged', purgedAt: row.purged_at };
    if (!this.cipher || !row.key_id || !row.iv || !row.auth_tag || !row.ciphertext) return { state: 'none' };
    const plaintext = this.cipher.open(
      { keyId: row.key_id, iv: row.iv, authTag: row.auth_tag, ciphertext: row.ciphertext },
      context(accountId, orderId),
    );
    return { state: 'stored', data: JSON.parse(plaintext) as AmazonBuyerData, storedAt: row.stored_at, purgeAfter: row.purge_after };
  }

  /** Wipes every row past its retention; the row stays with `purged_at` as the record of it. */
  async purgeDue(m: EntityManager): Promise<number> {
    const rows = await queryRows<unknown>(
      m,
      `WITH due AS (
         SELECT account_id, order_id FROM ${S}.buyer_data
          WHERE purged_at IS NULL AND purge_after <= now() LIMIT 10000 FOR UPDATE SKIP LOCKED)
       UPDATE ${S}.buyer_data b SET key_id = NULL, iv = NULL, auth_tag = NULL, ciphertext = NULL, purged_at = now()
         FROM due WHERE b.account_id = due.account_id AND b.order_id = due.order_id
       RETURNING 1`,
    );
    return rows.length;
  }
}
