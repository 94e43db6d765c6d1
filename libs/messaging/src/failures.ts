/**
 * Thrown by a handler when retrying cannot help (the message can never be applied as it
 * is): the message goes to the dead-letter queue at once instead of being retried.
 */
export class PermanentFailure extends Error {
  override readonly name = 'PermanentFailure';
}

/** A publish the broker could not route to any queue (`mandatory` returned it). */
export class UnroutableMessageError extends Error {
  override readonly name = 'UnroutableMessageError';
  constructor(
    readonly exchange: string,
    readonly routingKey: string,
  ) {
    super(`no queue is bound to ${exchange} for routing key ${routingKey}; the message was returned`);
  }
}
