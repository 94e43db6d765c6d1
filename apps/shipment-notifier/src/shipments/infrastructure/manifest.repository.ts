import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../../config/notifier.config';
import { SHIPMENT_STATUS_SQL, type ShipmentStatus } from '../domain/shipment-status';

const S = `"${NOTIFIER_SCHEMA}"`;

export type ManifestStatus = 'in_preparation' | 'shipped';

export interface ManifestRow {
  id: string;
  reference: string | null;
  carrier: string | null;
  status: ManifestStatus;
  created_at: Date;
  shipped_at: Date | null;
}

export interface ManifestView {
  id: string;
  reference: string | null;
  carrier: string | null;
  status: ManifestStatus;
  createdAt: string;
  shippedAt: string | null;
  shipments: { id: string; channel: string; accountId: string; orderId: string; status: ShipmentStatus }[];
}

/** Carrier manifests ("distinta"): shipments handed to a carrier together. */
@Injectable()
export class ManifestRepository {
  async insert(manager: EntityManager, m: { id: string; reference: string | null; carrier: string | null }): Promise<void> {
    await manager.query(`INSERT INTO ${S}.manifests (id, reference, carrier) VALUES ($1, $2, $3)`, [
      m.id,
      m.reference,
      m.carrier,
    ]);
  }

  async row(manager: EntityManager, id: string, { lock = false } = {}): Promise<ManifestRow | null> {
    const rows = await queryRows<ManifestRow>(
      manager,
      `SELECT * FROM ${S}.manifests WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async shipmentIds(manager: EntityManager, manifestId: string): Promise<string[]> {
    const rows = await queryRows<{ id: string }>(
      manager,
      `SELECT id FROM ${S}.shipments WHERE manifest_id = $1 AND voided_at IS NULL ORDER BY created_at, id`,
      [manifestId],
    );
    return rows.map((r) => r.id);
  }

  async markShipped(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE ${S}.manifests SET status = 'shipped', shipped_at = now() WHERE id = $1`, [id]);
  }

  async get(manager: EntityManager, id: string, accountIds: readonly string[] | null): Promise<ManifestView | null> {
    const manifest = await this.row(manager, id);
    if (!manifest) return null;
    const [view] = await this.views(manager, [manifest], accountIds);
    return view;
  }

  async list(
    manager: EntityManager,
    filter: { status?: ManifestStatus; limit: number },
    accountIds: readonly string[] | null,
  ): Promise<ManifestView[]> {
    const rows = await queryRows<ManifestRow>(
      manager,
      `SELECT * FROM ${S}.manifests WHERE ($1::text IS NULL OR status = $1) ORDER BY created_at DESC, id DESC LIMIT $2`,
      [filter.status ?? null, filter.limit],
    );
    return this.views(manager, rows, accountIds);
  }

  private async views(
    manager: EntityManager,
    manifests: ManifestRow[],
    accountIds: readonly string[] | null,
  ): Promise<ManifestView[]> {
    if (manifests.length === 0) return [];
    const shipments = await queryRows<{
      manifest_id: string;
      id: string;
      channel: string;
      account_id: string;
      order_id: string;
      status: ShipmentStatus;
    }>(
      manager,
      `SELECT s.manifest_id, s.id, s.channel, s.account_id, s.order_id, ${SHIPMENT_STATUS_SQL} AS status
         FROM ${S}.shipments s JOIN ${S}.shipment_packages p ON p.shipment_id = s.id
        WHERE s.manifest_id = ANY($1::uuid[]) AND ($2::text[] IS NULL OR s.account_id = ANY($2))
        GROUP BY s.id ORDER BY s.created_at, s.id`,
      [manifests.map((m) => m.id), accountIds],
    );
    return manifests.map((m) => ({
      id: m.id,
      reference: m.reference,
      carrier: m.carrier,
      status: m.status,
      createdAt: m.created_at.toISOString(),
      shippedAt: m.shipped_at ? m.shipped_at.toISOString() : null,
      shipments: shipments
        .filter((s) => s.manifest_id === m.id)
        .map((s) => ({ id: s.id, channel: s.channel, accountId: s.account_id, orderId: s.order_id, status: s.status })),
    }));
  }
}
