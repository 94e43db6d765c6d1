/**
 * Tracking company names Shopify knows (FulfillmentTrackingInfo, "supported tracking companies",
 * the list shown for shops in any country, plus the Italian, German and French carriers it lists for
 * shops there). For these names Shopify builds the tracking URL itself and follows the shipment;
 * the name must be sent exactly as written (capitalization matters). Extend by configuration
 * (aliases) rather than editing this list when Shopify adds a carrier.
 */
export const SHOPIFY_TRACKING_COMPANIES: readonly string[] = [
  '4PX',
  'AGS',
  'Amazon',
  'Amazon Logistics UK',
  'An Post',
  'Anjun Logistics',
  'APC',
  'Asendia USA',
  'Australia Post',
  'Bonshaw',
  'BPost',
  'BPost International',
  'BRT',
  'Canada Post',
  'Canpar',
  'CDL Last Mile',
  'China Post',
  'Chronopost',
  'Chukou1',
  'Colissimo',
  'Comingle',
  'Coordinadora',
  'Correios',
  'Correos',
  'CTT',
  'CTT Express',
  'Cyprus Post',
  'Delnext',
  'Deutsche Post',
  'DHL eCommerce',
  'DHL eCommerce Asia',
  'DHL Express',
  'DPD',
  'DPD Local',
  'DPD UK',
  'DTD Express',
  'DX',
  'Eagle',
  'Estes',
  'Evri',
  'FedEx',
  'First Global Logistics',
  'First Line',
  'FSC',
  'Fulfilla',
  'GLS',
  'GLS Italy',
  'Hermes',
  'Iceland Post',
  'IDEX',
  'Israel Post',
  'Japan Post (EN)',
  'Japan Post (JA)',
  'La Poste',
  'Lasership',
  'Latvia Post',
  'Lietuvos Paštas',
  'Logisters',
  'Lone Star Overnight',
  'M3 Logistics',
  'Meteor Space',
  'Mondial Relay',
  'New Zealand Post',
  'NinjaVan',
  'OnTrac',
  'Packeta',
  'Pago Logistics',
  'Ping An Da Tong',
  'Pilot Freight Services',
  'Poste Italiane',
  'PostNL',
  'PostNord DK',
  'PostNord NO',
  'PostNord SE',
  'Purolator',
  'Qxpress',
  'Qyun Express',
  'Royal Mail',
  'Royal Shipments',
  'Sagawa (EN)',
  'Sagawa (JA)',
  'SDA',
  'Sendle',
  'SF Express',
  'SFC Fulfillment',
  'Singapore Post',
  'Southwest Air Cargo',
  'StarTrack',
  'Step Forward Freight',
  'Swiss Post',
  'TForce Final Mile',
  'Tinghao',
  'TNT',
  'Toll IPEC',
  'United Delivery Service',
  'UPS',
  'USPS',
  'Venipak',
  'We Post',
  'Whistl',
  'Wizmo',
  'WMYC',
  'Xpedigo',
  'XPO Logistics',
  'Yamato (EN)',
  'Yamato (JA)',
  'YiFan Express',
  'YunExpress',
];

/** Common ERP carrier codes that are not Shopify's names as they stand. */
const DEFAULT_ALIASES: Record<string, string> = {
  DHL: 'DHL Express',
  DHLEXPRESS: 'DHL Express',
  POSTE: 'Poste Italiane',
  POSTEITALIANE: 'Poste Italiane',
  BARTOLINI: 'BRT',
  BRTBARTOLINI: 'BRT',
  GLSITALY: 'GLS Italy',
  FEDEX: 'FedEx',
  TNTEXPRESS: 'TNT',
  ROYALMAIL: 'Royal Mail',
  DEUTSCHEPOST: 'Deutsche Post',
};

export interface ShopifyTrackingCompany {
  /** What goes into trackingInfo.company. */
  company: string;
  /** True when Shopify knows the name (it builds the URL and tracks the parcel). */
  known: boolean;
}

const normalized = (value: string) => value.toUpperCase().replace(/[^A-Z0-9]/g, '');
const BY_KEY = new Map(SHOPIFY_TRACKING_COMPANIES.map((name) => [normalized(name), name]));

/**
 * The Shopify tracking company for a carrier as the ERP or the carrier mapping names it: the
 * shop's own aliases first, then Shopify's names ignoring case and punctuation, then a few common
 * codes; anything else is sent as free text (Shopify shows it, without a link unless a URL is sent).
 */
export function shopifyTrackingCompany(
  carrier: string,
  aliases: Record<string, string> = {},
): ShopifyTrackingCompany {
  const key = normalized(carrier);
  for (const [alias, company] of Object.entries(aliases)) {
    if (normalized(alias) === key) return { company, known: BY_KEY.get(normalized(company)) === company };
  }
  const direct = BY_KEY.get(key) ?? DEFAULT_ALIASES[key];
  if (direct) return { company: direct, known: true };
  return { company: carrier.trim(), known: false };
}
