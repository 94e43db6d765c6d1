import type { SeededRandom } from '../support/seeded-random';
import { requireMarketplace } from './marketplaces';
import {
  statusAuthorizesPayment,
  wholeSeconds,
  type DeliveryAddress,
  type FulfilledBy,
  type FulfillmentStatus,
  type OrderLine,
  type SimOrder,
} from './order';

export interface NewOrderLine {
  sellerSku: string;
  quantity: number;
  unitPrice?: string;
  asin?: string;
  title?: string;
}

export interface NewOrder {
  sellerId: string;
  marketplaceId: string;
  fulfilledBy: FulfilledBy;
  status: FulfillmentStatus;
  items: NewOrderLine[];
  orderId?: string;
  sellerOrderId?: string;
  /** Creation time (ms); defaults to now. May lie in the past. */
  createdAt?: number;
  /** Real milliseconds from now before the SP-API shows the order (already scaled). */
  visibleAfterMs?: number;
}

interface Locale {
  names: string[];
  surnames: string[];
  cities: { city: string; postalCode: string; region: string }[];
  street: string;
  phonePrefix: string;
}

const LOCALES: Record<string, Locale> = {
  IT: {
    names: ['Giulia', 'Marco', 'Francesca', 'Luca', 'Chiara', 'Matteo'],
    surnames: ['Rossi', 'Bianchi', 'Esposito', 'Romano', 'Colombo', 'Ricci'],
    cities: [
      { city: 'Milano', postalCode: '20121', region: 'MI' },
      { city: 'Roma', postalCode: '00184', region: 'RM' },
      { city: 'Torino', postalCode: '10121', region: 'TO' },
    ],
    street: 'Via Garibaldi',
    phonePrefix: '+39 3',
  },
  DE: {
    names: ['Anna', 'Lukas', 'Lea', 'Jonas', 'Mia', 'Felix'],
    surnames: ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Becker'],
    cities: [
      { city: 'Berlin', postalCode: '10115', region: 'Berlin' },
      { city: 'München', postalCode: '80331', region: 'Bayern' },
      { city: 'Hamburg', postalCode: '20095', region: 'Hamburg' },
    ],
    street: 'Hauptstraße',
    phonePrefix: '+49 15',
  },
  FR: {
    names: ['Camille', 'Louis', 'Chloé', 'Hugo', 'Léa', 'Jules'],
    surnames: ['Martin', 'Bernard', 'Dubois', 'Thomas', 'Robert', 'Petit'],
    cities: [
      { city: 'Paris', postalCode: '75001', region: 'Île-de-France' },
      { city: 'Lyon', postalCode: '69001', region: 'Auvergne-Rhône-Alpes' },
    ],
    street: 'Rue de la République',
    phonePrefix: '+33 6',
  },
  ES: {
    names: ['Lucía', 'Hugo', 'Martina', 'Pablo', 'Sofía', 'Daniel'],
    surnames: ['García', 'Fernández', 'López', 'Martínez', 'Sánchez', 'Pérez'],
    cities: [
      { city: 'Madrid', postalCode: '28013', region: 'Madrid' },
      { city: 'Barcelona', postalCode: '08002', region: 'Barcelona' },
    ],
    street: 'Calle Mayor',
    phonePrefix: '+34 6',
  },
  GB: {
    names: ['Olivia', 'George', 'Amelia', 'Harry', 'Isla', 'Oliver'],
    surnames: ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson'],
    cities: [
      { city: 'London', postalCode: 'SW1A 1AA', region: 'London' },
      { city: 'Manchester', postalCode: 'M1 1AE', region: 'Greater Manchester' },
    ],
    street: 'High Street',
    phonePrefix: '+44 7',
  },
};

/**
 * Builds orders with Amazon-shaped identifiers (3-7-7 order ids, 14-digit item ids) and plausible,
 * seeded buyer data, so the same seed yields the same orders.
 */
export class OrderFactory {
  constructor(private readonly random: SeededRandom) {}

  build(input: NewOrder, now: number, isTaken: (orderId: string) => boolean): SimOrder {
    const marketplace = requireMarketplace(input.marketplaceId);
    const createdTime = wholeSeconds(input.createdAt ?? now);
    const orderId = input.orderId ?? this.uniqueOrderId(isTaken);
    const lines: OrderLine[] = input.items.map((item) => ({
      orderItemId: this.random.digits(14),
      sellerSku: item.sellerSku,
      asin: item.asin ?? `B0${this.random.hex(8).toUpperCase()}`,
      title: item.title ?? `Simulated product ${item.sellerSku}`,
      quantityOrdered: item.quantity,
      quantityShipped: input.status === 'SHIPPED' ? item.quantity : 0,
      unitPrice: item.unitPrice ?? `${this.random.int(5, 199)}.${this.random.digits(1)}9`,
    }));
    if (input.status === 'PARTIALLY_SHIPPED')
      lines[0].quantityShipped = Math.min(1, lines[0].quantityOrdered);
    const order: SimOrder = {
      orderId,
      sellerId: input.sellerId,
      marketplaceId: marketplace.id,
      fulfilledBy: input.fulfilledBy,
      status: input.status,
      createdTime,
      lastUpdatedTime: createdTime,
      visibleAt: now + (input.visibleAfterMs ?? 0),
      paymentAuthorized: statusAuthorizesPayment(input.status),
      buyer: { buyerName: '', buyerEmail: '' },
      deliveryAddress: this.address(marketplace.countryCode),
      shipServiceLevel: this.random.next() < 0.8 ? 'Standard' : 'Expedited',
      latestShipTime: createdTime + 2 * 86_400_000,
      lines,
      packages: [],
      history: [{ from: null, to: input.status, at: createdTime, by: 'control' }],
    };
    if (input.sellerOrderId !== undefined) order.sellerOrderId = input.sellerOrderId;
    order.buyer = {
      buyerName: order.deliveryAddress.name,
      buyerEmail: `${this.random.hex(16)}@marketplace.amazon.${marketplace.countryCode === 'GB' ? 'co.uk' : marketplace.countryCode.toLowerCase()}`,
    };
    return order;
  }

  private uniqueOrderId(isTaken: (orderId: string) => boolean): string {
    for (;;) {
      const orderId = `${this.random.int(402, 408)}-${this.random.digits(7)}-${this.random.digits(7)}`;
      if (!isTaken(orderId)) return orderId;
    }
  }

  private address(countryCode: string): DeliveryAddress {
    const locale = LOCALES[countryCode] ?? LOCALES['DE'];
    const place = this.random.pick(locale.cities);
    return {
      name: `${this.random.pick(locale.names)} ${this.random.pick(locale.surnames)}`,
      addressLine1: `${locale.street} ${this.random.int(1, 180)}`,
      city: place.city,
      postalCode: place.postalCode,
      stateOrRegion: place.region,
      countryCode,
      phone: `${locale.phonePrefix}${this.random.digits(8)}`,
    };
  }
}
