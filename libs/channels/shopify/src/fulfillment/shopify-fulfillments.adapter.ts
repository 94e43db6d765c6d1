import { ShopifyApiError, type ShopifyGraphqlCaller } from '../client/shopify-graphql-caller';
import { numericId } from '../orders/shopify-order-snapshot.mapper';
import type { ShipmentConfirmation, ShipmentToConfirm, ShopShipmentConfirmer } from '@holdfast/channels-web-shop';
import { shopifyTrackingCompany } from './shopify-tracking-companies';

interface OrderFulfillmentState {
  order: {
    id: string;
    cancelledAt: string | null;
    fulfillmentOrders: {
      nodes: {
        id: string;
        status: string;
        assignedLocation: { location: { id: string } | null };
        lineItems: { nodes: { id: string; remainingQuantity: number; lineItem: { id: string } }[] };
      }[];
    };
    fulfillments: {
      id: string;
      status: string;
      trackingInfo: { company: string | null; number: string | null; url: string | null }[];
    }[];
  } | null;
}

interface FulfillmentCreateData {
  fulfillmentCreate: {
    fulfillment: { id: string; status: string } | null;
    userErrors: { field: string[] | null; message: string }[];
  } | null;
}

const ORDER_FULFILLMENT_STATE = /* GraphQL */ `
  query HoldfastOrderFulfillmentState($id: ID!) {
    order(id: $id) {
      id
      cancelledAt
      fulfillmentOrders(first: 5) {
        nodes {
          id
          status
          assignedLocation {
            location {
              id
            }
          }
          lineItems(first: 50) {
            nodes {
              id
              remainingQuantity
              lineItem {
                id
              }
            }
          }
        }
      }
      fulfillments(first: 10) {
        id
        status
        trackingInfo(first: 5) {
          company
          number
          url
        }
      }
    }
  }
`;

const FULFILLMENT_CREATE = /* GraphQL */ `
  mutation HoldfastFulfillmentCreate($fulfillment: FulfillmentInput!, $message: String) {
    fulfillmentCreate(fulfillment: $fulfillment, message: $message) {
      fulfillment {
        id
        status
      }
      userErrors {
        field
        message
      }
    }
  }
`;

const FULFILLABLE = new Set(['OPEN', 'IN_PROGRESS']);

export interface ShopifyFulfillmentOptions {
  notifyCustomer?: boolean;
  /** ERP carrier code → Shopify company name, for this shop. */
  carrierAliases?: Record<string, string>;
  /** Creates tried after a failure whose outcome is unknown. */
  maxCreateAttempts?: number;
}

/**
 * Shipments on Shopify: one fulfillment for the order's fulfillment orders with tracking company,
 * number and URL. `fulfillmentCreate` is not idempotent, so the order is read first (a fulfillment
 * with this tracking number means the shipment is already confirmed) and read again after any
 * failure whose outcome is unknown, before another create is tried.
 */
export class ShopifyFulfillmentsAdapter implements ShopShipmentConfirmer {
  readonly channel = 'shopify' as const;

  constructor(
    readonly accountId: string,
    private readonly caller: ShopifyGraphqlCaller,
    private readonly options: ShopifyFulfillmentOptions = {},
  ) {}

  async confirmShipment(shipment: ShipmentToConfirm): Promise<ShipmentConfirmation> {
    const { company, known } = shopifyTrackingCompany(shipment.carrier, this.options.carrierAliases);
    const maxAttempts = this.options.maxCreateAttempts ?? 3;
    for (let attempt = 1; ; attempt++) {
      const state = await this.state(shipment.orderId);
      if (!state)
        return {
          outcome: 'rejected',
          code: 'ORDER_NOT_FOUND',
          message: `order ${shipment.orderId} does not exist in the shop`,
        };
      const existing = state.fulfillments.find(
        (f) => f.status === 'SUCCESS' && f.trackingInfo.some((t) => t.number === shipment.trackingNumber),
      );
      if (existing)
        return {
          outcome: 'confirmed',
          channelReference: existing.id,
          carrierSent: company,
          carrierKnown: known,
          alreadyConfirmed: true,
        };
      if (state.cancelledAt !== null)
        return {
          outcome: 'rejected',
          code: 'ORDER_CANCELLED',
          message: `order ${shipment.orderId} is cancelled`,
        };

      const plan = allocate(state, shipment);
      if ('code' in plan) return { outcome: 'rejected', ...plan };

      try {
        let reference = '';
        for (const group of plan.groups) {
          const { data } = await this.caller.request<FulfillmentCreateData>(
            'fulfillmentCreate',
            FULFILLMENT_CREATE,
            {
              estimatedCost: 10,
              idempotent: false,
              variables: {
                message: `Holdfast shipment ${shipment.shipmentId}`,
                fulfillment: {
                  notifyCustomer: this.options.notifyCustomer ?? true,
                  trackingInfo: {
                    company,
                    number: shipment.trackingNumber,
                    // Shopify builds the URL for companies it knows; a given URL wins for the others.
                    ...(shipment.trackingUrl ? { url: shipment.trackingUrl } : {}),
                  },
                  lineItemsByFulfillmentOrder: group.map((entry) => ({
                    fulfillmentOrderId: entry.fulfillmentOrderId,
                    fulfillmentOrderLineItems: entry.items,
                  })),
                },
              },
            },
          );
          const payload = data.fulfillmentCreate;
          if (!payload?.fulfillment) {
            const message =
              payload?.userErrors.map((e) => e.message).join('; ') ||
              'fulfillmentCreate returned no fulfillment';
            return { outcome: 'rejected', code: 'FULFILLMENT_REFUSED', message };
          }
          reference = payload.fulfillment.id;
        }
        return {
          outcome: 'confirmed',
          channelReference: reference,
          carrierSent: company,
          carrierKnown: known,
          alreadyConfirmed: false,
        };
      } catch (error) {
        // Unknown outcome: look at the order again before trying once more (the loop's first step).
        if (error instanceof ShopifyApiError && error.outcomeUnknown && attempt < maxAttempts) continue;
        if (error instanceof ShopifyApiError && error.kind === 'rejected') {
          return { outcome: 'rejected', code: error.details.code ?? 'REJECTED', message: error.message };
        }
        throw error;
      }
    }
  }

  private async state(orderId: string): Promise<NonNullable<OrderFulfillmentState['order']> | null> {
    const { data } = await this.caller.request<OrderFulfillmentState>(
      'orderFulfillmentState',
      ORDER_FULFILLMENT_STATE,
      {
        estimatedCost: 600,
        variables: { id: `gid://shopify/Order/${orderId}` },
      },
    );
    return data.order;
  }
}

type Allocation =
  | { groups: { fulfillmentOrderId: string; items: { id: string; quantity: number }[] }[][] }
  | { code: string; message: string };

/**
 * Spreads the shipped units over the open fulfillment order lines of each order line, grouped by
 * location (one fulfillmentCreate may only span fulfillment orders of one location).
 */
function allocate(
  state: NonNullable<OrderFulfillmentState['order']>,
  shipment: ShipmentToConfirm,
): Allocation {
  const byFulfillmentOrder = new Map<
    string,
    { location: string; items: { id: string; quantity: number }[] }
  >();
  for (const line of shipment.lines) {
    let needed = line.quantity;
    for (const fulfillmentOrder of state.fulfillmentOrders.nodes) {
      if (!FULFILLABLE.has(fulfillmentOrder.status) || needed === 0) continue;
      for (const item of fulfillmentOrder.lineItems.nodes) {
        if (needed === 0 || item.remainingQuantity === 0 || numericId(item.lineItem.id) !== line.lineId)
          continue;
        const quantity = Math.min(needed, item.remainingQuantity);
        needed -= quantity;
        const entry = byFulfillmentOrder.get(fulfillmentOrder.id) ?? {
          location: fulfillmentOrder.assignedLocation.location?.id ?? '',
          items: [],
        };
        entry.items.push({ id: item.id, quantity });
        byFulfillmentOrder.set(fulfillmentOrder.id, entry);
      }
    }
    if (needed > 0) {
      return {
        code: 'NOTHING_LEFT_TO_FULFILL',
        message: `line ${line.lineId}: ${needed} of ${line.quantity} units have no open fulfillment order line (fulfilled elsewhere, or not in this order)`,
      };
    }
  }
  const byLocation = new Map<
    string,
    { fulfillmentOrderId: string; items: { id: string; quantity: number }[] }[]
  >();
  for (const [fulfillmentOrderId, entry] of byFulfillmentOrder) {
    byLocation.set(entry.location, [
      ...(byLocation.get(entry.location) ?? []),
      { fulfillmentOrderId, items: entry.items },
    ]);
  }
  if (byLocation.size === 0)
    return { code: 'NOTHING_LEFT_TO_FULFILL', message: 'the shipment carries no lines' };
  return { groups: [...byLocation.values()] };
}
