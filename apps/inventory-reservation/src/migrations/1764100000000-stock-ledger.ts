import type { MigrationInterface, QueryRunner } from 'typeorm';
import { DEFAULT_LOCATION_ID, INVENTORY_SCHEMA } from '../config/inventory.config';

const S = `"${INVENTORY_SCHEMA}"`;

/**
 * The full stock ledger on top of the slice's tables: stock per location and which
 * channels a location serves, the catalogue (channel SKU mappings per account, bundles),
 * per-account options, reservations per order line and internal SKU with their
 * fulfilment facts, the reservation history, rejected transitions, ERP adjustments
 * (idempotency keys) and bulk imports.
 *
 * `stock` stays the ledger head of each SKU: `on_hand` is the sum over its locations,
 * `reserved` the sum of active reservations, `version` the availability version. The
 * head is what transactions lock (in sorted SKU order) before touching anything of a SKU.
 */
export class StockLedger1764100000000 implements MigrationInterface {
  name = 'StockLedger1764100000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ${S}.locations (
      location_id text PRIMARY KEY CHECK (location_id ~ '^[A-Za-z0-9._-]{1,64}$'),
      name text NOT NULL,
      channels text[],
      priority integer NOT NULL DEFAULT 100,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`COMMENT ON COLUMN ${S}.locations.channels IS 'channels this location serves; NULL = every channel'`);
    await q.query(`INSERT INTO ${S}.locations (location_id, name) VALUES ($1, 'Default warehouse')`, [
      DEFAULT_LOCATION_ID,
    ]);

    await q.query(`CREATE TABLE ${S}.stock_levels (
      sku text NOT NULL REFERENCES ${S}.stock (sku),
      location_id text NOT NULL REFERENCES ${S}.locations (location_id),
      on_hand integer NOT NULL CHECK (on_hand >= 0),
      as_of bigint,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (sku, location_id))`);
    await q.query(`CREATE INDEX stock_levels_location_idx ON ${S}.stock_levels (location_id)`);
    await q.query(
      `INSERT INTO ${S}.stock_levels (sku, location_id, on_hand, as_of)
       SELECT sku, $1, on_hand, as_of FROM ${S}.stock WHERE on_hand > 0 OR as_of IS NOT NULL`,
      [DEFAULT_LOCATION_ID],
    );
    // Cached per-channel on-hand, kept with the head so an availability event never needs
    // another query: shared_on_hand counts locations serving every channel, channel_on_hand
    // ({"amazon": 3}) the locations that serve only some.
    await q.query(`ALTER TABLE ${S}.stock
      DROP COLUMN as_of,
      ADD COLUMN shared_on_hand integer NOT NULL DEFAULT 0,
      ADD COLUMN channel_on_hand jsonb NOT NULL DEFAULT '{}'`);
    await q.query(`UPDATE ${S}.stock SET shared_on_hand = on_hand`);
    await q.query(`CREATE INDEX stock_oversold_idx ON ${S}.stock (sku) WHERE reserved > on_hand`);

    await q.query(`CREATE TABLE ${S}.bundles (
      bundle_sku text PRIMARY KEY,
      on_hand integer NOT NULL DEFAULT 0,
      reserved integer NOT NULL DEFAULT 0,
      channel_figures jsonb NOT NULL DEFAULT '[]',
      version integer NOT NULL DEFAULT 0,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(`CREATE TABLE ${S}.bundle_components (
      bundle_sku text NOT NULL REFERENCES ${S}.bundles (bundle_sku) ON DELETE CASCADE,
      sku text NOT NULL REFERENCES ${S}.stock (sku),
      quantity integer NOT NULL CHECK (quantity > 0),
      PRIMARY KEY (bundle_sku, sku))`);
    await q.query(`CREATE INDEX bundle_components_sku_idx ON ${S}.bundle_components (sku)`);

    await q.query(`CREATE TABLE ${S}.sku_mappings (
      channel text NOT NULL,
      account_id text NOT NULL,
      channel_sku text NOT NULL,
      sku text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, account_id, channel_sku))`);

    await q.query(`CREATE TABLE ${S}.account_settings (
      channel text NOT NULL,
      account_id text NOT NULL,
      reserve_amazon_fulfilled boolean NOT NULL DEFAULT false,
      updated_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, account_id))`);

    // A placeholder row (revision -1, status 'unknown') stands for an order known only
    // from a shipment: it is the order's lock and any real snapshot overwrites it.
    await q.query(`ALTER TABLE ${S}.order_revisions ADD COLUMN fulfilled_by text`);

    // One reservation per order line and internal SKU: a bundle line holds each component.
    await q.query(`ALTER TABLE ${S}.reservations DROP CONSTRAINT reservations_pkey`);
    await q.query(`ALTER TABLE ${S}.reservations
      ADD COLUMN channel_sku text,
      ADD COLUMN bundle_sku text,
      ADD COLUMN unit_quantity integer NOT NULL DEFAULT 1 CHECK (unit_quantity > 0),
      ADD COLUMN ordered integer CHECK (ordered >= 0),
      ADD COLUMN canceled integer NOT NULL DEFAULT 0 CHECK (canceled >= 0),
      ADD COLUMN snapshot_shipped integer NOT NULL DEFAULT 0 CHECK (snapshot_shipped >= 0),
      ADD COLUMN confirmed_shipped integer NOT NULL DEFAULT 0 CHECK (confirmed_shipped >= 0),
      ADD COLUMN fulfilled integer NOT NULL DEFAULT 0 CHECK (fulfilled >= 0)`);
    await q.query(`UPDATE ${S}.reservations SET channel_sku = sku, ordered = quantity`);
    await q.query(`ALTER TABLE ${S}.reservations ALTER COLUMN channel_sku SET NOT NULL`);
    await q.query(`ALTER TABLE ${S}.reservations ADD PRIMARY KEY (channel, account_id, order_id, line_id, sku)`);
    await q.query(`COMMENT ON COLUMN ${S}.reservations.quantity IS 'units held now (0 unless pending or committed)'`);
    await q.query(
      `COMMENT ON COLUMN ${S}.reservations.ordered IS 'units of this SKU the line orders; NULL while only a shipment of the line is known'`,
    );
    await q.query(
      `COMMENT ON COLUMN ${S}.reservations.fulfilled IS 'shipped units already taken off on-hand (never decreases)'`,
    );

    await q.query(`CREATE TABLE ${S}.reservation_history (
      id bigserial PRIMARY KEY,
      channel text NOT NULL,
      account_id text NOT NULL,
      order_id text NOT NULL,
      line_id text NOT NULL,
      sku text NOT NULL,
      from_state text,
      to_state text NOT NULL,
      from_quantity integer NOT NULL,
      to_quantity integer NOT NULL,
      fulfilled integer NOT NULL,
      revision bigint,
      cause_type text NOT NULL,
      cause_message_id text,
      recorded_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(
      `CREATE INDEX reservation_history_order_idx ON ${S}.reservation_history (channel, account_id, order_id, id)`,
    );

    await q.query(`CREATE TABLE ${S}.rejected_transitions (
      id bigserial PRIMARY KEY,
      channel text NOT NULL,
      account_id text NOT NULL,
      order_id text NOT NULL,
      line_id text NOT NULL,
      sku text NOT NULL,
      from_state text NOT NULL,
      to_state text NOT NULL,
      reason text NOT NULL,
      revision bigint,
      cause_type text NOT NULL,
      cause_message_id text,
      rejected_at timestamptz NOT NULL DEFAULT now())`);
    await q.query(
      `CREATE INDEX rejected_transitions_order_idx ON ${S}.rejected_transitions (channel, account_id, order_id, id)`,
    );

    // shipment.confirmed lines already counted: a replayed shipment changes nothing.
    await q.query(`CREATE TABLE ${S}.shipment_lines (
      channel text NOT NULL,
      account_id text NOT NULL,
      order_id text NOT NULL,
      shipment_id text NOT NULL,
      line_id text NOT NULL,
      quantity integer NOT NULL CHECK (quantity > 0),
      recorded_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, account_id, order_id, shipment_id, line_id))`);

    await q.query(`CREATE TABLE ${S}.stock_adjustments (
      idempotency_key text PRIMARY KEY,
      request_hash text NOT NULL,
      sku text NOT NULL,
      location_id text NOT NULL,
      delta integer NOT NULL,
      applied_delta integer NOT NULL,
      on_hand_after integer NOT NULL,
      reason text,
      applied_at timestamptz NOT NULL DEFAULT now())`);

    await q.query(`CREATE TABLE ${S}.stock_imports (
      import_id uuid PRIMARY KEY,
      format text NOT NULL,
      status text NOT NULL CHECK (status IN ('applied', 'rejected')),
      row_count integer NOT NULL,
      error_count integer NOT NULL,
      applied_rows integer NOT NULL DEFAULT 0,
      stale_rows integer NOT NULL DEFAULT 0,
      changed_skus integer NOT NULL DEFAULT 0,
      received_at timestamptz NOT NULL,
      finished_at timestamptz NOT NULL DEFAULT now())`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${S}.stock_imports`);
    await q.query(`DROP TABLE ${S}.stock_adjustments`);
    await q.query(`DROP TABLE ${S}.shipment_lines`);
    await q.query(`DROP TABLE ${S}.rejected_transitions`);
    await q.query(`DROP TABLE ${S}.reservation_history`);
    // Bundle and pre-snapshot rows have no place in the slice's one-row-per-line table.
    await q.query(`DELETE FROM ${S}.reservations WHERE ordered IS NULL OR bundle_sku IS NOT NULL`);
    await q.query(`DELETE FROM ${S}.reservations a USING ${S}.reservations b
      WHERE (a.channel, a.account_id, a.order_id, a.line_id) = (b.channel, b.account_id, b.order_id, b.line_id)
        AND a.ctid < b.ctid`);
    await q.query(`ALTER TABLE ${S}.reservations DROP CONSTRAINT reservations_pkey`);
    await q.query(`ALTER TABLE ${S}.reservations
      DROP COLUMN channel_sku, DROP COLUMN bundle_sku, DROP COLUMN unit_quantity, DROP COLUMN ordered,
      DROP COLUMN canceled, DROP COLUMN snapshot_shipped, DROP COLUMN confirmed_shipped, DROP COLUMN fulfilled`);
    await q.query(`ALTER TABLE ${S}.reservations ADD PRIMARY KEY (channel, account_id, order_id, line_id)`);
    await q.query(`DELETE FROM ${S}.order_revisions WHERE revision < 0`);
    await q.query(`ALTER TABLE ${S}.order_revisions DROP COLUMN fulfilled_by`);
    await q.query(`DROP TABLE ${S}.account_settings`);
    await q.query(`DROP TABLE ${S}.sku_mappings`);
    await q.query(`DROP TABLE ${S}.bundle_components`);
    await q.query(`DROP TABLE ${S}.bundles`);
    await q.query(`DROP INDEX ${S}.stock_oversold_idx`);
    await q.query(`ALTER TABLE ${S}.stock DROP COLUMN shared_on_hand, DROP COLUMN channel_on_hand, ADD COLUMN as_of bigint`);
    await q.query(
      `UPDATE ${S}.stock s SET as_of = l.as_of FROM (SELECT sku, max(as_of) AS as_of FROM ${S}.stock_levels GROUP BY sku) l WHERE l.sku = s.sku`,
    );
    await q.query(`DROP TABLE ${S}.stock_levels`);
    await q.query(`DROP TABLE ${S}.locations`);
  }
}
