import { canonicalJson, idempotencyKeyFrom, requestHash } from './idempotent-request';
import { IdempotencyKeyInvalidError, IdempotencyKeyRequiredError } from './idempotency.errors';

describe('idempotent requests', () => {
  it('hashes the same request the same however its keys are ordered', () => {
    const a = { order: { orderId: '1', channel: 'amazon' }, packages: [{ b: 1, a: 2 }] };
    const b = { packages: [{ a: 2, b: 1 }], order: { channel: 'amazon', orderId: '1' } };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(requestHash('POST /v1/shipments', a)).toBe(requestHash('POST /v1/shipments', b));
  });

  it('tells different requests and operations apart', () => {
    expect(requestHash('POST /v1/shipments', { a: [1, 2] })).not.toBe(requestHash('POST /v1/shipments', { a: [2, 1] }));
    expect(requestHash('POST /v1/shipments', { a: 1 })).not.toBe(requestHash('POST /v1/manifests', { a: 1 }));
    expect(requestHash('POST /v1/shipments', { a: '1' })).not.toBe(requestHash('POST /v1/shipments', { a: 1 }));
  });

  it('validates the header', () => {
    expect(idempotencyKeyFrom('0195a1c4-9e1f-7c2b', true)).toBe('0195a1c4-9e1f-7c2b');
    expect(idempotencyKeyFrom(undefined, false)).toBeUndefined();
    expect(() => idempotencyKeyFrom(undefined, true)).toThrow(IdempotencyKeyRequiredError);
    expect(() => idempotencyKeyFrom('has space', true)).toThrow(IdempotencyKeyInvalidError);
    expect(() => idempotencyKeyFrom('x'.repeat(201), true)).toThrow(IdempotencyKeyInvalidError);
  });
});
