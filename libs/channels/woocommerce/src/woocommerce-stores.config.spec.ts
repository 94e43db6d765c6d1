import { WooCommerceStoresConfigError } from './secret-ref';
import { loadWooCommerceStores, wooCommerceCredentialsFor } from './woocommerce-stores.config';

describe('WooCommerce stores configuration', () => {
  const store = {
    accountId: 'woo-main',
    storeUrl: 'https://shop.example.com/',
    consumerKey: { env: 'WOO_CK' },
    consumerSecret: { env: 'WOO_CS' },
    webhookSecret: { env: 'WOO_WH' },
  };

  it('reads stores inline with defaults and their secrets from the environment', () => {
    const [loaded] = loadWooCommerceStores({ WOOCOMMERCE_STORES: JSON.stringify([store]) });
    expect(loaded).toMatchObject({ storeUrl: 'https://shop.example.com', requestsPerSecond: 5, burst: 10 });
    expect(wooCommerceCredentialsFor(loaded, { WOO_CK: 'ck_1', WOO_CS: 'cs_1', WOO_WH: 'wh' })).toMatchObject(
      {
        consumerKey: 'ck_1',
        consumerSecret: 'cs_1',
        webhookSecrets: ['wh'],
      },
    );
  });

  it('refuses unknown fields, duplicates and unset secrets', () => {
    expect(() =>
      loadWooCommerceStores({ WOOCOMMERCE_STORES: JSON.stringify([{ ...store, password: 'x' }]) }),
    ).toThrow(WooCommerceStoresConfigError);
    expect(() => loadWooCommerceStores({ WOOCOMMERCE_STORES: JSON.stringify([store, store]) })).toThrow(
      /unique/,
    );
    const [loaded] = loadWooCommerceStores({ WOOCOMMERCE_STORES: JSON.stringify([store]) });
    expect(() => wooCommerceCredentialsFor(loaded, {})).toThrow(/WOO_CK/);
  });
});
