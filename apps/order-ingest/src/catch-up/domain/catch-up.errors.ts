import { DomainError } from '@holdfast/platform';

export class CatchUpRunNotFoundError extends DomainError {
  readonly code = 'catch-up-run.not-found';
  readonly kind = 'not-found';

  constructor(id: string) {
    super(`No catch-up run ${id}.`);
  }
}
