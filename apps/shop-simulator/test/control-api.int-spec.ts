import { ShopSimulatorHarness, SHOP, type Json } from './support/shop-simulator-harness';

describe('shop simulator control API', () => {
  it('documents itself, validates input as problem+json, and resets to the configured accounts', async () => {
    const sim = await ShopSimulatorHarness.start();
    try {
      const doc = await sim.ok('GET', '/_sim/openapi.json');
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths)).toEqual(
        expect.arrayContaining([
          '/_sim/faults',
          '/_sim/shopify/shops/{shop}/orders',
          '/_sim/woocommerce/stores/{store}/products',
        ]),
      );
      expect(
        doc.paths['/_sim/faults'].post.requestBody.content['application/json'].schema.properties.kind.enum,
      ).toContain('http503');

      const invalid = await sim.control('POST', `/_sim/shopify/shops/${SHOP}/orders`, {
        lines: [],
        extra: true,
      });
      expect(invalid.status).toBe(400);
      expect(invalid.headers.get('content-type')).toContain('application/problem+json');
      expect(invalid.json.detail).toMatch(/lines/);

      await sim.ok('POST', `/_sim/shopify/shops/${SHOP}/products`, {
        products: [{ sku: 'X', available: 1 }],
      });
      await sim.ok('POST', '/_sim/shopify/shops', {
        domain: 'second.myshopify.com',
        accessToken: 'shpat_second_token',
        webhookSecret: 'second-secret',
      });
      expect((await sim.ok('GET', '/_sim/shopify/shops')).shops).toHaveLength(2);
      expect((await sim.control('POST', '/_sim/reset')).status).toBe(204);
      const shops = (await sim.ok('GET', '/_sim/shopify/shops')).shops;
      expect(shops.map((s: Json) => [s.domain, s.products])).toEqual([[SHOP, 0]]);
      expect((await sim.ok('GET', '/_sim/woocommerce/stores')).stores.map((s: Json) => s.storeId)).toEqual([
        'demo',
      ]);
    } finally {
      await sim.close();
    }
  });

  it('malformedBody applies the change, then answers 200 with half a JSON document', async () => {
    const sim = await ShopSimulatorHarness.start();
    const base = '/_sim/woocommerce/stores/demo';
    try {
      await sim.ok('POST', `${base}/products`, { products: [{ sku: 'MUG', stockQuantity: 10 }] });
      const stock = async () => (await sim.ok('GET', `${base}/stock?sku=MUG`)).items[0];
      const { productId } = await stock();
      await sim.ok('POST', '/_sim/faults', {
        platform: 'woocommerce',
        operation: 'products.batch',
        kind: 'malformedBody',
        limit: 1,
      });
      const broken = await sim.woo('POST', '/products/batch', {
        update: [{ id: productId, stock_quantity: 4 }],
      });
      expect(broken.status).toBe(200);
      expect(broken.headers.get('content-type')).toContain('application/json');
      expect(() => JSON.parse(broken.text) as unknown).toThrow();
      expect(broken.text.length).toBeGreaterThan(0);
      // The change happened; the client just cannot read that it did.
      expect((await stock()).stockQuantity).toBe(4);
      const whole = await sim.woo('POST', '/products/batch', {
        update: [{ id: productId, stock_quantity: 5 }],
      });
      expect(whole.json.update[0]).toMatchObject({ id: productId, stock_quantity: 5 });
      expect((await stock()).stockQuantity).toBe(5);

      await sim.ok('POST', '/_sim/faults', {
        platform: 'shopify',
        operation: 'shop',
        kind: 'malformedBody',
        limit: 1,
      });
      const shop = await sim.graphql('{ shop { name } }');
      expect(shop.status).toBe(200);
      expect(() => JSON.parse(shop.text) as unknown).toThrow();
      expect((await sim.graphql('{ shop { name } }')).json.data.shop.name).toEqual(expect.any(String));
    } finally {
      await sim.close();
    }
  });

  it('draws the same faults for the same seed and the same calls', async () => {
    const run = async (seed: number) => {
      const sim = await ShopSimulatorHarness.start({ seed });
      try {
        await sim.ok('POST', '/_sim/faults', {
          platform: 'woocommerce',
          operation: 'orders.list',
          kind: 'http500',
          share: 0.5,
        });
        const statuses: number[] = [];
        for (let i = 0; i < 20; i++) statuses.push((await sim.woo('GET', '/orders')).status);
        return statuses;
      } finally {
        await sim.close();
      }
    };
    const first = await run(7);
    expect(await run(7)).toEqual(first);
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run(8)).not.toEqual(first);
  });
});
