import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildQuantityFeed,
  feedMessageOutcomes,
  parseListingsFeedReport,
  ProcessingReportError,
  type FeedQuantityMessage,
} from './json-listings-feed';

const MODELS = path.resolve(__dirname, '../../../../../third_party/sp-api-models/schemas/feeds');
const schema = (file: string): object => JSON.parse(readFileSync(path.join(MODELS, file), 'utf8')) as object;

function validator(file: string) {
  // Amazon's schemas use keywords and formats ajv does not know; only the structure matters here.
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  return ajv.compile(schema(file));
}

const messages: FeedQuantityMessage[] = [
  { messageId: 1, sku: 'MUG-1', productType: 'HOME', quantity: 7 },
  { messageId: 2, sku: 'MUG-2', productType: 'HOME', quantity: 0 },
  { messageId: 3, sku: 'MUG-3', productType: 'HOME', quantity: 3 },
];

describe(buildQuantityFeed.name, () => {
  it('writes a document that listings-feed-schema-v2 accepts, with a merge patch per SKU', () => {
    const document = JSON.parse(buildQuantityFeed('A2SELLER', messages));
    const validate = validator('listings-feed-schema-v2.json');
    expect(validate(document)).toBe(true);
    expect(document.header).toEqual({
      sellerId: 'A2SELLER',
      version: '2.0',
      report: { includedData: ['fulfillmentAvailability'], apiVersion: '2021-08-01' },
    });
    expect(document.messages[0]).toEqual({
      messageId: 1,
      sku: 'MUG-1',
      operationType: 'PATCH',
      productType: 'HOME',
      patches: [{ op: 'merge', path: '/attributes/fulfillment_availability', value: [{ fulfillment_channel_code: 'DEFAULT', quantity: 7 }] }],
    });
  });

  it('refuses empty feeds, feeds over 25,000 messages and negative quantities', () => {
    expect(() => buildQuantityFeed('S', [])).toThrow(RangeError);
    const tooMany = Array.from({ length: 25_001 }, (_, i) => ({ messageId: i + 1, sku: `S${i}`, productType: 'HOME', quantity: 1 }));
    expect(() => buildQuantityFeed('S', tooMany)).toThrow(/25000/);
    expect(() => buildQuantityFeed('S', [{ messageId: 1, sku: 'X', productType: 'HOME', quantity: -1 }])).toThrow(RangeError);
  });
});

describe(parseListingsFeedReport.name, () => {
  const report = {
    header: { sellerId: 'A2SELLER', version: '2.0', feedId: '50001', report: { includedData: ['fulfillmentAvailability'], apiVersion: '2021-08-01' } },
    issues: [
      { messageId: 2, sku: 'MUG-2', code: 'PRODUCT_TYPE_MISMATCH', severity: 'ERROR', message: 'wrong type' },
      { messageId: 1, sku: 'MUG-1', code: 'SOME_WARNING', severity: 'WARNING', message: 'just saying' },
    ],
    summary: { errors: 1, warnings: 1, messagesProcessed: 3, messagesAccepted: 2, messagesInvalid: 1, itemSummary: { items: 2, errors: 0, warnings: 0 } },
    items: [
      { sku: 'MUG-1', fulfillmentAvailability: [{ fulfillmentChannelCode: 'DEFAULT', quantity: 7 }] },
      { sku: 'MUG-3', fulfillmentAvailability: [{ fulfillmentChannelCode: 'DEFAULT', quantity: 2 }] },
    ],
  };

  it('reads a report that matches the processing report schema', () => {
    expect(validator('listings-feed-processing-report-schema-v2.json')(report)).toBe(true);
    const parsed = parseListingsFeedReport(JSON.stringify(report));
    expect(parsed.feedId).toBe('50001');
    expect(parsed.issuesByMessage.get(2)?.[0].code).toBe('PRODUCT_TYPE_MISMATCH');
    expect(parsed.quantityBySku?.get('MUG-1')).toBe(7);
  });

  it('decides per message: errors and unexpected quantities are not applied, warnings are', () => {
    const outcomes = feedMessageOutcomes(parseListingsFeedReport(JSON.stringify(report)), messages);
    expect(outcomes).toEqual([
      { messageId: 1, applied: true },
      { messageId: 2, applied: false, code: 'PRODUCT_TYPE_MISMATCH', message: 'wrong type' },
      { messageId: 3, applied: false, code: 'QuantityNotApplied', message: 'the report shows quantity 2 instead of 3' },
    ]);
  });

  it('does not count a message the report forgets as applied', () => {
    const partial = { ...report, issues: [], items: [report.items[0]] };
    const outcomes = feedMessageOutcomes(parseListingsFeedReport(JSON.stringify(partial)), messages);
    expect(outcomes.map((o) => (o.applied ? 'applied' : o.code))).toEqual(['applied', 'NotInReport', 'NotInReport']);
  });

  it('keeps feed-level issues of a FATAL report apart', () => {
    const fatal = {
      header: { sellerId: 'A2SELLER', version: '2.0', feedId: '50002' },
      issues: [{ code: 'INVALID_JSON', severity: 'ERROR', message: 'not JSON' }],
      summary: { errors: 1, warnings: 0, messagesProcessed: 0, messagesAccepted: 0, messagesInvalid: 0 },
    };
    const parsed = parseListingsFeedReport(JSON.stringify(fatal));
    expect(parsed.feedIssues).toEqual([{ code: 'INVALID_JSON', severity: 'ERROR', message: 'not JSON' }]);
    expect(parsed.quantityBySku).toBeNull();
  });

  it('refuses a document that is not a processing report', () => {
    expect(() => parseListingsFeedReport('<xml/>')).toThrow(ProcessingReportError);
    expect(() => parseListingsFeedReport('{"summary":{}}')).toThrow(/schema/);
  });
});
