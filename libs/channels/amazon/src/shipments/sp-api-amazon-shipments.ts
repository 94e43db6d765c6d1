import type { SpApiCaller } from '../sp-api-caller';
import {
  assertValidPackageConfirmation,
  type AmazonOrderPackage,
  type AmazonOrderShipments,
  type AmazonPackageConfirmation,
  type AmazonShipments,
} from './amazon-shipments.port';
import { SpApiError } from '../sp-api-caller';

interface GetOrderBody {
  order?: {
    orderId?: string;
    fulfillment?: { fulfillmentStatus?: string };
    packages?: {
      packageReferenceId?: string;
      carrier?: string;
      trackingNumber?: string;
      packageItems?: { orderItemId?: string; quantity?: number }[];
    }[];
  };
}

/**
 * The SP-API adapter of `AmazonShipments`, on one account's `SpApiCaller` (rate limiter,
 * classified errors, capped retries). confirmShipment goes with `idempotent: false`: a
 * 5xx or timeout may hide an applied confirmation, so only the caller's state machine,
 * which re-reads the order first, may try again.
 */
export class SpApiAmazonShipments implements AmazonShipments {
  constructor(private readonly caller: SpApiCaller) {}

  get account(): string {
    return this.caller.account;
  }

  async confirmShipment(orderId: string, confirmation: AmazonPackageConfirmation, signal?: AbortSignal): Promise<void> {
    assertValidPackageConfirmation(confirmation);
    const packageDetail: Record<string, unknown> = {
      packageReferenceId: confirmation.packageReferenceId,
      carrierCode: confirmation.carrierCode,
      trackingNumber: confirmation.trackingNumber,
      shipDate: confirmation.shipDate,
      orderItems: confirmation.orderItems.map((i) => ({ orderItemId: i.orderItemId, quantity: i.quantity })),
    };
    if (confirmation.carrierName) packageDetail['carrierName'] = confirmation.carrierName;
    if (confirmation.shippingMethod) packageDetail['shippingMethod'] = confirmation.shippingMethod;
    await this.caller.call(
      'confirmShipment',
      {
        operation: 'confirmShipment',
        endpoint: 'orders',
        version: 'v0',
        path: { orderId },
        body: { marketplaceId: confirmation.marketplaceId, packageDetail },
      },
      { idempotent: false, signal },
    );
  }

  async readOrderShipments(orderId: string, signal?: AbortSignal): Promise<AmazonOrderShipments | null> {
    let body: GetOrderBody;
    try {
      const response = await this.caller.call<GetOrderBody>(
        'getOrder',
        {
          operation: 'getOrder',
          endpoint: 'orders',
          path: { orderId },
          query: { includedData: ['PACKAGES', 'FULFILLMENT'] },
        },
        { idempotent: true, signal },
      );
      body = response.body ?? {};
    } catch (error) {
      if (error instanceof SpApiError && error.status === 404) return null;
      throw error;
    }
    const order = body.order;
    if (!order) throw new SpApiError('malformed', 'getOrder', 200, 'MalformedBody', 'getOrder returned no order');
    const packages: AmazonOrderPackage[] | null = order.packages
      ? order.packages
          .filter((p) => typeof p.packageReferenceId === 'string')
          .map((p) => ({
            packageReferenceId: p.packageReferenceId as string,
            carrier: p.carrier ?? null,
            trackingNumber: p.trackingNumber ?? null,
            items: (p.packageItems ?? [])
              .filter((i) => typeof i.orderItemId === 'string' && typeof i.quantity === 'number')
              .map((i) => ({ orderItemId: i.orderItemId as string, quantity: i.quantity as number })),
          }))
      : null;
    return {
      orderId: order.orderId ?? orderId,
      fulfillmentStatus: order.fulfillment?.fulfillmentStatus ?? null,
      packages,
    };
  }
}
