import { DomainError } from '@holdfast/platform';

export class OrderNotFoundError extends DomainError {
  readonly code = 'order.not-found';
  readonly kind = 'not-found';

  constructor(accountId: string, orderId: string) {
    super(`No order ${orderId} recorded for account ${accountId}.`);
  }
}

export class InvalidCursorError extends DomainError {
  readonly code = 'orders.invalid-cursor';
  readonly kind = 'invalid-input';

  constructor() {
    super('The cursor is not one this API handed out; start again without it.');
  }
}

export class RecoveryNotFoundError extends DomainError {
  readonly code = 'recovery.not-found';
  readonly kind = 'not-found';

  constructor(id: string) {
    super(`No order recovery ${id}.`);
  }
}

export class RawPayloadNotFoundError extends DomainError {
  readonly code = 'raw-payload.not-found';
  readonly kind = 'not-found';

  constructor(id: number) {
    super(`No raw payload ${id}.`);
  }
}
