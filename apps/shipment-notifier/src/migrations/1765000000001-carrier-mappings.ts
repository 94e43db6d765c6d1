import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../config/notifier.config';

const S = `"${NOTIFIER_SCHEMA}"`;

/*
 * Amazon's confirmShipment carrier codes seen for Italy and Germany. The spellings are not
 * verified against a list Amazon publishes, which is why they are data (editable through the
 * API) and not code. Frozen here as of this migration: later changes are new migrations or
 * API edits, never edits of this file.
 */
const AMAZON_CARRIER_CODES = [
  'BRT',
  'Bartolini',
  'GLS',
  'SDA',
  'Poste Italiane',
  'DHL',
  'DHL-Paket',
  'DHL Express',
  'UPS',
  'DPD',
  'Hermes',
  'Hermes Logistik Gruppe',
  'Deutsche Post',
  'TNT',
  'FedEx',
  'GO!',
  'InPost',
  'Fercam',
  'Arco Spedizioni',
  'Amazon Shipping',
  'Other',
];

/** Internal carrier key (normalized: lower case, words joined by "-") → Amazon code, every marketplace. */
const DEFAULT_AMAZON_MAPPINGS: [string, string][] = [
  ['brt', 'BRT'],
  ['bartolini', 'Bartolini'],
  ['gls', 'GLS'],
  ['sda', 'SDA'],
  ['poste-italiane', 'Poste Italiane'],
  ['poste', 'Poste Italiane'],
  ['dhl', 'DHL'],
  ['dhl-paket', 'DHL-Paket'],
  ['dhl-express', 'DHL Express'],
  ['ups', 'UPS'],
  ['dpd', 'DPD'],
  ['hermes', 'Hermes'],
  ['hermes-logistik-gruppe', 'Hermes Logistik Gruppe'],
  ['deutsche-post', 'Deutsche Post'],
  ['tnt', 'TNT'],
  ['fedex', 'FedEx'],
  ['go', 'GO!'],
  ['inpost', 'InPost'],
  ['fercam', 'Fercam'],
  ['arco-spedizioni', 'Arco Spedizioni'],
  ['amazon-shipping', 'Amazon Shipping'],
];

/**
 * Carrier mapping as data: the codes each channel accepts, and the merchant's carriers
 * mapped to them per channel and marketplace ('*' = every marketplace of the channel).
 */
export class CarrierMappings1765000000001 implements MigrationInterface {
  name = 'CarrierMappings1765000000001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE ${S}.channel_carrier_codes (
      channel text NOT NULL,
      code text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (channel, code))`);
    await q.query(`CREATE TABLE ${S}.carrier_mappings (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      carrier text NOT NULL,
      channel text NOT NULL,
      marketplace_id text NOT NULL DEFAULT '*',
      code text NOT NULL,
      name text,
      updated_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (carrier, channel, marketplace_id),
      CHECK (code <> 'Other' OR (name IS NOT NULL AND btrim(name) <> '')))`);
    for (const code of AMAZON_CARRIER_CODES) {
      await q.query(`INSERT INTO ${S}.channel_carrier_codes (channel, code) VALUES ('amazon', $1)`, [code]);
    }
    for (const [carrier, code] of DEFAULT_AMAZON_MAPPINGS) {
      await q.query(
        `INSERT INTO ${S}.carrier_mappings (carrier, channel, marketplace_id, code) VALUES ($1, 'amazon', '*', $2)`,
        [carrier, code],
      );
    }
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE ${S}.carrier_mappings`);
    await q.query(`DROP TABLE ${S}.channel_carrier_codes`);
  }
}
