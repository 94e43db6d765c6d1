import {
  isShopifyOrderTopic,
  ShopifyPayloadError,
  shopifySnapshotFromWebhook,
  verifyShopifyWebhook,
  type IncomingHeaders,
} from '@holdfast/channels-shopify';
import {
  isWooCommerceOrderTopic,
  isWooCommercePing,
  verifyWooCommerceWebhook,
  WooCommercePayloadError,
  wooCommerceSnapshotFromOrder,
} from '@holdfast/channels-woocommerce';
import type { OrderSnapshot } from '@holdfast/contracts';
import { inTransaction } from '@holdfast/persistence';
import { defineCounter } from '@holdfast/telemetry';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { IngestErrorRepository } from '../../orders/infrastructure/ingest-error.repository';
import type { ShopChannel } from '../domain/shop-account';
import { ShopNotReadyError, WebhookPayloadError, WebhookSignatureError } from '../domain/shop-webhook.errors';
import {
  ShopConnections,
  ShopUnavailableError,
  type ShopConnection,
} from '../infrastructure/shop-connections';
import { WebhookDeliveryRepository, type DeliveryClaim } from '../infrastructure/webhook-delivery.repository';
import { ImportShopOrdersUseCase } from './import-shop-orders.use-case';

export interface WebhookReceipt {
  /** accepted: processed now; duplicate: seen before, nothing changed; ignored: not an order topic; ping: WooCommerce's URL check. */
  status: 'accepted' | 'duplicate' | 'ignored' | 'ping';
  orderId?: string;
  /** Order events this delivery produced (0 when the order did not change in a way that matters). */
  events?: number;
}

const deliveries = defineCounter<'channel' | 'outcome'>({
  name: 'holdfast_order_ingest_webhooks_total',
  help: 'Web shop webhook deliveries, by channel and outcome (accepted, duplicate, ignored, ping, unauthenticated, invalid).',
  labelNames: ['channel', 'outcome'],
});

/**
 * One webhook delivery, answered in one database transaction and no call to the shop: the
 * signature over the raw bytes first (nothing is read or stored before it verifies), then the
 * delivery's dedupe key, the order change and its outbox event committed together. A replayed
 * or redelivered delivery finds its key and changes nothing; a second delivery of the same
 * change under another id is dropped by change detection (same revision).
 */
@Injectable()
export class ReceiveShopWebhookUseCase {
  private readonly logger = new Logger(ReceiveShopWebhookUseCase.name);

  constructor(
    @Inject(DataSource) private readonly dataSource: DataSource,
    @Inject(ShopConnections) private readonly connections: ShopConnections,
    @Inject(WebhookDeliveryRepository) private readonly deliveries: WebhookDeliveryRepository,
    @Inject(ImportShopOrdersUseCase) private readonly importOrders: ImportShopOrdersUseCase,
    @Inject(IngestErrorRepository) private readonly errors: IngestErrorRepository,
  ) {}

  async execute(
    channel: ShopChannel,
    accountId: string,
    rawBody: Buffer,
    headers: IncomingHeaders,
  ): Promise<WebhookReceipt> {
    try {
      const receipt = await this.receive(channel, accountId, rawBody, headers);
      deliveries.inc({ channel, outcome: receipt.status });
      return receipt;
    } catch (error) {
      if (error instanceof WebhookSignatureError) {
        deliveries.inc({ channel, outcome: 'unauthenticated' });
        this.logger.warn(`${channel} webhook for ${accountId} refused: ${error.reason}`);
      } else if (error instanceof WebhookPayloadError) {
        deliveries.inc({ channel, outcome: 'invalid' });
      }
      throw error;
    }
  }

  private async receive(
    channel: ShopChannel,
    accountId: string,
    rawBody: Buffer,
    headers: IncomingHeaders,
  ): Promise<WebhookReceipt> {
    const shop = this.connection(channel, accountId);
    if (channel === 'woocommerce' && isWooCommercePing(headers, rawBody)) return { status: 'ping' };

    const claim = this.verify(shop, rawBody, headers);
    if (!claim.orderTopic) {
      await inTransaction(this.dataSource, (m) => this.deliveries.claim(m, claim, 'ignored', null));
      return { status: 'ignored' };
    }

    const snapshot = await this.snapshotOf(shop, claim, rawBody);
    return inTransaction(this.dataSource, async (m) => {
      const fresh = await this.deliveries.claim(
        m,
        claim,
        snapshot ? 'imported' : 'no-stock-lines',
        snapshot?.orderId ?? null,
      );
      if (!fresh) return { status: 'duplicate' as const, ...(snapshot ? { orderId: snapshot.orderId } : {}) };
      if (!snapshot) return { status: 'accepted' as const, events: 0 };
      const tally = await this.importOrders.execute(m, [snapshot], 'webhook');
      return { status: 'accepted' as const, orderId: snapshot.orderId, events: tally.events };
    });
  }

  private connection(channel: ShopChannel, accountId: string): ShopConnection {
    try {
      const shop = this.connections.get(channel, accountId);
      if (!shop) throw new WebhookSignatureError(`no ${channel} account ${accountId} is configured`);
      return shop;
    } catch (error) {
      if (error instanceof ShopUnavailableError) {
        this.logger.error(error.message);
        throw new ShopNotReadyError();
      }
      throw error;
    }
  }

  private verify(
    shop: ShopConnection,
    rawBody: Buffer,
    headers: IncomingHeaders,
  ): DeliveryClaim & { orderTopic: boolean } {
    if (shop.channel === 'shopify') {
      const result = verifyShopifyWebhook(rawBody, headers, shop.webhookSecrets);
      if (!result.ok) throw new WebhookSignatureError(result.reason);
      // The HMAC covers the body only: a delivery signed with this shop's secret must also name it.
      if (result.delivery.shopDomain !== shop.shopDomain)
        throw new WebhookSignatureError('shop domain does not match the account');
      const { topic, dedupeKey } = result.delivery;
      return {
        channel: 'shopify',
        accountId: shop.accountId,
        topic,
        dedupeKey,
        orderTopic: isShopifyOrderTopic(topic),
      };
    }
    const result = verifyWooCommerceWebhook(rawBody, headers, shop.webhookSecrets);
    if (!result.ok) throw new WebhookSignatureError(result.reason);
    const { topic, dedupeKey } = result.delivery;
    return {
      channel: 'woocommerce',
      accountId: shop.accountId,
      topic,
      dedupeKey,
      orderTopic: isWooCommerceOrderTopic(topic),
    };
  }

  /** The order in a verified body; a body that is not one is kept as an ingest error and refused. */
  private async snapshotOf(
    shop: ShopConnection,
    claim: DeliveryClaim,
    rawBody: Buffer,
  ): Promise<OrderSnapshot | null> {
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
      if (containsNul(body)) throw new NulCharacterError();
      return shop.channel === 'shopify'
        ? shopifySnapshotFromWebhook(body, shop.accountId)
        : wooCommerceSnapshotFromOrder(body, shop.accountId);
    } catch (error) {
      const known =
        error instanceof SyntaxError ||
        error instanceof NulCharacterError ||
        error instanceof ShopifyPayloadError ||
        error instanceof WooCommercePayloadError;
      if (!known) throw error;
      const detail = error.message;
      await this.errors.record(this.dataSource.manager, {
        accountId: shop.accountId,
        orderId: orderIdOf(body),
        problem: 'unmappable-webhook',
        detail,
        operation: `webhook:${claim.topic}`.slice(0, 100),
        detectedBy: 'webhook',
        // Shop order bodies carry buyer data: only the ids and statuses are kept for the operator.
        raw: { body: { topic: claim.topic, dedupeKey: claim.dedupeKey, order: withoutNul(outline(body)) } },
      });
      throw new WebhookPayloadError(detail);
    }
  }
}

/**
 * PostgreSQL stores the NUL character in neither text nor jsonb: a signed body carrying one (in a
 * SKU, a note) is refused as unreadable, like any body that does not map, instead of failing at
 * the database as a 500.
 */
class NulCharacterError extends Error {
  constructor() {
    super('a text field contains the NUL character');
  }
}

function containsNul(value: unknown): boolean {
  if (typeof value === 'string') return value.includes('\u0000');
  if (Array.isArray(value)) return value.some(containsNul);
  if (typeof value === 'object' && value !== null)
    return Object.entries(value).some(([key, item]) => key.includes('\u0000') || containsNul(item));
  return false;
}

/** The outline kept for the operator, each NUL shown as U+FFFD so that it can be stored. */
function withoutNul(value: unknown): unknown {
  if (!containsNul(value)) return value;
  return JSON.parse(JSON.stringify(value).replace(/\\u0000/g, '\\ufffd'));
}

function orderIdOf(body: unknown): string | null {
  const id = typeof body === 'object' && body !== null ? (body as Record<string, unknown>)['id'] : undefined;
  return typeof id === 'number' || typeof id === 'string' ? String(id).slice(0, 100) : null;
}

/** The parts of an order body that say why it did not map, without names, addresses or e-mails. */
function outline(body: unknown): unknown {
  if (typeof body !== 'object' || body === null) return body === undefined ? null : typeof body;
  const o = body as Record<string, unknown>;
  const pick = (keys: string[]) => Object.fromEntries(keys.filter((k) => k in o).map((k) => [k, o[k]]));
  const lines = Array.isArray(o['line_items'])
    ? (o['line_items'] as unknown[]).map((l) =>
        typeof l === 'object' && l !== null
          ? Object.fromEntries(
              ['id', 'sku', 'quantity', 'current_quantity'].map((k) => [
                k,
                (l as Record<string, unknown>)[k],
              ]),
            )
          : l,
      )
    : o['line_items'];
  return {
    ...pick([
      'id',
      'status',
      'financial_status',
      'fulfillment_status',
      'cancelled_at',
      'created_at',
      'updated_at',
      'date_modified_gmt',
      'date_created_gmt',
    ]),
    line_items: lines,
  };
}
