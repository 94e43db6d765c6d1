import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../../config/notifier.config';
import type { LineCommitment, PlannedPackage, ShippedLine } from '../domain/shipment-plan';
import { SHIPMENT_STATUS_SQL, shipmentStatus, type PackageState, type ShipmentStatus } from '../domain/shipment-status';

const S = `"${NOTIFIER_SCHEMA}"`;

export interface PackageView {
  packageReferenceId: string;
  carrier: string;
  trackingNumber: string;
  shipDate: string;
  shippingMethod: string | null;
  items: ShippedLine[];
  notification: {
    state: PackageState;
    attempts: number;
    /** What the channel was (or will be) sent, once resolved from the carrier mapping. */
    channelCarrierCode: string | null;
    channelCarrierName: string | null;
    nextAttemptAt: string | null;
    lastError: { code: string; message: string; at: string } | null;
    confirmedAt: string | null;
    confirmedBy: 'response' | 'reconciliation' | null;
    /** Re-read of the order after confirming: `not_applied` = the channel said yes but does not show it. */
    verification: 'none' | 'pending' | 'applied' | 'not_applied';
    verifiedAt: string | null;
  };
}

export interface ShipmentView {
  id: string;
  reference: string | null;
  channel: string;
  accountId: string;
  orderId: string;
  marketplaceId: string | null;
  manifestId: string | null;
  status: ShipmentStatus;
  releasedAt: string | null;
  voidedAt: string | null;
  createdAt: string;
  lines: ShippedLine[];
  packages: PackageView[];
}

interface ShipmentRow {
  id: string;
  reference: string | null;
  channel: string;
  account_id: string;
  order_id: string;
  marketplace_id: string | null;
  manifest_id: string | null;
  lines: ShippedLine[];
  released_at: Date | null;
  voided_at: Date | null;
  confirmed_event_at: Date | null;
  created_at: Date;
}

export interface PackageRow {
  shipment_id: string;
  package_no: number;
  channel: string;
  account_id: string;
  order_id: string;
  package_reference_id: string;
  carrier: string;
  tracking_number: string;
  ship_date: Date;
  shipping_method: string | null;
  items: ShippedLine[];
  state: PackageState;
  outcome_unknown: boolean;
  attempts: number;
  next_attempt_at: Date | null;
  attempt_started_at: Date | null;
  channel_carrier_code: string | null;
  channel_carrier_name: string | null;
  last_error_code: string | null;
  last_error_message: string | null;
  last_error_at: Date | null;
  confirmed_at: Date | null;
  confirmed_by: 'response' | 'reconciliation' | null;
  verification: 'none' | 'pending' | 'applied' | 'not_applied';
  verify_at: Date | null;
  verified_at: Date | null;
}

export interface ShipmentFilter {
  channel?: string;
  accountIds?: readonly string[] | null;
  accountId?: string;
  orderId?: string;
  manifestId?: string;
  status?: ShipmentStatus;
  verification?: 'pending' | 'applied' | 'not_applied';
  limit: number;
  /** Shipments created before this one (id order), for paging. */
  before?: string;
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);

function packageView(p: PackageRow): PackageView {
  return {
    packageReferenceId: p.package_reference_id,
    carrier: p.carrier,
    trackingNumber: p.tracking_number,
    shipDate: p.ship_date.toISOString(),
    shippingMethod: p.shipping_method,
    items: p.items,
    notification: {
      state: p.state,
      attempts: p.attempts,
      channelCarrierCode: p.channel_carrier_code,
      channelCarrierName: p.channel_carrier_name,
      nextAttemptAt: p.state === 'pending' || p.state === 'sent' ? iso(p.next_attempt_at) : null,
      lastError:
        p.last_error_code && p.last_error_message && p.last_error_at
          ? { code: p.last_error_code, message: p.last_error_message, at: p.last_error_at.toISOString() }
          : null,
      confirmedAt: iso(p.confirmed_at),
      confirmedBy: p.confirmed_by,
      verification: p.verification,
      verifiedAt: iso(p.verified_at),
    },
  };
}

function shipmentView(s: ShipmentRow, packages: PackageRow[]): ShipmentView {
  const own = packages.filter((p) => p.shipment_id === s.id).sort((a, b) => a.package_no - b.package_no);
  return {
    id: s.id,
    reference: s.reference,
    channel: s.channel,
    accountId: s.account_id,
    orderId: s.order_id,
    marketplaceId: s.marketplace_id,
    manifestId: s.manifest_id,
    status: shipmentStatus(
      own.map((p) => p.state),
      s.voided_at !== null,
    ),
    releasedAt: iso(s.released_at),
    voidedAt: iso(s.voided_at),
    createdAt: s.created_at.toISOString(),
    lines: s.lines,
    packages: own.map(packageView),
  };
}

/** Shipments and their packages: what the ERP sent and how far each package got at its channel. */
@Injectable()
export class ShipmentRepository {
  /** Units of each line of the order that earlier, not voided shipments already hold. */
  async commitments(
    manager: EntityManager,
    order: { channel: string; accountId: string; orderId: string },
  ): Promise<Map<string, LineCommitment>> {
    const rows = await queryRows<{ line_id: string; confirmed: number; unconfirmed: number }>(
      manager,
      `SELECT item->>'lineId' AS line_id,
              sum(CASE WHEN p.state = 'confirmed' THEN (item->>'quantity')::int ELSE 0 END)::int AS confirmed,
              sum(CASE WHEN p.state <> 'confirmed' THEN (item->>'quantity')::int ELSE 0 END)::int AS unconfirmed
         FROM ${S}.shipment_packages p
         JOIN ${S}.shipments s ON s.id = p.shipment_id
         CROSS JOIN LATERAL jsonb_array_elements(p.items) AS item
        WHERE p.channel = $1 AND p.account_id = $2 AND p.order_id = $3 AND s.voided_at IS NULL
        GROUP BY 1`,
      [order.channel, order.accountId, order.orderId],
    );
    return new Map(rows.map((r) => [r.line_id, { confirmed: r.confirmed, unconfirmed: r.unconfirmed }]));
  }

  /**
   * Package reference ids for the order's next packages: 1, 2, 3… per order, never reused,
   * so each package keeps one id across every retry and the channel can tell a repeat.
   */
  async allocatePackageReferences(
    manager: EntityManager,
    order: { channel: string; accountId: string; orderId: string },
    count: number,
  ): Promise<string[]> {
    const [row] = await queryRows<{ last_value: string }>(
      manager,
      `INSERT INTO ${S}.package_reference_sequences AS q (channel, account_id, order_id, last_value)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (channel, account_id, order_id) DO UPDATE SET last_value = q.last_value + EXCLUDED.last_value
       RETURNING last_value`,
      [order.channel, order.accountId, order.orderId, count],
    );
    const last = Number(row.last_value);
    return Array.from({ length: count }, (_, i) => String(last - count + 1 + i));
  }

  async insert(
    manager: EntityManager,
    shipment: {
      id: string;
      reference: string | null;
      channel: string;
      accountId: string;
      orderId: string;
      marketplaceId: string | null;
      lines: ShippedLine[];
      packages: (PlannedPackage & { packageReferenceId: string })[];
    },
  ): Promise<void> {
    await manager.query(
      `INSERT INTO ${S}.shipments (id, reference, channel, account_id, order_id, marketplace_id, lines)
       VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [
        shipment.id,
        shipment.reference,
        shipment.channel,
        shipment.accountId,
        shipment.orderId,
        shipment.marketplaceId,
        JSON.stringify(shipment.lines),
      ],
    );
    let packageNo = 0;
    for (const p of shipment.packages) {
      packageNo += 1;
      await manager.query(
        `INSERT INTO ${S}.shipment_packages (shipment_id, package_no, channel, account_id, order_id, package_reference_id,
           carrier, tracking_number, ship_date, shipping_method, items)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          shipment.id,
          packageNo,
          shipment.channel,
          shipment.accountId,
          shipment.orderId,
          p.packageReferenceId,
          p.carrier,
          p.trackingNumber,
          p.shipDate,
          p.shippingMethod,
          JSON.stringify(p.items),
        ],
      );
    }
  }

  /** The shipment row, optionally locked for the rest of the transaction. */
  async row(manager: EntityManager, id: string, { lock = false } = {}): Promise<ShipmentRow | null> {
    const rows = await queryRows<ShipmentRow>(
      manager,
      `SELECT * FROM ${S}.shipments WHERE id = $1${lock ? ' FOR UPDATE' : ''}`,
      [id],
    );
    return rows[0] ?? null;
  }

  async packages(manager: EntityManager, shipmentIds: readonly string[]): Promise<PackageRow[]> {
    if (shipmentIds.length === 0) return [];
    return queryRows<PackageRow>(
      manager,
      `SELECT * FROM ${S}.shipment_packages WHERE shipment_id = ANY($1::uuid[]) ORDER BY shipment_id, package_no`,
      [shipmentIds],
    );
  }

  async get(manager: EntityManager, id: string): Promise<ShipmentView | null> {
    const row = await this.row(manager, id);
    if (!row) return null;
    return shipmentView(row, await this.packages(manager, [id]));
  }

  async list(manager: EntityManager, filter: ShipmentFilter): Promise<ShipmentView[]> {
    const rows = await queryRows<ShipmentRow>(
      manager,
      `SELECT s.* FROM ${S}.shipments s JOIN ${S}.shipment_packages p ON p.shipment_id = s.id
        WHERE ($1::text IS NULL OR s.channel = $1)
          AND ($2::text[] IS NULL OR s.account_id = ANY($2))
          AND ($3::text IS NULL OR s.account_id = $3)
          AND ($4::text IS NULL OR s.order_id = $4)
          AND ($5::uuid IS NULL OR s.manifest_id = $5)
          AND ($8::uuid IS NULL OR s.id < $8)
        GROUP BY s.id
       HAVING ($6::text IS NULL OR ${SHIPMENT_STATUS_SQL} = $6)
          AND ($7::text IS NULL OR bool_or(p.verification = $7))
        ORDER BY s.id DESC
        LIMIT $9`,
      [
        filter.channel ?? null,
        filter.accountIds ?? null,
        filter.accountId ?? null,
        filter.orderId ?? null,
        filter.manifestId ?? null,
        filter.status ?? null,
        filter.verification ?? null,
        filter.before ?? null,
        filter.limit,
      ],
    );
    const packages = await this.packages(
      manager,
      rows.map((r) => r.id),
    );
    return rows.map((r) => shipmentView(r, packages));
  }

  /** Counts per channel and status: the operator's overview. */
  async summary(
    manager: EntityManager,
    accountIds: readonly string[] | null,
  ): Promise<{ channel: string; status: ShipmentStatus; shipments: number }[]> {
    return queryRows(
      manager,
      `SELECT channel, status, count(*)::int AS shipments FROM (
         SELECT s.channel, ${SHIPMENT_STATUS_SQL} AS status
           FROM ${S}.shipments s JOIN ${S}.shipment_packages p ON p.shipment_id = s.id
          WHERE ($1::text[] IS NULL OR s.account_id = ANY($1))
          GROUP BY s.id) x
       GROUP BY channel, status ORDER BY channel, status`,
      [accountIds],
    );
  }

  /**
   * Lets the sender pick the shipment's packages up now (manifest shipped, or sent directly).
   * Idempotent: an already released shipment keeps its state.
   */
  async release(manager: EntityManager, shipmentId: string): Promise<boolean> {
    const released = await queryRows(
      manager,
      `UPDATE ${S}.shipments SET released_at = now() WHERE id = $1 AND released_at IS NULL AND voided_at IS NULL RETURNING 1`,
      [shipmentId],
    );
    if (released.length === 0) return false;
    await manager.query(
      `UPDATE ${S}.shipment_packages SET next_attempt_at = now(), updated_at = now()
        WHERE shipment_id = $1 AND state = 'pending' AND next_attempt_at IS NULL`,
      [shipmentId],
    );
    return true;
  }

  /**
   * Failed and held packages (and confirmed ones the channel turned out not to have) go back to
   * pending, due now, with a fresh attempt budget. A package whose last outcome was unknown
   * keeps that mark (and one the channel did not show gets it), so the sender asks the channel
   * before sending it again.
   */
  async retry(manager: EntityManager, shipmentId: string): Promise<number> {
    const rows = await queryRows(
      manager,
      `UPDATE ${S}.shipment_packages
          SET state = 'pending', attempts = 0, next_attempt_at = now(), updated_at = now(),
              outcome_unknown = outcome_unknown OR verification = 'not_applied',
              verification = CASE WHEN verification = 'not_applied' THEN 'none' ELSE verification END,
              verify_at = CASE WHEN verification = 'not_applied' THEN NULL ELSE verify_at END,
              confirmed_at = CASE WHEN verification = 'not_applied' THEN NULL ELSE confirmed_at END,
              confirmed_by = CASE WHEN verification = 'not_applied' THEN NULL ELSE confirmed_by END
        WHERE shipment_id = $1
          AND (state IN ('failed', 'held') OR (state = 'confirmed' AND verification = 'not_applied'))
        RETURNING 1`,
      [shipmentId],
    );
    return rows.length;
  }

  async void(manager: EntityManager, shipmentId: string): Promise<void> {
    await manager.query(`UPDATE ${S}.shipments SET voided_at = now() WHERE id = $1 AND voided_at IS NULL`, [shipmentId]);
    await manager.query(
      `UPDATE ${S}.shipment_packages SET next_attempt_at = NULL, updated_at = now() WHERE shipment_id = $1 AND state <> 'confirmed'`,
      [shipmentId],
    );
  }

  async setManifest(manager: EntityManager, shipmentId: string, manifestId: string | null): Promise<void> {
    await manager.query(`UPDATE ${S}.shipments SET manifest_id = $2 WHERE id = $1`, [shipmentId, manifestId]);
  }
}
