import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ShopifyShopsConfigError } from './secret-ref';
import { loadShopifyShops, shopifyCredentialsFor } from './shopify-shops.config';

describe('Shopify shops configuration', () => {
  const shop = {
    shopDomain: 'Demo.myshopify.com',
    accessToken: { env: 'SHOP_TOKEN' },
    webhookSecret: { env: 'SHOP_WH' },
  };

  it('reads shops from a file, secrets from env and files, and defaults the account id to the domain', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'shopify-shops-'));
    writeFileSync(path.join(dir, 'secret'), 'whsec\n');
    writeFileSync(
      path.join(dir, 'shops.json'),
      JSON.stringify([{ ...shop, webhookSecret: { file: path.join(dir, 'secret') } }]),
    );
    const [loaded] = loadShopifyShops({ SHOPIFY_SHOPS_FILE: path.join(dir, 'shops.json') });
    expect(loaded).toMatchObject({
      accountId: 'demo.myshopify.com',
      shopDomain: 'demo.myshopify.com',
      apiVersion: '2026-07',
      notifyCustomer: true,
    });
    const credentials = shopifyCredentialsFor(loaded, {
      SHOP_TOKEN: 'shpat_x',
      SHOPIFY_ENDPOINT: 'http://127.0.0.1:8450',
    });
    expect(credentials).toMatchObject({
      accessToken: 'shpat_x',
      webhookSecrets: ['whsec'],
      endpoint: 'http://127.0.0.1:8450',
    });
  });

  it('refuses a bad domain, duplicates and missing secrets with a message that names the problem', () => {
    expect(() =>
      loadShopifyShops({ SHOPIFY_SHOPS: JSON.stringify([{ ...shop, shopDomain: 'example.com' }]) }),
    ).toThrow(/shopDomain/);
    expect(() => loadShopifyShops({ SHOPIFY_SHOPS: JSON.stringify([shop, shop]) })).toThrow(/unique/);
    const [loaded] = loadShopifyShops({
      SHOPIFY_SHOPS: JSON.stringify([{ ...shop, webhookSecret: { env: 'NOPE' } }]),
    });
    expect(() => shopifyCredentialsFor(loaded, {})).toThrow(ShopifyShopsConfigError);
    expect(loadShopifyShops({})).toEqual([]);
  });
});
