import type { JsonObject } from '../support/json-value';
import { requireMarketplace } from './marketplaces';
import type { FulfillmentStatus, OrderLine, SimOrder } from './order';

/** ISO 8601 at whole seconds, the way Amazon prints order times. */
export function amazonTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function cents(decimal: string): number {
  const [whole, fraction = ''] = decimal.split('.');
  return Number(whole) * 100 + Number((fraction + '00').slice(0, 2));
}

function decimal(totalCents: number): string {
  return `${Math.floor(totalCents / 100)}.${String(totalCents % 100).padStart(2, '0')}`;
}

function lineTotal(line: OrderLine): string {
  return decimal(cents(line.unitPrice) * line.quantityOrdered);
}

function orderTotal(order: SimOrder): string {
  return decimal(order.lines.reduce((sum, line) => sum + cents(line.unitPrice) * line.quantityOrdered, 0));
}

/** Buyer and address are shown only while the order is payable and shippable, as Amazon documents. */
function showsPersonalData(order: SimOrder): boolean {
  return order.paymentAuthorized && ['UNSHIPPED', 'PARTIALLY_SHIPPED', 'SHIPPED'].includes(order.status);
}

/** Orders API v2026-01-01 `Order`, with the datasets asked for in `includedData`. */
export function orderV2026(order: SimOrder, includedData: ReadonlySet<string>): JsonObject {
  const marketplace = requireMarketplace(order.marketplaceId);
  const money = (amount: string) => ({ amount, currencyCode: marketplace.currencyCode });
  const pricesKnown = order.paymentAuthorized;
  const view: JsonObject = {
    orderId: order.orderId,
    createdTime: amazonTime(order.createdTime),
    lastUpdatedTime: amazonTime(order.lastUpdatedTime),
    salesChannel: { channelName: 'AMAZON', marketplaceId: marketplace.id, marketplaceName: marketplace.name },
  };
  if (order.sellerOrderId)
    view['orderAliases'] = [{ aliasId: order.sellerOrderId, aliasType: 'SELLER_ORDER_ID' }];
  if (includedData.has('BUYER') && showsPersonalData(order)) view['buyer'] = { ...order.buyer };
  if (includedData.has('RECIPIENT') && showsPersonalData(order)) {
    view['recipient'] = { deliveryAddress: { ...order.deliveryAddress, addressType: 'RESIDENTIAL' } };
  }
  if (includedData.has('PROCEEDS') && pricesKnown) {
    view['proceeds'] = { grandTotal: money(orderTotal(order)) };
  }
  if (includedData.has('FULFILLMENT')) {
    view['fulfillment'] = {
      fulfillmentStatus: order.status,
      fulfilledBy: order.fulfilledBy,
      fulfillmentServiceLevel: order.shipServiceLevel === 'Standard' ? 'STANDARD' : 'EXPEDITED',
      shipByWindow: { latestDateTime: amazonTime(order.latestShipTime) },
    };
  }
  view['orderItems'] = order.lines.map((line) => {
    const product: JsonObject = {
      asin: line.asin,
      title: line.title,
      sellerSku: line.sellerSku,
      condition: { conditionType: 'NEW', conditionSubtype: 'NEW' },
    };
    if (pricesKnown) product['price'] = { unitPrice: money(line.unitPrice) };
    const item: JsonObject = {
      orderItemId: line.orderItemId,
      quantityOrdered: line.quantityOrdered,
      product,
    };
    if (includedData.has('PROCEEDS') && pricesKnown) {
      item['proceeds'] = {
        proceedsTotal: money(lineTotal(line)),
        breakdowns: [{ type: 'ITEM', subtotal: money(lineTotal(line)) }],
      };
    }
    if (includedData.has('FULFILLMENT')) {
      item['fulfillment'] = {
        quantityFulfilled: line.quantityShipped,
        quantityUnfulfilled: line.quantityOrdered - line.quantityShipped,
      };
    }
    return item;
  });
  if (includedData.has('PACKAGES')) {
    view['packages'] = order.packages
      .filter((p) => !p.dropped)
      .map((p) => {
        const pkg: JsonObject = {
          packageReferenceId: p.packageReferenceId,
          createdTime: amazonTime(p.receivedAt),
          packageStatus: { status: 'SHIPPED' },
          carrier: p.carrierCode === 'Other' ? (p.carrierName ?? 'Other') : p.carrierCode,
          shipTime: p.shipDate,
          trackingNumber: p.trackingNumber,
          packageItems: p.items.map((i) => ({ ...i })),
        };
        if (p.shippingMethod) pkg['shippingService'] = p.shippingMethod;
        return pkg;
      });
  }
  return view;
}

const V0_STATUS: Record<FulfillmentStatus, string> = {
  PENDING_AVAILABILITY: 'PendingAvailability',
  PENDING: 'Pending',
  UNSHIPPED: 'Unshipped',
  PARTIALLY_SHIPPED: 'PartiallyShipped',
  SHIPPED: 'Shipped',
  CANCELLED: 'Canceled',
  UNFULFILLABLE: 'Unfulfillable',
};

export const V0_STATUS_TO_STATUS: Record<string, FulfillmentStatus> = Object.fromEntries(
  Object.entries(V0_STATUS).map(([status, v0]) => [v0, status as FulfillmentStatus]),
);

/**
 * Orders API v0 `Order`. Without a Restricted Data Token (the simulator issues none) v0 gives only
 * the unrestricted address fields, and nothing of it while the order is Pending.
 */
export function orderV0(order: SimOrder): JsonObject {
  const marketplace = requireMarketplace(order.marketplaceId);
  const shipped = order.lines.reduce((sum, l) => sum + l.quantityShipped, 0);
  const ordered = order.lines.reduce((sum, l) => sum + l.quantityOrdered, 0);
  const view: JsonObject = {
    AmazonOrderId: order.orderId,
    PurchaseDate: amazonTime(order.createdTime),
    LastUpdateDate: amazonTime(order.lastUpdatedTime),
    OrderStatus: V0_STATUS[order.status],
    FulfillmentChannel: order.fulfilledBy === 'AMAZON' ? 'AFN' : 'MFN',
    SalesChannel: marketplace.name,
    ShipServiceLevel: order.shipServiceLevel === 'Standard' ? 'Std EU Dom' : 'Exp EU Dom',
    NumberOfItemsShipped: shipped,
    NumberOfItemsUnshipped: order.status === 'CANCELLED' ? 0 : ordered - shipped,
    MarketplaceId: marketplace.id,
    ShipmentServiceLevelCategory: order.shipServiceLevel,
    OrderType: 'StandardOrder',
    EarliestShipDate: amazonTime(order.createdTime),
    LatestShipDate: amazonTime(order.latestShipTime),
    IsBusinessOrder: false,
    IsPrime: false,
    IsPremiumOrder: false,
    IsGlobalExpressEnabled: false,
    IsReplacementOrder: false,
    IsSoldByAB: false,
    IsISPU: false,
    IsAccessPointOrder: false,
  };
  if (order.sellerOrderId) view['SellerOrderId'] = order.sellerOrderId;
  if (order.paymentAuthorized) {
    view['OrderTotal'] = { CurrencyCode: marketplace.currencyCode, Amount: orderTotal(order) };
    view['PaymentMethod'] = 'Other';
    view['PaymentMethodDetails'] = ['Standard'];
  }
  if (showsPersonalData(order)) {
    const a = order.deliveryAddress;
    view['ShippingAddress'] = {
      City: a.city,
      StateOrRegion: a.stateOrRegion,
      PostalCode: a.postalCode,
      CountryCode: a.countryCode,
    };
  }
  return view;
}

/** Orders API v0 `OrderItem`: no prices, taxes or promotions while the order is Pending. */
export function orderItemV0(order: SimOrder, line: OrderLine): JsonObject {
  const marketplace = requireMarketplace(order.marketplaceId);
  const item: JsonObject = {
    ASIN: line.asin,
    SellerSKU: line.sellerSku,
    OrderItemId: line.orderItemId,
    Title: line.title,
    QuantityOrdered: line.quantityOrdered,
    QuantityShipped: line.quantityShipped,
    ProductInfo: { NumberOfItems: '1' },
    ConditionId: 'New',
    ConditionSubtypeId: 'New',
    IsTransparency: false,
    SerialNumberRequired: false,
  };
  if (order.paymentAuthorized) {
    item['ItemPrice'] = { CurrencyCode: marketplace.currencyCode, Amount: lineTotal(line) };
    item['ItemTax'] = { CurrencyCode: marketplace.currencyCode, Amount: '0.00' };
    item['PromotionDiscount'] = { CurrencyCode: marketplace.currencyCode, Amount: '0.00' };
    item['IsGift'] = 'false';
  }
  return item;
}
