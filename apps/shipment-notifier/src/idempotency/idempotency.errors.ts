import { DomainError } from '@holdfast/platform';

export class IdempotencyKeyRequiredError extends DomainError {
  readonly code = 'idempotency.key-required';
  readonly kind = 'invalid-input';

  constructor() {
    super('Send an Idempotency-Key header (1 to 200 visible ASCII characters, e.g. a UUID) so a retried request is not applied twice.');
  }
}

export class IdempotencyKeyInvalidError extends DomainError {
  readonly code = 'idempotency.key-invalid';
  readonly kind = 'invalid-input';

  constructor() {
    super('The Idempotency-Key header must be 1 to 200 visible ASCII characters.');
  }
}

export class IdempotencyKeyReusedError extends DomainError {
  readonly code = 'idempotency.key-reused';
  readonly kind = 'rule-violation';

  constructor() {
    super('This Idempotency-Key was already used with a different request: use a new key for a new request.');
  }
}
