import type { MigrationInterface, QueryRunner } from 'typeorm';
import { NOTIFIER_SCHEMA } from '../config/notifier.config';

const S = `"${NOTIFIER_SCHEMA}"`;

/*
 * Default carrier mappings for the web shops, for the common Italian and German carriers. Web
 * shops take any carrier name, so neither gets a code list (a mapping may name any carrier):
 *
 * - Shopify: the exact name of a tracking company Shopify knows (it then builds the tracking link
 *   and follows the parcel); carriers it does not list go as the name the buyer should read.
 * - WooCommerce: the Shipment Tracking convention's free-text provider, as the buyer should read it.
 *
 * Frozen here as of this migration: later changes are new migrations or API edits.
 */
const SHOPIFY_MAPPINGS: [string, string][] = [
  ['brt', 'BRT'],
  ['bartolini', 'BRT'],
  ['brt-bartolini', 'BRT'],
  ['gls', 'GLS'],
  ['gls-italy', 'GLS Italy'],
  ['sda', 'SDA'],
  ['poste', 'Poste Italiane'],
  ['poste-italiane', 'Poste Italiane'],
  ['dhl', 'DHL Express'],
  ['dhl-express', 'DHL Express'],
  ['deutsche-post', 'Deutsche Post'],
  ['ups', 'UPS'],
  ['dpd', 'DPD'],
  ['hermes', 'Hermes'],
  ['hermes-logistik-gruppe', 'Hermes'],
  ['tnt', 'TNT'],
  ['fedex', 'FedEx'],
  // Not among Shopify's tracking companies: shown as written, without a generated link.
  ['dhl-paket', 'DHL Paket'],
  ['go', 'GO! Express & Logistics'],
  ['inpost', 'InPost'],
  ['fercam', 'Fercam'],
  ['arco-spedizioni', 'Arco Spedizioni'],
  ['nexive', 'Nexive'],
];

const WOOCOMMERCE_MAPPINGS: [string, string][] = [
  ['brt', 'BRT'],
  ['bartolini', 'BRT'],
  ['brt-bartolini', 'BRT'],
  ['gls', 'GLS'],
  ['gls-italy', 'GLS Italy'],
  ['sda', 'SDA'],
  ['poste', 'Poste Italiane'],
  ['poste-italiane', 'Poste Italiane'],
  ['dhl', 'DHL'],
  ['dhl-express', 'DHL Express'],
  ['dhl-paket', 'DHL Paket'],
  ['deutsche-post', 'Deutsche Post'],
  ['ups', 'UPS'],
  ['dpd', 'DPD'],
  ['hermes', 'Hermes'],
  ['hermes-logistik-gruppe', 'Hermes'],
  ['tnt', 'TNT'],
  ['fedex', 'FedEx'],
  ['go', 'GO! Express & Logistics'],
  ['inpost', 'InPost'],
  ['fercam', 'Fercam'],
  ['arco-spedizioni', 'Arco Spedizioni'],
  ['nexive', 'Nexive'],
];

/** Seeds the Shopify and WooCommerce carrier mappings (every marketplace: shops have none). */
export class ShopCarrierMappings1766000000000 implements MigrationInterface {
  name = 'ShopCarrierMappings1766000000000';

  async up(q: QueryRunner): Promise<void> {
    for (const [channel, mappings] of [
      ['shopify', SHOPIFY_MAPPINGS],
      ['woocommerce', WOOCOMMERCE_MAPPINGS],
    ] as const) {
      for (const [carrier, code] of mappings) {
        await q.query(
          `INSERT INTO ${S}.carrier_mappings (carrier, channel, marketplace_id, code) VALUES ($1, $2, '*', $3)
           ON CONFLICT (carrier, channel, marketplace_id) DO NOTHING`,
          [carrier, channel, code],
        );
      }
    }
  }

  async down(q: QueryRunner): Promise<void> {
    // Only the seeded rows as seeded: a mapping the merchant changed since stays.
    for (const [channel, mappings] of [
      ['shopify', SHOPIFY_MAPPINGS],
      ['woocommerce', WOOCOMMERCE_MAPPINGS],
    ] as const) {
      for (const [carrier, code] of mappings) {
        await q.query(
          `DELETE FROM ${S}.carrier_mappings WHERE carrier = $1 AND channel = $2 AND marketplace_id = '*' AND code = $3`,
          [carrier, channel, code],
        );
      }
    }
  }
}
