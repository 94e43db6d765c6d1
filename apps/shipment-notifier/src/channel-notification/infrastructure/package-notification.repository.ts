import { queryRows } from '@holdfast/persistence';
import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../../config/notifier.config';
import type { ShippedLine } from '../../shipments/domain/shipment-plan';

const S = `"${NOTIFIER_SCHEMA}"`;

/** A package the sender took: its attempt is recorded (state `sent`) before any call. */
export interface ClaimedPackage {
  shipmentId: string;
  packageNo: number;
  channel: string;
  accountId: string;
  orderId: string;
  marketplaceId: string | null;
  packageReferenceId: string;
  carrier: string;
  trackingNumber: string;
  shipDate: Date;
  shippingMethod: string | null;
  items: ShippedLine[];
  /** This attempt's number: outcomes are recorded only if nobody claimed the package since. */
  attempts: number;
  /** An earlier attempt may have reached the channel: look the package up before sending. */
  wasUnknown: boolean;
}

interface ClaimRow {
  shipment_id: string;
  package_no: number;
  channel: string;
  account_id: string;
  order_id: string;
  marketplace_id: string | null;
  package_reference_id: string;
  carrier: string;
  tracking_number: string;
  ship_date: Date;
  shipping_method: string | null;
  items: ShippedLine[];
  attempts: number;
  was_unknown: boolean;
}

export type RecordedOutcome =
  | { state: 'confirmed'; by: 'response' | 'reconciliation'; carrierCode: string | null; carrierName: string | null; verifyAfterMs: number | null }
  | { state: 'sent'; code: string; message: string; retryInMs: number; carrierCode?: string | null; carrierName?: string | null }
  | { state: 'pending'; code: string; message: string; retryInMs: number }
  | { state: 'failed' | 'held'; code: string; message: string; outcomeUnknown: boolean; carrierCode?: string | null; carrierName?: string | null };

export interface PackageToVerify {
  shipmentId: string;
  packageNo: number;
  orderId: string;
  packageReferenceId: string;
  trackingNumber: string;
}

/**
 * The notification state machine's storage. Every transition out of `sent` names the
 * attempt it closes, so a late outcome from a stalled sender cannot overwrite a newer one.
 */
@Injectable()
export class PackageNotificationRepository {
  /**
   * Claims the account's next due package, only while `holder` holds the account's lease:
   * marks it `sent`, counts the attempt, assumes its outcome unknown until told otherwise,
   * and gives it `graceMs` before anyone may look at it again.
   */
  async claimNext(
    manager: EntityManager,
    target: { channel: string; accountId: string },
    lease: { resource: string; holder: string },
    graceMs: number,
  ): Promise<ClaimedPackage | null> {
    const [row] = await queryRows<ClaimRow>(
      manager,
      `WITH due AS (
         SELECT p.shipment_id, p.package_no, p.outcome_unknown
           FROM ${S}.shipment_packages p JOIN ${S}.shipments s ON s.id = p.shipment_id
          WHERE p.channel = $1 AND p.account_id = $2 AND p.state IN ('pending', 'sent')
            AND p.next_attempt_at <= now() AND s.voided_at IS NULL
            AND EXISTS (SELECT 1 FROM ${S}.leases l WHERE l.resource = $3 AND l.holder = $4 AND l.expires_at > now())
          ORDER BY p.next_attempt_at, p.shipment_id, p.package_no
          LIMIT 1
          FOR UPDATE OF p SKIP LOCKED)
       UPDATE ${S}.shipment_packages p
          SET state = 'sent', outcome_unknown = true, attempts = p.attempts + 1, attempt_started_at = now(),
              next_attempt_at = now() + ($5::int * interval '1 millisecond'), updated_at = now()
         FROM due, ${S}.shipments s
        WHERE p.shipment_id = due.shipment_id AND p.package_no = due.package_no AND s.id = p.shipment_id
       RETURNING p.shipment_id, p.package_no, p.channel, p.account_id, p.order_id, s.marketplace_id,
                 p.package_reference_id, p.carrier, p.tracking_number, p.ship_date, p.shipping_method, p.items,
                 p.attempts, due.outcome_unknown AS was_unknown`,
      [target.channel, target.accountId, lease.resource, lease.holder, graceMs],
    );
    if (!row) return null;
    return {
      shipmentId: row.shipment_id,
      packageNo: row.package_no,
      channel: row.channel,
      accountId: row.account_id,
      orderId: row.order_id,
      marketplaceId: row.marketplace_id,
      packageReferenceId: row.package_reference_id,
      carrier: row.carrier,
      trackingNumber: row.tracking_number,
      shipDate: row.ship_date,
      shippingMethod: row.shipping_method,
      items: row.items,
      attempts: row.attempts,
      wasUnknown: row.was_unknown,
    };
  }

  /** Closes the attempt; false when the package was claimed again or changed meanwhile. */
  async record(manager: EntityManager, p: ClaimedPackage, outcome: RecordedOutcome): Promise<boolean> {
    const key = [p.shipmentId, p.packageNo, p.attempts];
    const guard = `shipment_id = $1 AND package_no = $2 AND attempts = $3 AND state = 'sent'`;
    let rows: unknown[];
    switch (outcome.state) {
      case 'confirmed':
        rows = await queryRows(
          manager,
          `UPDATE ${S}.shipment_packages
              SET state = 'confirmed', outcome_unknown = false, next_attempt_at = NULL, confirmed_at = now(), confirmed_by = $4,
                  channel_carrier_code = COALESCE($5, channel_carrier_code), channel_carrier_name = COALESCE($6, channel_carrier_name),
                  verification = CASE WHEN $4 = 'reconciliation' THEN 'applied' WHEN $7::int IS NULL THEN 'none' ELSE 'pending' END,
                  verified_at = CASE WHEN $4 = 'reconciliation' THEN now() END,
                  verify_at = CASE WHEN $4 = 'response' AND $7::int IS NOT NULL THEN now() + ($7::int * interval '1 millisecond') END,
                  updated_at = now()
            WHERE ${guard} RETURNING 1`,
          [...key, outcome.by, outcome.carrierCode, outcome.carrierName, outcome.verifyAfterMs],
        );
        break;
      case 'sent':
        rows = await queryRows(
          manager,
          `UPDATE ${S}.shipment_packages
              SET outcome_unknown = true, next_attempt_at = now() + ($6::int * interval '1 millisecond'),
                  last_error_code = $4, last_error_message = $5, last_error_at = now(),
                  channel_carrier_code = COALESCE($7, channel_carrier_code), channel_carrier_name = COALESCE($8, channel_carrier_name),
                  updated_at = now()
            WHERE ${guard} RETURNING 1`,
          [...key, outcome.code, outcome.message, outcome.retryInMs, outcome.carrierCode ?? null, outcome.carrierName ?? null],
        );
        break;
      case 'pending':
        // Certainly not applied (throttled): does not use up an attempt.
        rows = await queryRows(
          manager,
          `UPDATE ${S}.shipment_packages
              SET state = 'pending', outcome_unknown = false, attempts = attempts - 1,
                  next_attempt_at = now() + ($6::int * interval '1 millisecond'),
                  last_error_code = $4, last_error_message = $5, last_error_at = now(), updated_at = now()
            WHERE ${guard} RETURNING 1`,
          [...key, outcome.code, outcome.message, outcome.retryInMs],
        );
        break;
      case 'failed':
      case 'held':
        rows = await queryRows(
          manager,
          `UPDATE ${S}.shipment_packages
              SET state = $4, outcome_unknown = $7, next_attempt_at = NULL,
                  last_error_code = $5, last_error_message = $6, last_error_at = now(),
                  channel_carrier_code = COALESCE($8, channel_carrier_code), channel_carrier_name = COALESCE($9, channel_carrier_name),
                  updated_at = now()
            WHERE ${guard} RETURNING 1`,
          [...key, outcome.state, outcome.code, outcome.message, outcome.outcomeUnknown, outcome.carrierCode ?? null, outcome.carrierName ?? null],
        );
        break;
    }
    return rows.length > 0;
  }

  /**
   * Marks the shipment's confirmation event as written when every package is confirmed and
   * it was not written before; returns what the event needs, or null.
   */
  async completeConfirmation(
    manager: EntityManager,
    shipmentId: string,
  ): Promise<{
    channel: string;
    accountId: string;
    orderId: string;
    lines: ShippedLine[];
    packages: { packageReferenceId: string; carrierCode: string; trackingNumber: string }[];
    confirmedAt: Date;
  } | null> {
    const [shipment] = await queryRows<{ channel: string; account_id: string; order_id: string; lines: ShippedLine[] }>(
      manager,
      `UPDATE ${S}.shipments s SET confirmed_event_at = now()
        WHERE s.id = $1 AND s.confirmed_event_at IS NULL
          AND NOT EXISTS (SELECT 1 FROM ${S}.shipment_packages p WHERE p.shipment_id = s.id AND p.state <> 'confirmed')
        RETURNING s.channel, s.account_id, s.order_id, s.lines`,
      [shipmentId],
    );
    if (!shipment) return null;
    const packages = await queryRows<{ package_reference_id: string; channel_carrier_code: string | null; carrier: string; tracking_number: string; confirmed_at: Date }>(
      manager,
      `SELECT package_reference_id, channel_carrier_code, carrier, tracking_number, confirmed_at
         FROM ${S}.shipment_packages WHERE shipment_id = $1 ORDER BY package_no`,
      [shipmentId],
    );
    return {
      channel: shipment.channel,
      accountId: shipment.account_id,
      orderId: shipment.order_id,
      lines: shipment.lines,
      packages: packages.map((p) => ({
        packageReferenceId: p.package_reference_id,
        carrierCode: p.channel_carrier_code ?? p.carrier,
        trackingNumber: p.tracking_number,
      })),
      confirmedAt: new Date(Math.max(...packages.map((p) => p.confirmed_at.getTime()))),
    };
  }

  async dueVerifications(
    manager: EntityManager,
    target: { channel: string; accountId: string },
    limit: number,
  ): Promise<PackageToVerify[]> {
    const rows = await queryRows<{ shipment_id: string; package_no: number; order_id: string; package_reference_id: string; tracking_number: string }>(
      manager,
      `SELECT shipment_id, package_no, order_id, package_reference_id, tracking_number FROM ${S}.shipment_packages
        WHERE channel = $1 AND account_id = $2 AND verification = 'pending' AND state = 'confirmed' AND verify_at <= now()
        ORDER BY verify_at LIMIT $3`,
      [target.channel, target.accountId, limit],
    );
    return rows.map((r) => ({
      shipmentId: r.shipment_id,
      packageNo: r.package_no,
      orderId: r.order_id,
      packageReferenceId: r.package_reference_id,
      trackingNumber: r.tracking_number,
    }));
  }

  async recordVerification(
    manager: EntityManager,
    p: PackageToVerify,
    result: { verification: 'applied' | 'not_applied' } | { retryInMs: number; code: string; message: string },
  ): Promise<void> {
    if ('verification' in result) {
      await manager.query(
        `UPDATE ${S}.shipment_packages SET verification = $3, verified_at = now(), verify_at = NULL, updated_at = now(),
                last_error_code = CASE WHEN $3 = 'not_applied' THEN 'ConfirmationNotApplied' ELSE last_error_code END,
                last_error_message = CASE WHEN $3 = 'not_applied' THEN $4 ELSE last_error_message END,
                last_error_at = CASE WHEN $3 = 'not_applied' THEN now() ELSE last_error_at END
          WHERE shipment_id = $1 AND package_no = $2 AND verification = 'pending'`,
        [
          p.shipmentId,
          p.packageNo,
          result.verification,
          `The channel accepted package ${p.packageReferenceId} of order ${p.orderId} but does not show it: retry the shipment to send it again.`,
        ],
      );
    } else {
      await manager.query(
        `UPDATE ${S}.shipment_packages SET verify_at = now() + ($3::int * interval '1 millisecond'), updated_at = now()
          WHERE shipment_id = $1 AND package_no = $2 AND verification = 'pending'`,
        [p.shipmentId, p.packageNo, result.retryInMs],
      );
    }
  }

  /**
   * Due packages no sender can serve (a channel without an adapter, an account without
   * credentials) are held with the reason instead of waiting silently.
   */
  async holdUnserved(
    manager: EntityManager,
    served: { channel: string; accountIds: string[] }[],
  ): Promise<{ shipmentId: string; channel: string; accountId: string; orderId: string; code: string; message: string }[]> {
    const rows = await queryRows<{ shipment_id: string; channel: string; account_id: string; order_id: string; last_error_code: string; last_error_message: string }>(
      manager,
      `WITH served AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(channel text, "accountIds" text[]))
       UPDATE ${S}.shipment_packages p
          SET state = 'held', next_attempt_at = NULL, updated_at = now(), last_error_at = now(),
              last_error_code = CASE WHEN sv.channel IS NULL THEN 'ChannelNotSupported' ELSE 'ChannelAccountNotConfigured' END,
              last_error_message = CASE WHEN sv.channel IS NULL
                THEN 'No ' || p.channel || ' connection in this service: shipments for this channel cannot be sent yet.'
                ELSE 'No credentials are configured for ' || p.channel || ' account ' || p.account_id || ': configure the account, then retry the shipment.' END
         FROM ${S}.shipment_packages p0 LEFT JOIN served sv ON sv.channel = p0.channel
        WHERE p.shipment_id = p0.shipment_id AND p.package_no = p0.package_no
          AND p.state = 'pending' AND NOT p.outcome_unknown AND p.next_attempt_at <= now()
          AND (sv.channel IS NULL OR NOT (p.account_id = ANY(sv."accountIds")))
       RETURNING p.shipment_id, p.channel, p.account_id, p.order_id, p.last_error_code, p.last_error_message`,
      [JSON.stringify(served)],
    );
    return rows.map((r) => ({
      shipmentId: r.shipment_id,
      channel: r.channel,
      accountId: r.account_id,
      orderId: r.order_id,
      code: r.last_error_code,
      message: r.last_error_message,
    }));
  }
}
