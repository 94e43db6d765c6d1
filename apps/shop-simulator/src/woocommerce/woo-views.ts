import { gmtWallClock, localWallClock } from '../support/shop-time';
import type { WooOrder, WooOrderNote, WooProduct, WooStore } from './woo-store';
import { must } from '../support/must';

/**
 * Resources as WooCommerce's REST API v3 writes them: `date_*` in the store's local time without an
 * offset, `date_*_gmt` in UTC without a `Z`, prices as strings, `meta_data` as `{id, key, value}`.
 */
export function orderView(store: WooStore, order: WooOrder): Record<string, unknown> {
  const local = (ms: number | null) => (ms === null ? null : localWallClock(ms, store.timezoneOffsetMinutes));
  const gmt = (ms: number | null) => (ms === null ? null : gmtWallClock(ms));
  const [first, last] = order.customerName.split(' ');
  const total = order.lineItems.reduce((sum, item) => sum + Number(item.price) * item.quantity, 0).toFixed(2);
  return {
    id: order.id,
    parent_id: 0,
    status: order.status,
    currency: order.currency,
    version: '9.4.2',
    prices_include_tax: true,
    date_created: local(order.createdAt),
    date_created_gmt: gmt(order.createdAt),
    date_modified: local(order.modifiedAt),
    date_modified_gmt: gmt(order.modifiedAt),
    date_paid: local(order.paidAt),
    date_paid_gmt: gmt(order.paidAt),
    date_completed: local(order.completedAt),
    date_completed_gmt: gmt(order.completedAt),
    total,
    customer_id: 0,
    order_key: order.orderKey,
    billing: {
      first_name: first,
      last_name: last ?? '',
      email: order.billingEmail,
      phone: '+39 02 0000000',
      address_1: 'Via Roma 1',
      city: 'Milano',
      postcode: '20121',
      country: 'IT',
    },
    shipping: {
      first_name: first,
      last_name: last ?? '',
      address_1: 'Via Roma 1',
      city: 'Milano',
      postcode: '20121',
      country: 'IT',
    },
    payment_method: 'bacs',
    payment_method_title: 'Direct bank transfer',
    created_via: 'checkout',
    customer_note: order.customerNote,
    number: String(order.id),
    meta_data: order.metaData.map((m) => ({ id: m.id, key: m.key, value: m.value })),
    line_items: order.lineItems.map((item) => ({
      id: item.id,
      name: item.name,
      product_id: item.productId,
      variation_id: item.variationId,
      quantity: item.quantity,
      tax_class: '',
      subtotal: (Number(item.price) * item.quantity).toFixed(2),
      total: (Number(item.price) * item.quantity).toFixed(2),
      sku: item.sku,
      price: Number(item.price),
      meta_data: [],
    })),
    shipping_lines: [],
    refunds: [],
  };
}

export function productView(store: WooStore, product: WooProduct): Record<string, unknown> {
  const base = {
    id: product.id,
    name: product.name,
    sku: product.sku,
    date_created: localWallClock(product.createdAt, store.timezoneOffsetMinutes),
    date_created_gmt: gmtWallClock(product.createdAt),
    date_modified: localWallClock(product.modifiedAt, store.timezoneOffsetMinutes),
    date_modified_gmt: gmtWallClock(product.modifiedAt),
    status: 'publish',
    price: product.price,
    regular_price: product.price,
    manage_stock: product.manageStock,
    stock_quantity: product.manageStock ? product.stockQuantity : null,
    stock_status: stockStatus(store, product),
    backorders: 'no',
    meta_data: [],
  };
  if (product.type === 'variation') return { ...base, type: 'variation', attributes: [] };
  return {
    ...base,
    slug: product.sku.toLowerCase(),
    type: product.type,
    variations: product.variationIds,
    parent_id: 0,
  };
}

export function noteView(note: WooOrderNote, offsetMinutes: number): Record<string, unknown> {
  return {
    id: note.id,
    author: note.author,
    date_created: localWallClock(note.dateCreated, offsetMinutes),
    date_created_gmt: gmtWallClock(note.dateCreated),
    note: note.note,
    customer_note: note.customerNote,
  };
}

function stockStatus(store: WooStore, product: WooProduct): 'instock' | 'outofstock' {
  if (product.type === 'variable') {
    return product.variationIds.some(
      (id) => stockStatus(store, must(store.products.get(id), `variation ${id}`)) === 'instock',
    )
      ? 'instock'
      : 'outofstock';
  }
  if (!product.manageStock) return 'instock';
  return (product.stockQuantity ?? 0) > 0 ? 'instock' : 'outofstock';
}
