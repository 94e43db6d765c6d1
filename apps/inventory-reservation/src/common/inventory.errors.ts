import { DomainError } from '@holdfast/platform';

// Codes are stable: API clients switch on them.

export class LocationNotFoundError extends DomainError {
  readonly code = 'location.not-found';
  readonly kind = 'not-found';
  constructor(locationId: string) {
    super(`There is no stock location "${locationId}"; create it with PUT /v1/locations/${locationId}.`);
  }
}

export class SkuNotFoundError extends DomainError {
  readonly code = 'sku.not-found';
  readonly kind = 'not-found';
  constructor(sku: string) {
    super(`The ledger knows no SKU or bundle "${sku}".`);
  }
}

export class BundleNotFoundError extends DomainError {
  readonly code = 'bundle.not-found';
  readonly kind = 'not-found';
  constructor(sku: string) {
    super(`There is no bundle "${sku}".`);
  }
}

export class OrderNotFoundError extends DomainError {
  readonly code = 'order.not-found';
  readonly kind = 'not-found';
  constructor() {
    super('The ledger has seen no event of this order.');
  }
}

export class BundleHasNoOwnStockError extends DomainError {
  readonly code = 'stock.bundle-has-no-own-stock';
  readonly kind = 'rule-violation';
  constructor(sku: string) {
    super(`"${sku}" is a bundle: its stock is its components' stock. Send stock for the components instead.`);
  }
}

export class InvalidBundleError extends DomainError {
  readonly code = 'bundle.invalid';
  readonly kind = 'rule-violation';
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'stock-adjustment.idempotency-key-reused';
  readonly kind = 'conflict';
  constructor(key: string) {
    super(`The idempotency key "${key}" was already used for a different adjustment.`);
  }
}

export class UnsupportedStockFileError extends DomainError {
  readonly code = 'stock-import.unsupported-format';
  readonly kind = 'invalid-input';
  constructor(contentType: string | undefined) {
    super(
      `A stock file is sent as text/csv or application/x-ndjson (JSON lines), not ${contentType ?? 'without a content type'}.`,
    );
  }
}

export interface StockFileProblem {
  /** Line of the file, 1-based (a CSV header is line 1). */
  line: number;
  reason: string;
}

export class StockImportRejectedError extends DomainError {
  readonly code = 'stock-import.rejected';
  readonly kind = 'rule-violation';
  constructor(details: { importId: string; rows: number; errorCount: number; errors: StockFileProblem[]; truncated: boolean }) {
    super(
      `The stock file was rejected whole: ${details.errorCount} bad row(s) of ${details.rows}. Nothing of it was applied.`,
      details,
    );
  }
}
