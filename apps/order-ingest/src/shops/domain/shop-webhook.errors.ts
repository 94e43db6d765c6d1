import { DomainError } from '@holdfast/platform';

/**
 * The delivery is not proven to come from the shop: no or a wrong signature, headers missing,
 * another shop's domain, or a shop that is not configured (nothing to verify it with). Nothing
 * is stored. One message for every case: a caller probing the endpoint learns nothing.
 */
export class WebhookSignatureError extends DomainError {
  readonly code = 'webhook.unauthenticated';
  readonly kind = 'unauthenticated';

  constructor(readonly reason: string) {
    super('The webhook signature does not verify for this shop.');
  }
}

/** Signed by the shop, but not an order Holdfast can read: the shop sees the reason; an ingest error is kept. */
export class WebhookPayloadError extends DomainError {
  readonly code = 'webhook.payload-invalid';
  readonly kind = 'invalid-input';

  constructor(detail: string) {
    super(`The webhook body is not a readable order: ${detail}`);
  }
}

/** The shop is configured but its secrets cannot be read: the shop should deliver again later. */
export class ShopNotReadyError extends DomainError {
  readonly code = 'webhook.shop-unavailable';
  readonly kind = 'unavailable';

  constructor() {
    super('This shop cannot take webhooks right now; deliver again later.');
  }
}
