/** The EU-region marketplaces the simulator sells on (SP-API region "eu"). */
export interface Marketplace {
  id: string;
  countryCode: string;
  name: string;
  currencyCode: string;
}

export const EU_MARKETPLACES: readonly Marketplace[] = [
  { id: 'APJ6JRA9NG5V4', countryCode: 'IT', name: 'Amazon.it', currencyCode: 'EUR' },
  { id: 'A1PA6795UKMFR9', countryCode: 'DE', name: 'Amazon.de', currencyCode: 'EUR' },
  { id: 'A13V1IB3VIYZZH', countryCode: 'FR', name: 'Amazon.fr', currencyCode: 'EUR' },
  { id: 'A1RKKUPIHCS9HS', countryCode: 'ES', name: 'Amazon.es', currencyCode: 'EUR' },
  { id: 'A1F83G8C2ARO7P', countryCode: 'GB', name: 'Amazon.co.uk', currencyCode: 'GBP' },
];

export const EU_MARKETPLACE_IDS: readonly string[] = EU_MARKETPLACES.map((m) => m.id);

export function findMarketplace(id: string): Marketplace | undefined {
  return EU_MARKETPLACES.find((m) => m.id === id);
}

export function requireMarketplace(id: string): Marketplace {
  const marketplace = findMarketplace(id);
  if (!marketplace) throw new Error(`unknown marketplace ${id}`);
  return marketplace;
}
