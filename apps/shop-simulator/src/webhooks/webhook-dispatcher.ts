import type { Logger } from 'pino';
import type { ShopPlatform } from '../faults/fault-injector';

export interface WebhookAttempt {
  at: string;
  status?: number;
  error?: string;
  /** `true` for a replay requested through the control API. */
  replay?: boolean;
}

export type WebhookDeliveryState = 'pending' | 'delivered' | 'failed' | 'suppressed';

export interface WebhookDelivery {
  deliveryId: string;
  platform: ShopPlatform;
  account: string;
  topic: string;
  url: string | null;
  /** The exact headers sent, signature included. */
  headers: Record<string, string>;
  /** The exact body sent (the signature covers these bytes). */
  body: string;
  createdAt: string;
  state: WebhookDeliveryState;
  attempts: WebhookAttempt[];
  /** Why a delivery was not sent at all (`suppressed`). */
  note?: string;
}

export interface OutgoingWebhook {
  deliveryId: string;
  platform: ShopPlatform;
  account: string;
  topic: string;
  url: string | null;
  headers: Record<string, string>;
  body: string;
  /** Delays before each redelivery after a failure (Shopify retries; WooCommerce does not). */
  retryDelaysMs: readonly number[];
  /** Record the delivery without sending it: a webhook "lost" on its way. */
  suppress?: string;
  onFailure?: () => void;
  onSuccess?: () => void;
}

const MAX_LOG = 5000;

/**
 * Sends webhooks the way the platforms do: a POST with the signed body, a timeout, and redelivery
 * of the same delivery id on a schedule after a non-2xx answer or no answer at all. Every delivery
 * stays readable on the control API, with each attempt's outcome.
 */
export class WebhookDispatcher {
  private deliveries: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<void>>();
  private generation = 0;

  constructor(
    private readonly logger: Logger,
    private readonly timeoutMs: number,
  ) {}

  dispatch(webhook: OutgoingWebhook): WebhookDelivery {
    const delivery: WebhookDelivery = {
      deliveryId: webhook.deliveryId,
      platform: webhook.platform,
      account: webhook.account,
      topic: webhook.topic,
      url: webhook.url,
      headers: webhook.headers,
      body: webhook.body,
      createdAt: new Date().toISOString(),
      state: 'pending',
      attempts: [],
    };
    this.deliveries.push(delivery);
    if (this.deliveries.length > MAX_LOG) this.deliveries.splice(0, this.deliveries.length - MAX_LOG);
    if (webhook.suppress !== undefined || webhook.url === null) {
      delivery.state = 'suppressed';
      delivery.note = webhook.suppress ?? 'no webhook URL configured';
      return delivery;
    }
    this.track(this.attempt(delivery, webhook, 0, this.generation));
    return delivery;
  }

  /** Sends a recorded delivery again, byte for byte: what a replay attack or a duplicate looks like. */
  async replay(deliveryId: string, url?: string): Promise<WebhookAttempt> {
    const delivery = this.deliveries.find((d) => d.deliveryId === deliveryId);
    if (!delivery) throw new Error(`no delivery ${deliveryId}`);
    const target = url ?? delivery.url;
    if (!target) throw new Error(`delivery ${deliveryId} has no URL`);
    const attempt = await this.post(target, delivery.headers, delivery.body);
    const recorded = { ...attempt, replay: true };
    delivery.attempts.push(recorded);
    return recorded;
  }

  list(filter: { platform?: string; account?: string; topic?: string } = {}): WebhookDelivery[] {
    return this.deliveries.filter(
      (d) =>
        (!filter.platform || d.platform === filter.platform) &&
        (!filter.account || d.account === filter.account) &&
        (!filter.topic || d.topic === filter.topic),
    );
  }

  get(deliveryId: string): WebhookDelivery | undefined {
    return this.deliveries.find((d) => d.deliveryId === deliveryId);
  }

  /** Forgets every delivery and cancels scheduled redeliveries. */
  reset(): void {
    this.generation += 1;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.deliveries = [];
  }

  async close(): Promise<void> {
    this.reset();
    await Promise.allSettled([...this.inFlight]);
  }

  private async attempt(
    delivery: WebhookDelivery,
    webhook: OutgoingWebhook,
    index: number,
    generation: number,
  ): Promise<void> {
    if (generation !== this.generation || delivery.url === null) return;
    const attempt = await this.post(delivery.url, delivery.headers, delivery.body);
    if (generation !== this.generation) return;
    delivery.attempts.push(attempt);
    if (attempt.status !== undefined && attempt.status >= 200 && attempt.status < 300) {
      delivery.state = 'delivered';
      webhook.onSuccess?.();
      return;
    }
    const delay = webhook.retryDelaysMs[index];
    if (delay === undefined) {
      delivery.state = 'failed';
      webhook.onFailure?.();
      this.logger.warn(
        { deliveryId: delivery.deliveryId, topic: delivery.topic, attempts: delivery.attempts.length },
        'webhook delivery failed for good',
      );
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.track(this.attempt(delivery, webhook, index + 1, generation));
    }, delay);
    timer.unref();
    this.timers.add(timer);
  }

  private async post(url: string, headers: Record<string, string>, body: string): Promise<WebhookAttempt> {
    const at = new Date().toISOString();
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      return { at, status: response.status };
    } catch (error) {
      return { at, error: error instanceof Error ? error.message : String(error) };
    }
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }
}
