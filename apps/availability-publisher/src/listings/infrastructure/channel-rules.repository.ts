import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { PUBLISHER_SCHEMA } from '../../config/publisher.config';
import type { QuantityRules } from '../domain/published-quantity';

const S = `"${PUBLISHER_SCHEMA}"`;

export interface ChannelRulesRecord extends QuantityRules {
  channel: string;
  accountId: string;
  updatedAt: Date;
}

interface RulesRow {
  channel: string;
  account_id: string;
  safety_buffer: number;
  max_quantity: number | null;
  share_percent: number;
  zero_below: number;
  updated_at: Date;
}

const toRecord = (r: RulesRow): ChannelRulesRecord => ({
  channel: r.channel,
  accountId: r.account_id,
  safetyBuffer: r.safety_buffer,
  maxQuantity: r.max_quantity,
  sharePercent: r.share_percent,
  zeroBelow: r.zero_below,
  updatedAt: r.updated_at,
});

@Injectable()
export class ChannelRulesRepository {
  async find(manager: EntityManager, channel: string, accountId: string): Promise<ChannelRulesRecord | null> {
    const rows = await manager.query<RulesRow[]>(`SELECT * FROM ${S}.channel_rules WHERE channel = $1 AND account_id = $2`, [
      channel,
      accountId,
    ]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async list(manager: EntityManager, accounts: readonly string[] | null): Promise<ChannelRulesRecord[]> {
    const rows = await manager.query<RulesRow[]>(
      `SELECT * FROM ${S}.channel_rules WHERE $1::text[] IS NULL OR account_id = ANY($1::text[]) ORDER BY channel, account_id`,
      [accounts],
    );
    return rows.map(toRecord);
  }

  async save(manager: EntityManager, channel: string, accountId: string, rules: QuantityRules): Promise<void> {
    await manager.query(
      `INSERT INTO ${S}.channel_rules (channel, account_id, safety_buffer, max_quantity, share_percent, zero_below)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (channel, account_id) DO UPDATE SET safety_buffer = EXCLUDED.safety_buffer,
         max_quantity = EXCLUDED.max_quantity, share_percent = EXCLUDED.share_percent,
         zero_below = EXCLUDED.zero_below, updated_at = now()`,
      [channel, accountId, rules.safetyBuffer, rules.maxQuantity, rules.sharePercent, rules.zeroBelow],
    );
  }
}
