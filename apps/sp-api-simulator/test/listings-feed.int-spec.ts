import { gunzipSync } from 'node:zlib';
import { DE, IT, SELLER, SimulatorHarness, sleep, type Json } from './support/simulator-harness';

const FEED_CONTENT_TYPE = 'application/json; charset=UTF-8';
const quantityPatch = (quantity: unknown, extra: Record<string, unknown> = {}) => [
  {
    op: 'merge',
    path: '/attributes/fulfillment_availability',
    value: [{ fulfillment_channel_code: 'DEFAULT', quantity, ...extra }],
  },
];

describe('listings: PATCH and JSON_LISTINGS_FEED', () => {
  let harness: SimulatorHarness;

  beforeAll(async () => {
    // Time scale 100: a PATCH applies 150 ms after it is accepted, a feed finishes after 400 ms.
    harness = await SimulatorHarness.start({ timeScale: 100, reportCompression: 'auto' });
    await harness.liftUsagePlans();
  });

  afterAll(async () => {
    await harness.close();
  });

  const patch = (sku: string, body: unknown, query: Record<string, string | string[]> = {}) =>
    harness.https('PATCH', `/listings/2021-08-01/items/${SELLER}/${encodeURIComponent(sku)}`, {
      query: { marketplaceIds: [IT], ...query },
      body,
    });
  const listing = async (sku: string) =>
    (await harness.control('GET', `/_sim/listings/${encodeURIComponent(sku)}`)).json;

  async function submitFeed(content: string | Buffer, contentType = FEED_CONTENT_TYPE): Promise<string> {
    const document = await harness.https('POST', '/feeds/2021-06-30/documents', { body: { contentType } });
    expect(document.status).toBe(201);
    const uploadUrl = new URL(document.json.url as string);
    const upload = await harness.https('PUT', uploadUrl.pathname + uploadUrl.search, {
      token: null,
      host: uploadUrl.host,
      rawBody: Buffer.isBuffer(content) ? content : Buffer.from(content),
      headers: { 'content-type': contentType },
    });
    expect(upload.status).toBe(200);
    const feed = await harness.https('POST', '/feeds/2021-06-30/feeds', {
      body: {
        feedType: 'JSON_LISTINGS_FEED',
        marketplaceIds: [IT],
        inputFeedDocumentId: document.json.feedDocumentId,
      },
    });
    expect(feed.status).toBe(202);
    return feed.json.feedId as string;
  }

  async function waitForFeed(
    feedId: string,
  ): Promise<{ processingStatus: string; resultFeedDocumentId: string; seen: string[] }> {
    const seen: string[] = [];
    for (let i = 0; i < 300; i++) {
      const feed = await harness.https('GET', `/feeds/2021-06-30/feeds/${feedId}`);
      expect(harness.violations('getFeed', 200, feed.json)).toEqual([]);
      if (seen[seen.length - 1] !== feed.json.processingStatus) seen.push(feed.json.processingStatus);
      if (['DONE', 'FATAL', 'CANCELLED'].includes(feed.json.processingStatus)) return { ...feed.json, seen };
      await sleep(20);
    }
    throw new Error(`feed ${feedId} did not finish`);
  }

  async function report(resultFeedDocumentId: string): Promise<Json> {
    const document = await harness.https('GET', `/feeds/2021-06-30/documents/${resultFeedDocumentId}`);
    expect(harness.violations('getFeedDocument', 200, document.json)).toEqual([]);
    const url = new URL(document.json.url as string);
    const raw = await harness.https('GET', url.pathname + url.search, { token: null, host: url.host });
    expect(raw.status).toBe(200);
    const bytes = document.json.compressionAlgorithm === 'GZIP' ? gunzipSync(raw.body) : raw.body;
    const parsed = JSON.parse(bytes.toString('utf8'));
    expect(harness.models.validateProcessingReport(parsed)).toEqual([]);
    // amazon-sp-api's download() (through the endpoint agent) must see the same report.
    const viaClient = JSON.parse(String(await harness.client().download(document.json, { unzip: true })));
    expect(viaClient).toEqual(parsed);
    return { ...parsed, compressionAlgorithm: document.json.compressionAlgorithm };
  }

  describe('patchListingsItem', () => {
    it('answers ACCEPTED, applies after the delay, and merge keeps the lead time', async () => {
      await harness.control('PUT', '/_sim/listings/MUG-1', {
        productType: 'HOME',
        quantity: 4,
        leadTimeToShipMaxDays: 3,
      });
      const accepted = await patch('MUG-1', { productType: 'HOME', patches: quantityPatch(7) });
      expect(accepted.status).toBe(200);
      expect(accepted.json).toMatchObject({ sku: 'MUG-1', status: 'ACCEPTED', issues: [] });
      expect(harness.violations('patchListingsItem', 200, accepted.json)).toEqual([]);

      const queued = await listing('MUG-1');
      expect(queued.quantity).toBe(4);
      expect(queued.pendingPatches).toBe(1);

      await sleep(200);
      const applied = await listing('MUG-1');
      expect(applied.quantity).toBe(7);
      expect(applied.attributes.fulfillment_availability).toEqual([
        { fulfillment_channel_code: 'DEFAULT', quantity: 7, lead_time_to_ship_max_days: 3 },
      ]);
      const change = applied.history[applied.history.length - 1];
      expect(change).toMatchObject({
        source: 'patch',
        reference: accepted.json.submissionId,
        quantityBefore: 4,
        quantityAfter: 7,
      });
      expect(Date.parse(change.appliedAt) - Date.parse(change.receivedAt)).toBeGreaterThanOrEqual(140);
      const history = (await harness.control('GET', '/_sim/listings/MUG-1/history')).json;
      expect(history.changes).toEqual(applied.history);
      expect(history.changes[history.changes.length - 1].sequence).toBeGreaterThan(
        history.changes[history.changes.length - 2].sequence,
      );
      expect((await harness.control('GET', '/_sim/listings/NOPE-1/history')).status).toBe(404);

      await patch('MUG-1', {
        productType: 'HOME',
        patches: [
          {
            op: 'replace',
            path: '/attributes/fulfillment_availability',
            value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 2 }],
          },
        ],
      });
      await sleep(200);
      expect((await listing('MUG-1')).attributes.fulfillment_availability).toEqual([
        { fulfillment_channel_code: 'DEFAULT', quantity: 2 },
      ]);
    });

    it('reports INVALID with issues for a wrong product type, a negative quantity or a bad path, and changes nothing', async () => {
      await harness.control('PUT', '/_sim/listings/MUG-2', { productType: 'HOME', quantity: 1 });
      for (const body of [
        { productType: 'SHOES', patches: quantityPatch(3) },
        { productType: 'HOME', patches: quantityPatch(-1) },
        {
          productType: 'HOME',
          patches: [
            {
              op: 'merge',
              path: '/fulfillment_availability',
              value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 3 }],
            },
          ],
        },
      ]) {
        const result = await patch('MUG-2', body);
        expect(result.status).toBe(200);
        expect(result.json.status).toBe('INVALID');
        expect(result.json.issues[0].severity).toBe('ERROR');
        expect(harness.violations('patchListingsItem', 200, result.json)).toEqual([]);
      }
      const missingProductType = await patch('MUG-2', { patches: quantityPatch(3) });
      expect(missingProductType.status).toBe(400);
      await sleep(200);
      expect((await listing('MUG-2')).quantity).toBe(1);
    });

    it('VALIDATION_PREVIEW checks without applying', async () => {
      await harness.control('PUT', '/_sim/listings/MUG-3', { productType: 'HOME', quantity: 1 });
      const result = await patch(
        'MUG-3',
        { productType: 'HOME', patches: quantityPatch(5) },
        { mode: 'VALIDATION_PREVIEW', includedData: ['identifiers', 'issues'] },
      );
      expect(result.json.status).toBe('VALID');
      expect(result.json.identifiers[0].marketplaceId).toBe(IT);
      await sleep(200);
      expect((await listing('MUG-3')).quantity).toBe(1);
    });

    it('a merchant quantity sent to an FBA listing makes it merchant-fulfilled, with a warning', async () => {
      await harness.control('PUT', '/_sim/listings/FBA-1', {
        productType: 'HOME',
        quantity: 10,
        fulfillmentChannelCode: 'AMAZON_EU',
      });
      const result = await patch('FBA-1', { productType: 'HOME', patches: quantityPatch(3) });
      expect(result.json.status).toBe('ACCEPTED');
      await sleep(200);
      const after = await listing('FBA-1');
      expect(after.fulfillmentChannelCode).toBe('DEFAULT');
      expect(after.history[after.history.length - 1]).toMatchObject({
        fulfillmentChannelBefore: 'AMAZON_EU',
        fulfillmentChannelAfter: 'DEFAULT',
      });
    });

    it('getListingsItem shows the product type and availability, and 404 for an unknown SKU', async () => {
      const item = await harness.https('GET', `/listings/2021-08-01/items/${SELLER}/MUG-1`, {
        query: {
          marketplaceIds: [IT],
          includedData: [
            'summaries',
            'attributes',
            'issues',
            'offers',
            'fulfillmentAvailability',
            'procurement',
            'relationships',
            'productTypes',
          ],
        },
      });
      expect(item.status).toBe(200);
      expect(harness.violations('getListingsItem', 200, item.json)).toEqual([]);
      expect(item.json.summaries[0]).toMatchObject({ marketplaceId: IT, productType: 'HOME' });
      const missing = await harness.https('GET', `/listings/2021-08-01/items/${SELLER}/NOPE`, {
        query: { marketplaceIds: [IT] },
      });
      expect(missing.status).toBe(404);
      expect(harness.violations('getListingsItem', 404, missing.json)).toEqual([]);
      const otherSeller = await harness.https('GET', '/listings/2021-08-01/items/A9OTHERSELLER/MUG-1', {
        query: { marketplaceIds: [IT] },
      });
      expect(otherSeller.status).toBe(403);
    });
  });

  describe('JSON_LISTINGS_FEED', () => {
    it('applies 10,000 SKUs and reports every message; invalid messages are errors in the report', async () => {
      const skus = Array.from({ length: 10_000 }, (_, i) => `BULK-${String(i).padStart(5, '0')}`);
      const seeded = await harness.control('POST', '/_sim/listings', {
        listings: skus.map((sku) => ({ sku, productType: 'HOME', quantity: 0, marketplaceIds: [IT, DE] })),
      });
      expect(seeded.json.seeded).toBe(10_000);

      const messages: unknown[] = skus.map((sku, i) => ({
        messageId: i + 1,
        sku,
        operationType: 'PATCH',
        productType: 'HOME',
        patches: quantityPatch(i % 97),
      }));
      messages.push(
        { messageId: 10_001, sku: 'BULK-00001', operationType: 'PATCH', patches: quantityPatch(1) },
        {
          messageId: 10_002,
          sku: 'BULK-00002',
          operationType: 'PATCH',
          productType: 'HOME',
          patches: quantityPatch(-5),
        },
        {
          messageId: 10_003,
          sku: 'BULK-00003',
          operationType: 'PATCH',
          productType: 'SHOES',
          patches: quantityPatch(1),
        },
        {
          messageId: 1,
          sku: 'BULK-00004',
          operationType: 'PATCH',
          productType: 'HOME',
          patches: quantityPatch(1),
        },
      );
      const feedId = await submitFeed(
        JSON.stringify({
          header: {
            sellerId: SELLER,
            version: '2.0',
            report: { includedData: ['fulfillmentAvailability'], apiVersion: '2021-08-01' },
          },
          messages,
        }),
      );
      const feed = await waitForFeed(feedId);
      expect(feed.processingStatus).toBe('DONE');
      expect(feed.seen).toEqual(['IN_QUEUE', 'IN_PROGRESS', 'DONE']);

      const result = await report(feed.resultFeedDocumentId);
      expect(result.compressionAlgorithm).toBe('GZIP');
      expect(result.header).toMatchObject({ sellerId: SELLER, version: '2.0', feedId });
      expect(result.summary).toMatchObject({
        messagesProcessed: 10_004,
        messagesAccepted: 10_000,
        messagesInvalid: 4,
      });
      const issuesByMessage = new Map<number, string>(
        result.issues.map((i: { messageId: number; code: string }) => [i.messageId, i.code]),
      );
      expect(issuesByMessage.get(10_001)).toBe('INVALID_MESSAGE');
      expect(issuesByMessage.get(10_002)).toBe('INVALID_QUANTITY');
      expect(issuesByMessage.get(10_003)).toBe('PRODUCT_TYPE_MISMATCH');
      expect(issuesByMessage.get(1)).toBe('DUPLICATE_MESSAGE_ID');
      // Each invalid message is an error, named by its message id; valid ones have no issues.
      expect(
        result.issues
          .map((i: { messageId: number; severity: string }) => `${i.messageId}:${i.severity}`)
          .sort(),
      ).toEqual(['10001:ERROR', '10002:ERROR', '10003:ERROR', '1:ERROR']);
      expect(result.summary).toMatchObject({ errors: 4, warnings: 0 });
      expect(result.items).toHaveLength(10_000);
      expect(result.items[42]).toEqual({
        sku: 'BULK-00042',
        fulfillmentAvailability: [{ fulfillmentChannelCode: 'DEFAULT', quantity: 42 }],
      });

      const all = (await harness.control('GET', `/_sim/listings?sellerId=${SELLER}`)).json.listings as {
        sku: string;
        quantity: number;
      }[];
      const quantities = new Map(all.map((l) => [l.sku, l.quantity]));
      expect(skus.every((sku, i) => quantities.get(sku) === i % 97)).toBe(true);

      const history = (await listing('BULK-00002')).history;
      expect(history[history.length - 1]).toMatchObject({
        source: 'feed',
        reference: `${feedId}/3`,
        quantityAfter: 2,
      });
    });

    it('a document that is not JSON makes the feed FATAL with a report saying why', async () => {
      const feed = await waitForFeed(await submitFeed('<?xml version="1.0"?><AmazonEnvelope/>'));
      expect(feed.processingStatus).toBe('FATAL');
      const result = await report(feed.resultFeedDocumentId);
      expect(result.issues[0]).toMatchObject({ code: 'INVALID_JSON', severity: 'ERROR' });
    });

    it('a feed breaking the envelope schema (no header) is FATAL', async () => {
      const feed = await waitForFeed(
        await submitFeed(JSON.stringify({ messages: [{ messageId: 1, sku: 'X', operationType: 'DELETE' }] })),
      );
      expect(feed.processingStatus).toBe('FATAL');
      expect((await report(feed.resultFeedDocumentId)).issues[0].code).toBe('INVALID_FEED');
    });

    it('a fatalFeed fault accepts a good feed, then ends it FATAL with nothing applied; the next feed is processed', async () => {
      await harness.control('PUT', '/_sim/listings/FATAL-1', { productType: 'HOME', quantity: 1 });
      const document = JSON.stringify({
        header: { sellerId: SELLER, version: '2.0' },
        messages: [
          {
            messageId: 1,
            sku: 'FATAL-1',
            operationType: 'PATCH',
            productType: 'HOME',
            patches: quantityPatch(9),
          },
        ],
      });
      const added = await harness.control('POST', '/_sim/faults', {
        operation: 'createFeed',
        kind: 'fatalFeed',
        share: 1,
        limit: 1,
      });
      expect(added.status).toBe(201);
      try {
        const fatal = await waitForFeed(await submitFeed(document));
        expect(fatal.processingStatus).toBe('FATAL');
        expect(fatal.seen).toContain('IN_QUEUE');
        const result = await report(fatal.resultFeedDocumentId);
        expect(result.issues[0]).toMatchObject({ code: 'INTERNAL_ERROR', severity: 'ERROR' });
        expect(result.summary).toMatchObject({ messagesProcessed: 0, messagesAccepted: 0 });
        expect((await listing('FATAL-1')).quantity).toBe(1);

        const done = await waitForFeed(await submitFeed(document));
        expect(done.processingStatus).toBe('DONE');
        expect((await listing('FATAL-1')).quantity).toBe(9);
      } finally {
        await harness.control('DELETE', '/_sim/faults');
      }
    });

    it('a PATCH sent after a feed can be applied before it', async () => {
      await harness.control('PUT', '/_sim/listings/RACE-1', { productType: 'HOME', quantity: 1 });
      const feedId = await submitFeed(
        JSON.stringify({
          header: { sellerId: SELLER, version: '2.0' },
          messages: [
            {
              messageId: 1,
              sku: 'RACE-1',
              operationType: 'PATCH',
              productType: 'HOME',
              patches: quantityPatch(10),
            },
          ],
        }),
      );
      await patch('RACE-1', { productType: 'HOME', patches: quantityPatch(20) });
      await waitForFeed(feedId);
      const raced = await listing('RACE-1');
      // Sent second, applied first: the feed's older quantity wins.
      expect(raced.history.slice(1).map((h: { source: string }) => h.source)).toEqual(['patch', 'feed']);
      expect(raced.quantity).toBe(10);
    });

    it('refuses retired feed types, unknown documents and an upload with another content type', async () => {
      const retired = await harness.https('POST', '/feeds/2021-06-30/feeds', {
        body: {
          feedType: 'POST_INVENTORY_AVAILABILITY_DATA',
          marketplaceIds: [IT],
          inputFeedDocumentId: 'x',
        },
      });
      expect(retired.status).toBe(400);
      const unknown = await harness.https('POST', '/feeds/2021-06-30/feeds', {
        body: { feedType: 'JSON_LISTINGS_FEED', marketplaceIds: [IT], inputFeedDocumentId: 'nope' },
      });
      expect(unknown.status).toBe(400);
      expect(harness.violations('createFeed', 400, unknown.json)).toEqual([]);

      const document = await harness.https('POST', '/feeds/2021-06-30/documents', {
        body: { contentType: FEED_CONTENT_TYPE },
      });
      const url = new URL(document.json.url as string);
      const wrongType = await harness.https('PUT', url.pathname + url.search, {
        token: null,
        host: url.host,
        rawBody: Buffer.from('{}'),
        headers: { 'content-type': 'text/xml' },
      });
      expect(wrongType.status).toBe(403);
      expect(wrongType.text).toContain('<Code>SignatureDoesNotMatch</Code>');
      const tampered = await harness.https(
        'PUT',
        url.pathname + url.search.replace(/signature=[0-9a-f]{4}/, 'signature=0000'),
        {
          token: null,
          host: url.host,
          rawBody: Buffer.from('{}'),
          headers: { 'content-type': FEED_CONTENT_TYPE },
        },
      );
      expect(tampered.status).toBe(403);
    });
  });

  it('small reports are served uncompressed', async () => {
    const feed = await waitForFeed(
      await submitFeed(
        JSON.stringify({
          header: { sellerId: SELLER, version: '2.0' },
          messages: [
            {
              messageId: 1,
              sku: 'MUG-1',
              operationType: 'PATCH',
              productType: 'HOME',
              patches: quantityPatch(1),
            },
          ],
        }),
      ),
    );
    const result = await report(feed.resultFeedDocumentId);
    expect(result.compressionAlgorithm).toBeUndefined();
  });
});
