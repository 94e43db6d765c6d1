import { parseAsOf } from '../../common/as-of';
import { parseStockFile, splitCsv, type StockFileFormat } from './stock-file';

async function* linesOf(text: string): AsyncIterable<string> {
  for (const line of text.split('\n')) yield line;
}

const parse = (text: string, format: StockFileFormat, defaultAsOf: number | null = null) =>
  parseStockFile(linesOf(text), format, { defaultLocationId: 'default', defaultAsOf, maxRows: 10, maxReportedErrors: 100 });

describe(parseStockFile.name, () => {
  it('reads a CSV file with a header, quoted SKUs and a file-wide asOf', async () => {
    const file = await parse('sku,on_hand,location\nA,5,\n"B,1",0,east\n', 'csv', 7);
    expect(file.errors).toEqual([]);
    expect(file.rows).toEqual([
      { line: 2, sku: 'A', locationId: 'default', onHand: 5, asOf: 7 },
      { line: 3, sku: 'B,1', locationId: 'east', onHand: 0, asOf: 7 },
    ]);
  });

  it('reports every bad row with its line number and keeps no partial result', async () => {
    const file = await parse(
      ['sku,onHand,asOf', 'A,5,1', ',3,1', 'B,-1,1', 'C,x,1', 'D,2,yesterday', 'A,6,2', 'E,1'].join('\n'),
      'csv',
    );
    expect(file.errors).toEqual([
      { line: 3, reason: 'sku is missing' },
      { line: 4, reason: 'onHand must not be negative' },
      { line: 5, reason: 'onHand must be a whole number' },
      { line: 6, reason: expect.stringContaining('asOf must be') },
      { line: 7, reason: 'SKU A at location default already appears on line 2' },
      { line: 8, reason: 'expected 3 fields, found 2' },
    ]);
    expect(file.errorCount).toBe(6);
    expect(file.rowCount).toBe(7);
  });

  it('rejects an unknown CSV column and a missing one', async () => {
    const file = await parse('sku,colour\nA,red\n', 'csv', 1);
    expect(file.errors.map((e) => [e.line, e.reason])).toEqual(
      expect.arrayContaining([
        [1, 'header: unknown column "colour"'],
        [1, 'header: the column onHand is missing'],
      ]),
    );
  });

  it('reads JSON lines and refuses unknown fields and non-objects', async () => {
    const file = await parse(
      ['{"sku":"A","onHand":3,"asOf":"2026-01-01T00:00:00Z"}', '{"sku":"B","onHand":1,"asOf":1,"price":3}', '[1]', '{oops'].join('\n'),
      'ndjson',
    );
    expect(file.rows).toEqual([{ line: 1, sku: 'A', locationId: 'default', onHand: 3, asOf: Date.parse('2026-01-01T00:00:00Z') }]);
    expect(file.errors).toEqual([
      { line: 2, reason: 'unknown field "price"' },
      { line: 3, reason: 'not a JSON object' },
      { line: 4, reason: 'not valid JSON' },
    ]);
  });

  it('stops at the row limit', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `S${i},1,1`);
    const file = await parse(['sku,onHand,asOf', ...rows].join('\n'), 'csv');
    expect(file.errors).toEqual([{ line: 12, reason: 'the file has more than 10 rows' }]);
  });
});

describe(splitCsv.name, () => {
  it('handles quotes and escaped quotes', () => {
    expect(splitCsv('a,"b ""c"", d",e')).toEqual(['a', 'b "c", d', 'e']);
    expect(splitCsv('"open')).toBe('unterminated quoted field');
  });
});

describe(parseAsOf.name, () => {
  it.each([
    [42, 42],
    ['42', 42],
    ['2026-01-01T00:00:00.000+01:00', Date.parse('2025-12-31T23:00:00Z')],
    [-1, null],
    [1.5, null],
    ['2026-01-01', null],
    ['soon', null],
  ])('%p → %p', (input, expected) => {
    expect(parseAsOf(input)).toBe(expected);
  });
});
