import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../../config/notifier.config';
import { ANY_MARKETPLACE } from '../domain/carrier-key';

const S = `"${NOTIFIER_SCHEMA}"`;

export interface CarrierMapping {
  id: string;
  /** The merchant's carrier, as a key (`poste-italiane`). */
  carrier: string;
  channel: string;
  /** null: every marketplace of the channel. */
  marketplaceId: string | null;
  /** Exactly what the channel is sent. */
  code: string;
  name: string | null;
  updatedAt: string;
}

interface MappingRow {
  id: string;
  carrier: string;
  channel: string;
  marketplace_id: string;
  code: string;
  name: string | null;
  updated_at: Date;
}

const toMapping = (r: MappingRow): CarrierMapping => ({
  id: r.id,
  carrier: r.carrier,
  channel: r.channel,
  marketplaceId: r.marketplace_id === ANY_MARKETPLACE ? null : r.marketplace_id,
  code: r.code,
  name: r.name,
  updatedAt: r.updated_at.toISOString(),
});

/** Carrier mappings and the carrier codes each channel accepts. */
@Injectable()
export class CarrierMappingRepository {
  /** The mapping for one marketplace, else the channel-wide one; null when the carrier is unmapped. */
  async resolve(
    manager: EntityManager,
    carrier: string,
    channel: string,
    marketplaceId: string | null,
  ): Promise<CarrierMapping | null> {
    const rows = await queryRows<MappingRow>(
      manager,
      `SELECT * FROM ${S}.carrier_mappings
        WHERE carrier = $1 AND channel = $2 AND marketplace_id IN ($3, '${ANY_MARKETPLACE}')
        ORDER BY (marketplace_id = '${ANY_MARKETPLACE}') LIMIT 1`,
      [carrier, channel, marketplaceId ?? ANY_MARKETPLACE],
    );
    return rows[0] ? toMapping(rows[0]) : null;
  }

  async list(
    manager: EntityManager,
    filter: { channel?: string; carrier?: string },
  ): Promise<CarrierMapping[]> {
    const rows = await queryRows<MappingRow>(
      manager,
      `SELECT * FROM ${S}.carrier_mappings
        WHERE ($1::text IS NULL OR channel = $1) AND ($2::text IS NULL OR carrier = $2)
        ORDER BY channel, carrier, marketplace_id`,
      [filter.channel ?? null, filter.carrier ?? null],
    );
    return rows.map(toMapping);
  }

  async get(manager: EntityManager, id: string): Promise<CarrierMapping | null> {
    const rows = await queryRows<MappingRow>(manager, `SELECT * FROM ${S}.carrier_mappings WHERE id = $1`, [id]);
    return rows[0] ? toMapping(rows[0]) : null;
  }

  async upsert(
    manager: EntityManager,
    m: { carrier: string; channel: string; marketplaceId: string | null; code: string; name: string | null },
  ): Promise<{ mapping: CarrierMapping; created: boolean }> {
    const rows = await queryRows<MappingRow & { created: boolean }>(
      manager,
      `INSERT INTO ${S}.carrier_mappings (carrier, channel, marketplace_id, code, name)
       VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (carrier, channel, marketplace_id)
         DO UPDATE SET code = EXCLUDED.code, name = EXCLUDED.name, updated_at = now()
       RETURNING *, (xmax = 0) AS created`,
      [m.carrier, m.channel, m.marketplaceId ?? ANY_MARKETPLACE, m.code, m.name],
    );
    return { mapping: toMapping(rows[0]), created: rows[0].created };
  }

  async delete(manager: EntityManager, id: string): Promise<boolean> {
    const rows = await queryRows(manager, `DELETE FROM ${S}.carrier_mappings WHERE id = $1 RETURNING 1`, [id]);
    return rows.length > 0;
  }

  async channelCodes(manager: EntityManager, channel: string): Promise<string[]> {
    const rows = await queryRows<{ code: string }>(
      manager,
      `SELECT code FROM ${S}.channel_carrier_codes WHERE channel = $1 ORDER BY code`,
      [channel],
    );
    return rows.map((r) => r.code);
  }

  async addChannelCode(manager: EntityManager, channel: string, code: string): Promise<boolean> {
    const rows = await queryRows(
      manager,
      `INSERT INTO ${S}.channel_carrier_codes (channel, code) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`,
      [channel, code],
    );
    return rows.length > 0;
  }

  async removeChannelCode(manager: EntityManager, channel: string, code: string): Promise<boolean> {
    const rows = await queryRows(
      manager,
      `DELETE FROM ${S}.channel_carrier_codes WHERE channel = $1 AND code = $2 RETURNING 1`,
      [channel, code],
    );
    return rows.length > 0;
  }

  async mappingsUsingCode(manager: EntityManager, channel: string, code: string): Promise<number> {
    const rows = await queryRows<{ n: number }>(
      manager,
      `SELECT count(*)::int AS n FROM ${S}.carrier_mappings WHERE channel = $1 AND code = $2`,
      [channel, code],
    );
    return rows[0].n;
  }
}
