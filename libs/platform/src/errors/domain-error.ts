/**
 * What kind of failure a domain error is, in the domain's terms. The HTTP edge maps each kind
 * to a status; services and use cases never pick HTTP statuses themselves.
 */
export type DomainErrorKind =
  /** The input cannot be understood or breaks its own rules (a negative quantity). */
  | 'invalid-input'
  /** The caller did not prove who it is. */
  | 'unauthenticated'
  /** The caller is known but may not do this (a scope or an account it does not hold). */
  | 'forbidden'
  /** The thing asked for does not exist (or is not visible to this caller). */
  | 'not-found'
  /** The request clashes with the current state (a duplicate, a concurrent change). */
  | 'conflict'
  /** An expectation the caller stated no longer holds (a stale version). */
  | 'precondition-failed'
  /** Well-formed, but a business rule refuses it (shipping a canceled order). */
  | 'rule-violation'
  /** Too many requests for now; retry later. */
  | 'rate-limited'
  /** A dependency is down; retrying later may succeed. */
  | 'unavailable';

/**
 * Base of every error a service raises on purpose. `code` is a stable, dotted identifier
 * (`order.not-found`) that clients may switch on: changing one is a breaking API change.
 * The message is shown to the caller as the problem's `detail`, so it must not contain
 * secrets or buyer PII; `extensions` are added to the problem document as they are.
 *
 *     export class OrderNotFoundError extends DomainError {
 *       readonly code = 'order.not-found';
 *       readonly kind = 'not-found';
 *     }
 */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;

  constructor(
    message: string,
    readonly extensions: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
