import { DomainError } from '@holdfast/platform';

export class AccountNotFoundError extends DomainError {
  readonly code = 'account.not-found';
  readonly kind = 'not-found';

  constructor(accountId: string) {
    super(`No channel account ${accountId}.`);
  }
}

/** The account is known from earlier but no longer in the accounts file: nothing may call Amazon for it. */
export class AccountNotConfiguredError extends DomainError {
  readonly code = 'account.not-configured';
  readonly kind = 'rule-violation';

  constructor(accountId: string) {
    super(`Account ${accountId} is no longer in the accounts configuration; it cannot be called.`);
  }
}

export class NoOptionChangedError extends DomainError {
  readonly code = 'account.no-option-given';
  readonly kind = 'invalid-input';

  constructor() {
    super('Give at least one option to change.');
  }
}
