import type { AmazonAccountConfig } from '@holdfast/channels-amazon';
import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { INGEST_SCHEMA } from '../../config/ingest.config';
import { DEFAULT_ACCOUNT_OPTIONS, type AccountOptions, type ChannelAccount } from '../domain/channel-account';

const S = `"${INGEST_SCHEMA}"`;

interface AccountRow {
  account_id: string;
  seller_id: string;
  region: string;
  marketplace_ids: string[];
  configured: boolean;
  import_pending: boolean;
  reserve_amazon_fulfilled: boolean;
  polling_enabled: boolean;
  poll_interval_seconds: number;
  overlap_seconds: number;
  catch_up_every_minutes: number;
  catch_up_lookback_days: number;
  catch_up_amazon_extra_days: number;
  options_updated_at: Date;
}

const OPTION_COLUMNS: Record<keyof AccountOptions, string> = {
  importPending: 'import_pending',
  reserveAmazonFulfilled: 'reserve_amazon_fulfilled',
  pollingEnabled: 'polling_enabled',
  pollIntervalSeconds: 'poll_interval_seconds',
  overlapSeconds: 'overlap_seconds',
  catchUpEveryMinutes: 'catch_up_every_minutes',
  catchUpLookbackDays: 'catch_up_lookback_days',
  catchUpAmazonExtraDays: 'catch_up_amazon_extra_days',
};

function toAccount(row: AccountRow): ChannelAccount {
  return {
    channel: 'amazon',
    accountId: row.account_id,
    sellerId: row.seller_id,
    region: row.region,
    marketplaceIds: row.marketplace_ids,
    configured: row.configured,
    optionsUpdatedAt: row.options_updated_at,
    options: {
      importPending: row.import_pending,
      reserveAmazonFulfilled: row.reserve_amazon_fulfilled,
      pollingEnabled: row.polling_enabled,
      pollIntervalSeconds: row.poll_interval_seconds,
      overlapSeconds: row.overlap_seconds,
      catchUpEveryMinutes: row.catch_up_every_minutes,
      catchUpLookbackDays: row.catch_up_lookback_days,
      catchUpAmazonExtraDays: row.catch_up_amazon_extra_days,
    },
  };
}

/** Channel accounts: identity mirrored from the accounts file, options owned here. */
@Injectable()
export class ChannelAccountRepository {
  /**
   * Mirrors the accounts file: new accounts get the default options, known ones keep theirs
   * (the file says who an account is, the database how to import it), accounts gone from
   * the file are marked unconfigured rather than deleted (their orders stay readable).
   */
  async syncConfigured(m: EntityManager, accounts: readonly AmazonAccountConfig[]): Promise<void> {
    const d = DEFAULT_ACCOUNT_OPTIONS;
    for (const a of accounts) {
      await m.query(
        `INSERT INTO ${S}.channel_accounts (account_id, seller_id, region, marketplace_ids, configured,
           import_pending, reserve_amazon_fulfilled, polling_enabled, poll_interval_seconds, overlap_seconds,
           catch_up_every_minutes, catch_up_lookback_days, catch_up_amazon_extra_days)
         VALUES ($1, $2, $3, $4, true, $5, $6, $7, $8, $9, $10, $11, $12)
         ON CONFLICT (account_id) DO UPDATE SET seller_id = EXCLUDED.seller_id, region = EXCLUDED.region,
           marketplace_ids = EXCLUDED.marketplace_ids, configured = true`,
        [
          a.accountId,
          a.sellerId,
          a.region,
          a.marketplaceIds,
          d.importPending,
          d.reserveAmazonFulfilled,
          d.pollingEnabled,
          d.pollIntervalSeconds,
          d.overlapSeconds,
          d.catchUpEveryMinutes,
          d.catchUpLookbackDays,
          d.catchUpAmazonExtraDays,
        ],
      );
    }
    await m.query(`UPDATE ${S}.channel_accounts SET configured = false WHERE NOT (account_id = ANY($1::text[]))`, [
      accounts.map((a) => a.accountId),
    ]);
  }

  async list(m: EntityManager, accountIds: readonly string[] | null = null): Promise<ChannelAccount[]> {
    const rows = await m.query<AccountRow[]>(
      `SELECT * FROM ${S}.channel_accounts WHERE ($1::text[] IS NULL OR account_id = ANY($1::text[])) ORDER BY account_id`,
      [accountIds],
    );
    return rows.map(toAccount);
  }

  async find(m: EntityManager, accountId: string): Promise<ChannelAccount | null> {
    const rows = await m.query<AccountRow[]>(`SELECT * FROM ${S}.channel_accounts WHERE account_id = $1`, [accountId]);
    return rows[0] ? toAccount(rows[0]) : null;
  }

  async updateOptions(m: EntityManager, accountId: string, changes: Partial<AccountOptions>): Promise<ChannelAccount | null> {
    const entries = Object.entries(changes).filter(([, v]) => v !== undefined) as [keyof AccountOptions, unknown][];
    const sets = entries.map(([key], i) => `${OPTION_COLUMNS[key]} = $${i + 2}`);
    const rows = await queryRows<AccountRow>(
      m,
      `UPDATE ${S}.channel_accounts SET ${[...sets, 'options_updated_at = now()'].join(', ')}
        WHERE account_id = $1 RETURNING *`,
      [accountId, ...entries.map(([, v]) => v)],
    );
    return rows[0] ? toAccount(rows[0]) : null;
  }
}
