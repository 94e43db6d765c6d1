import { version as uuidVersion } from 'uuid';
import { ContractViolationError, createEnvelope, parseEnvelope, validatePayload } from './envelope';
import { EVENTS, type EventPayload } from './event-map';
import type { OrderSnapshot } from './events/order-snapshot';

const availability: EventPayload<'availability.changed'> = {
  sku: 'MUG-BLUE-350',
  onHand: 12,
  reserved: 3,
  available: 9,
  version: 42,
};

const order: OrderSnapshot = {
  channel: 'amazon',
  accountId: 'A2EUQ1WTGCTBG2',
  orderId: '302-7731485-2206730',
  marketplaceId: 'A1PA6795UKMFR9',
  status: 'pending',
  channelStatus: 'Pending',
  fulfilledBy: 'MERCHANT',
  purchasedAt: '2025-03-14T09:12:45Z',
  updatedAt: '2025-03-14T09:12:45Z',
  revision: 1741943565000000,
  lines: [
    {
      lineId: '1',
      channelSku: 'HF-MUG-BLU-350',
      quantityOrdered: 2,
      quantityShipped: 0,
      quantityCanceled: 0,
    },
  ],
};

function violationOf(action: () => unknown): ContractViolationError {
  try {
    action();
  } catch (error) {
    if (error instanceof ContractViolationError) return error;
    throw error;
  }
  throw new Error('expected a ContractViolationError');
}

describe('createEnvelope', () => {
  it('gives each envelope a fresh UUIDv7 message id', () => {
    const first = createEnvelope('availability.changed', availability);
    const second = createEnvelope('availability.changed', availability);
    expect(uuidVersion(first.messageId)).toBe(7);
    expect(uuidVersion(second.messageId)).toBe(7);
    expect(second.messageId).not.toBe(first.messageId);
  });

  it('starts a new causal chain by default: correlationId is the messageId, no cause, no account', () => {
    const envelope = createEnvelope('availability.changed', availability);
    expect(envelope.correlationId).toBe(envelope.messageId);
    expect(envelope.causationId).toBeNull();
    expect(envelope.channelAccount).toBeNull();
  });

  it('continues a chain and stamps the contract version and the given time', () => {
    const cause = createEnvelope('order.placed', { order });
    const envelope = createEnvelope(
      'order.confirmed',
      { order: { ...order, status: 'confirmed', channelStatus: 'Unshipped' } },
      {
        correlationId: cause.correlationId,
        causationId: cause.messageId,
        channelAccount: { channel: 'amazon', accountId: 'A2EUQ1WTGCTBG2' },
        occurredAt: new Date('2025-03-14T09:45:00.731Z'),
      },
    );
    expect(envelope).toMatchObject({
      type: 'order.confirmed',
      version: EVENTS['order.confirmed'].version,
      occurredAt: '2025-03-14T09:45:00.731Z',
      correlationId: cause.messageId,
      causationId: cause.messageId,
      channelAccount: { channel: 'amazon', accountId: 'A2EUQ1WTGCTBG2' },
    });
  });

  it('builds what parseEnvelope accepts back from the wire', () => {
    const envelope = createEnvelope('order.placed', { order }, { causationId: 'poll-amazon-1' });
    expect(parseEnvelope(JSON.parse(JSON.stringify(envelope)))).toEqual(envelope);
  });

  it('throws at run time on a payload that breaks its contract, naming the path from the envelope root', () => {
    // The compiler cannot see this rule (available = onHand - reserved); only the run-time check can.
    const broken: EventPayload<'availability.changed'> = { ...availability, available: 10 };
    const error = violationOf(() => createEnvelope('availability.changed', broken));
    expect(error.eventType).toBe('availability.changed');
    expect(error.issues).toEqual([
      { path: 'payload.available', message: 'available must equal onHand - reserved' },
    ]);
  });

  it('throws on a payload published under the wrong routing key', () => {
    const error = violationOf(() => createEnvelope('order.placed', availability as never));
    expect(error.issues.map((i) => i.path)).toContain('payload');
  });

  it('rejects a caller-supplied message id that is not a UUIDv7', () => {
    const error = violationOf(() =>
      createEnvelope('availability.changed', availability, {
        messageId: '3b241101-e2bb-4255-8caf-4136c566a962',
      }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['messageId']);
  });
});

describe('parseEnvelope', () => {
  it.each([[null], [[]], ['order.placed'], [42]])('rejects %p as not an envelope', (raw) => {
    const error = violationOf(() => parseEnvelope(raw));
    expect(error.eventType).toBe('(unknown)');
    expect(error.issues).toEqual([{ path: '', message: 'envelope must be a JSON object' }]);
  });

  it('tells a payload version apart from the envelope version', () => {
    const envelope = JSON.parse(JSON.stringify(createEnvelope('availability.changed', availability)));
    envelope.payload.version = 0;
    expect(violationOf(() => parseEnvelope(envelope)).issues.map((i) => i.path)).toEqual(['payload.version']);
    envelope.payload.version = 42;
    envelope.version = 99;
    const error = violationOf(() => parseEnvelope(envelope));
    expect(error.issues).toEqual([{ path: 'version', message: 'version 99 is not supported (expected 1)' }]);
  });

  it('reports the claimed type of an envelope with a broken header', () => {
    const envelope = JSON.parse(
      JSON.stringify(
        createEnvelope('stock.oversold', {
          sku: 'KETTLE-STEEL-1L',
          shortfall: 3,
          orders: [{ channel: 'amazon', accountId: 'A2EUQ1WTGCTBG2', orderId: '028-1190342-7720311' }],
        }),
      ),
    );
    envelope.occurredAt = 'yesterday';
    const error = violationOf(() => parseEnvelope(envelope));
    expect(error.eventType).toBe('stock.oversold');
    expect(error.message).toMatch(/^stock\.oversold violates its contract: occurredAt: /);
  });
});

describe('validatePayload', () => {
  it('returns the parsed payload and reports paths from the payload root', () => {
    expect(validatePayload('availability.changed', availability)).toEqual(availability);
    const error = violationOf(() =>
      validatePayload('availability.changed', { ...availability, reserved: -1, available: 13 }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['reserved']);
  });
});
