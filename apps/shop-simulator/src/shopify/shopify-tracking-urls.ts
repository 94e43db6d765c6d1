/**
 * Tracking URL templates for a few of the companies Shopify knows. For a known company Shopify
 * builds the URL itself when none is given; for any other name the tracking number stays plain text.
 * The simulator needs only enough of these to show the behaviour.
 */
const TEMPLATES: Record<string, (number: string) => string> = {
  'DHL Express': (n) => `https://www.dhl.com/en/express/tracking.html?AWB=${n}&brand=DHL`,
  'DHL eCommerce': (n) => `https://webtrack.dhlecs.com/?trackingnumber=${n}`,
  UPS: (n) => `https://www.ups.com/track?tracknum=${n}`,
  FedEx: (n) => `https://www.fedex.com/fedextrack/?trknbr=${n}`,
  USPS: (n) => `https://tools.usps.com/go/TrackConfirmAction?tLabels=${n}`,
  DPD: (n) => `https://tracking.dpd.de/status/en_US/parcel/${n}`,
  GLS: (n) => `https://gls-group.com/track/${n}`,
  'Poste Italiane': (n) => `https://www.poste.it/cerca/index.html#/risultati-spedizioni/${n}`,
  BRT: (n) => `https://vas.brt.it/vas/sped_det_show.hsm?chisono=${n}`,
  'Royal Mail': (n) => `https://www.royalmail.com/track-your-item#/tracking-results/${n}`,
  'Deutsche Post': (n) => `https://www.deutschepost.de/sendung/simpleQuery.html?form.sendungsnummer=${n}`,
  'La Poste': (n) => `https://www.laposte.fr/outils/suivre-vos-envois?code=${n}`,
  Correos: (n) => `https://www.correos.es/es/es/herramientas/localizador/envios/detalle?tracking-number=${n}`,
};

export function generatedTrackingUrl(company: string | null, number: string | null): string | null {
  if (!company || !number) return null;
  const template = TEMPLATES[company];
  return template ? template(encodeURIComponent(number)) : null;
}
