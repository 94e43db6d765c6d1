import { createHmac, timingSafeEqual } from 'node:crypto';

/** The `orders/*` topics whose body is an order Holdfast maps to a snapshot. */
export const SHOPIFY_ORDER_TOPICS = [
  'orders/create',
  'orders/updated',
  'orders/cancelled',
  'orders/paid',
  'orders/fulfilled',
  'orders/partially_fulfilled',
  'orders/edited',
] as const;
export type ShopifyOrderTopic = (typeof SHOPIFY_ORDER_TOPICS)[number];

export type IncomingHeaders = Record<string, string | string[] | undefined>;

export interface ShopifyWebhookDelivery {
  channel: 'shopify';
  shopDomain: string;
  topic: string;
  /** X-Shopify-Webhook-Id: the same on every redelivery of one delivery. */
  webhookId: string;
  /** X-Shopify-Event-Id: the same for every webhook of one event (several topics, several apps). */
  eventId?: string;
  apiVersion?: string;
  triggeredAt?: string;
  /** `shopify:<shop>:<webhook id>`: store it with the effects; a delivery seen before changes nothing. */
  dedupeKey: string;
}

export type WebhookRejection = 'missing_signature' | 'bad_signature' | 'missing_headers';

export type ShopifyWebhookVerification =
  { ok: true; delivery: ShopifyWebhookDelivery } | { ok: false; reason: WebhookRejection };

/**
 * Checks a Shopify webhook the way Shopify documents it: base64 HMAC-SHA256 of the raw body bytes
 * (before any JSON parsing) with the app's secret, compared in constant time with
 * X-Shopify-Hmac-Sha256. Every secret given is tried (the current one and one being rotated out).
 * Answer 401 on `ok: false` and change nothing.
 */
export function verifyShopifyWebhook(
  rawBody: Buffer,
  headers: IncomingHeaders,
  secrets: readonly string[],
): ShopifyWebhookVerification {
  const signature = header(headers, 'x-shopify-hmac-sha256');
  if (!signature) return { ok: false, reason: 'missing_signature' };
  if (!secrets.some((secret) => signatureMatches(rawBody, signature, secret)))
    return { ok: false, reason: 'bad_signature' };
  const shopDomain = header(headers, 'x-shopify-shop-domain')?.toLowerCase();
  const topic = header(headers, 'x-shopify-topic');
  const webhookId = header(headers, 'x-shopify-webhook-id');
  if (!shopDomain || !topic || !webhookId) return { ok: false, reason: 'missing_headers' };
  return {
    ok: true,
    delivery: {
      channel: 'shopify',
      shopDomain,
      topic,
      webhookId,
      eventId: header(headers, 'x-shopify-event-id'),
      apiVersion: header(headers, 'x-shopify-api-version'),
      triggeredAt: header(headers, 'x-shopify-triggered-at'),
      dedupeKey: `shopify:${shopDomain}:${webhookId}`,
    },
  };
}

export function isShopifyOrderTopic(topic: string): topic is ShopifyOrderTopic {
  return (SHOPIFY_ORDER_TOPICS as readonly string[]).includes(topic);
}

/** Computes the signature Shopify would send for a body: for tests and tools. */
export function signShopifyWebhook(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

function signatureMatches(rawBody: Buffer, signature: string, secret: string): boolean {
  const expected = Buffer.from(signShopifyWebhook(rawBody, secret), 'utf8');
  const given = Buffer.from(signature.trim(), 'utf8');
  // timingSafeEqual needs equal lengths; a length mismatch reveals nothing about the secret.
  return expected.length === given.length && timingSafeEqual(expected, given);
}

function header(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  const first = Array.isArray(value) ? value[0] : value;
  return first === undefined || first === '' ? undefined : first;
}
