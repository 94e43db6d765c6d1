import { createHmac, timingSafeEqual } from 'node:crypto';

/** The topics whose body is an order Holdfast maps to a snapshot. */
export const WOOCOMMERCE_ORDER_TOPICS = ['order.created', 'order.updated', 'order.restored'] as const;

export type IncomingHeaders = Record<string, string | string[] | undefined>;

export interface WooCommerceWebhookDelivery {
  channel: 'woocommerce';
  topic: string;
  resource?: string;
  event?: string;
  /** X-WC-Webhook-Source: the store's URL with a trailing slash. */
  source?: string;
  webhookId?: string;
  /** X-WC-Webhook-Delivery-ID: one per delivery (WooCommerce does not redeliver). */
  deliveryId: string;
  /** `woocommerce:<webhook id>:<delivery id>`: store it with the effects; seen before → change nothing. */
  dedupeKey: string;
}

export type WooCommerceWebhookRejection = 'missing_signature' | 'bad_signature' | 'missing_headers';

export type WooCommerceWebhookVerification =
  { ok: true; delivery: WooCommerceWebhookDelivery } | { ok: false; reason: WooCommerceWebhookRejection };

/**
 * Checks a WooCommerce webhook: X-WC-Webhook-Signature is the base64 HMAC-SHA256 of the raw body
 * with the webhook's secret, compared here in constant time. Every secret given is tried (current
 * and one being rotated out). Answer 401 on `ok: false` and change nothing. The ping WooCommerce
 * sends when a webhook is saved is unsigned: recognise it with isWooCommercePing first and answer 200.
 */
export function verifyWooCommerceWebhook(
  rawBody: Buffer,
  headers: IncomingHeaders,
  secrets: readonly string[],
): WooCommerceWebhookVerification {
  const signature = header(headers, 'x-wc-webhook-signature');
  if (!signature) return { ok: false, reason: 'missing_signature' };
  if (!secrets.some((secret) => signatureMatches(rawBody, signature, secret)))
    return { ok: false, reason: 'bad_signature' };
  const topic = header(headers, 'x-wc-webhook-topic');
  const deliveryId = header(headers, 'x-wc-webhook-delivery-id');
  if (!topic || !deliveryId) return { ok: false, reason: 'missing_headers' };
  const webhookId = header(headers, 'x-wc-webhook-id');
  return {
    ok: true,
    delivery: {
      channel: 'woocommerce',
      topic,
      resource: header(headers, 'x-wc-webhook-resource'),
      event: header(headers, 'x-wc-webhook-event'),
      source: header(headers, 'x-wc-webhook-source'),
      webhookId,
      deliveryId,
      dedupeKey: `woocommerce:${webhookId ?? '-'}:${deliveryId}`,
    },
  };
}

/** The unsigned `webhook_id=<n>` form post WooCommerce sends to check a new webhook's URL. */
export function isWooCommercePing(headers: IncomingHeaders, rawBody: Buffer): boolean {
  return (
    !header(headers, 'x-wc-webhook-signature') && /^webhook_id=\d+$/.test(rawBody.toString('utf8').trim())
  );
}

export function isWooCommerceOrderTopic(topic: string): boolean {
  return (WOOCOMMERCE_ORDER_TOPICS as readonly string[]).includes(topic);
}

export function signWooCommerceWebhook(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

function signatureMatches(rawBody: Buffer, signature: string, secret: string): boolean {
  const expected = Buffer.from(signWooCommerceWebhook(rawBody, secret), 'utf8');
  const given = Buffer.from(signature.trim(), 'utf8');
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function header(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
