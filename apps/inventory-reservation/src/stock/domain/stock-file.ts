import { AS_OF_RULE, parseAsOf } from '../../common/as-of';
import type { StockFileProblem } from '../../common/inventory.errors';

export type StockFileFormat = 'csv' | 'ndjson';

/** One row of an ERP stock file: the absolute on-hand of a SKU at a location. */
export interface StockFileRow {
  line: number;
  sku: string;
  locationId: string;
  onHand: number;
  asOf: number;
}

export interface StockFileOptions {
  defaultLocationId: string;
  /** Applies to rows without their own asOf. */
  defaultAsOf: number | null;
  maxRows: number;
  /** Problems listed; every one is counted. */
  maxReportedErrors: number;
}

export interface ParsedStockFile {
  rows: StockFileRow[];
  /** Data rows read (blank lines and the CSV header do not count). */
  rowCount: number;
  errors: StockFileProblem[];
  errorCount: number;
}

const MAX_ON_HAND = 2_147_483_647;
const MAX_LINE = 4_096;
const LOCATION_ID = /^[A-Za-z0-9._-]{1,64}$/;

const CSV_COLUMNS: Record<string, keyof Omit<StockFileRow, 'line'>> = {
  sku: 'sku',
  onhand: 'onHand',
  on_hand: 'onHand',
  locationid: 'locationId',
  location_id: 'locationId',
  location: 'locationId',
  asof: 'asOf',
  as_of: 'asOf',
};
const JSON_FIELDS = new Set(['sku', 'onHand', 'locationId', 'asOf']);

/**
 * Reads an ERP stock file line by line, validating every row, and keeps going after a
 * bad row so that the answer lists them all: the file is applied whole or not at all.
 *
 * CSV: a header naming the columns (`sku,onHand[,locationId][,asOf]`, snake_case
 * accepted), comma-separated, fields in double quotes when they hold commas or quotes
 * (`""` escapes a quote). JSON lines: one object per line with the same fields. A SKU
 * may appear once per location. Rows without `asOf` take the file's (`?asOf=`).
 */
export async function parseStockFile(
  lines: AsyncIterable<string>,
  format: StockFileFormat,
  options: StockFileOptions,
): Promise<ParsedStockFile> {
  const result: ParsedStockFile = { rows: [], rowCount: 0, errors: [], errorCount: 0 };
  const problem = (line: number, reason: string) => {
    result.errorCount++;
    if (result.errors.length < options.maxReportedErrors) result.errors.push({ line, reason });
  };
  const seen = new Map<string, number>();
  let header: (keyof Omit<StockFileRow, 'line'> | null)[] | null = null;
  let lineNumber = 0;

  for await (const raw of lines) {
    lineNumber++;
    const text = lineNumber === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (text.trim() === '') continue;
    if (text.length > MAX_LINE) {
      if (format === 'csv' && header === null) header = [];
      else result.rowCount++;
      problem(lineNumber, `line longer than ${MAX_LINE} characters`);
      continue;
    }
    if (format === 'csv' && header === null) {
      header = readHeader(text, lineNumber, problem);
      continue;
    }
    result.rowCount++;
    if (result.rowCount > options.maxRows) {
      problem(lineNumber, `the file has more than ${options.maxRows} rows`);
      break;
    }
    const fields = format === 'csv' ? csvRecord(text, header ?? []) : jsonRecord(text);
    if (typeof fields === 'string') {
      problem(lineNumber, fields);
      continue;
    }
    const row = validateRow(fields, lineNumber, options);
    if (typeof row === 'string') {
      problem(lineNumber, row);
      continue;
    }
    const key = `${row.sku}\u0000${row.locationId}`;
    const first = seen.get(key);
    if (first !== undefined) {
      problem(lineNumber, `SKU ${row.sku} at location ${row.locationId} already appears on line ${first}`);
      continue;
    }
    seen.set(key, lineNumber);
    result.rows.push(row);
  }
  if (format === 'csv' && header === null) problem(1, 'the file is empty: a CSV stock file starts with a header line');
  return result;
}

function readHeader(
  text: string,
  lineNumber: number,
  problem: (line: number, reason: string) => void,
): (keyof Omit<StockFileRow, 'line'> | null)[] {
  const names = splitCsv(text);
  if (typeof names === 'string') {
    problem(lineNumber, `header: ${names}`);
    return [];
  }
  const columns = names.map((n) => CSV_COLUMNS[n.trim().toLowerCase()] ?? null);
  names.forEach((n, i) => {
    if (columns[i] === null) problem(lineNumber, `header: unknown column "${n.trim().slice(0, 50)}"`);
  });
  for (const required of ['sku', 'onHand'] as const) {
    if (!columns.includes(required)) problem(lineNumber, `header: the column ${required} is missing`);
  }
  if (new Set(columns).size !== columns.length) problem(lineNumber, 'header: a column appears twice');
  return columns;
}

function csvRecord(text: string, header: (string | null)[]): Record<string, unknown> | string {
  const values = splitCsv(text);
  if (typeof values === 'string') return values;
  if (values.length !== header.length) return `expected ${header.length} fields, found ${values.length}`;
  const record: Record<string, unknown> = {};
  header.forEach((column, i) => {
    if (column !== null && values[i] !== '') record[column] = values[i];
  });
  return record;
}

/** RFC 4180 fields of one line (no line breaks inside quotes: one row is one line). */
export function splitCsv(text: string): string[] | string {
  const fields: string[] = [];
  let i = 0;
  for (;;) {
    if (text[i] === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= text.length) return 'unterminated quoted field';
        if (text[i] === '"') {
          if (text[i + 1] === '"') {
            value += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += text[i++];
      }
      fields.push(value);
      if (i < text.length && text[i] !== ',') return 'unexpected text after a quoted field';
    } else {
      const end = text.indexOf(',', i);
      fields.push((end === -1 ? text.slice(i) : text.slice(i, end)).trim());
      i = end === -1 ? text.length : end;
    }
    if (i >= text.length) return fields;
    i++; // the comma
  }
}

function jsonRecord(text: string): Record<string, unknown> | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return 'not valid JSON';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  const unknown = Object.keys(value).filter((k) => !JSON_FIELDS.has(k));
  if (unknown.length > 0) return `unknown field "${unknown[0].slice(0, 50)}"`;
  return value as Record<string, unknown>;
}

function validateRow(fields: Record<string, unknown>, line: number, options: StockFileOptions): StockFileRow | string {
  const problems: string[] = [];
  const sku = fields['sku'];
  if (typeof sku !== 'string' || sku.trim() === '') problems.push('sku is missing');
  else if (sku.length > 200) problems.push('sku is longer than 200 characters');
  // eslint-disable-next-line no-control-regex
  else if (/[\u0000-\u001f\u007f]/.test(sku)) problems.push('sku contains control characters');

  const rawOnHand = fields['onHand'];
  const onHand = typeof rawOnHand === 'string' && /^-?\d+$/.test(rawOnHand.trim()) ? Number(rawOnHand) : rawOnHand;
  if (onHand === undefined) problems.push('onHand is missing');
  else if (typeof onHand !== 'number' || !Number.isInteger(onHand)) problems.push('onHand must be a whole number');
  else if (onHand < 0) problems.push('onHand must not be negative');
  else if (onHand > MAX_ON_HAND) problems.push(`onHand must not exceed ${MAX_ON_HAND}`);

  const locationId = fields['locationId'] ?? options.defaultLocationId;
  if (typeof locationId !== 'string' || !LOCATION_ID.test(locationId)) {
    problems.push('locationId must be 1-64 letters, digits, ".", "_" or "-"');
  }

  let asOf: number | null = options.defaultAsOf;
  if (fields['asOf'] !== undefined) {
    asOf = parseAsOf(fields['asOf']);
    if (asOf === null) problems.push(`asOf must be ${AS_OF_RULE}`);
  } else if (asOf === null) {
    problems.push('asOf is missing (give it per row or for the whole file with ?asOf=)');
  }
  if (problems.length > 0) return problems.join('; ');
  return {
    line,
    sku: (sku as string).trim(),
    locationId: locationId as string,
    onHand: onHand as number,
    asOf: asOf as number,
  };
}
