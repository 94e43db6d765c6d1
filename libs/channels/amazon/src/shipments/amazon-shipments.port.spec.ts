import { AmazonShipmentRequestError, assertValidPackageConfirmation, type AmazonPackageConfirmation } from './amazon-shipments.port';

const valid: AmazonPackageConfirmation = {
  marketplaceId: 'APJ6JRA9NG5V4',
  packageReferenceId: '1',
  carrierCode: 'BRT',
  trackingNumber: '084123456789012',
  shipDate: '2026-11-20T10:00:00Z',
  orderItems: [{ orderItemId: '93166234939335', quantity: 2 }],
};

describe(assertValidPackageConfirmation.name, () => {
  it('accepts what Amazon accepts', () => {
    expect(() => assertValidPackageConfirmation(valid)).not.toThrow();
    expect(() => assertValidPackageConfirmation({ ...valid, carrierCode: 'Other', carrierName: 'Nexive' })).not.toThrow();
  });

  it.each([
    ['a non-numeric package reference', { packageReferenceId: 'pkg-1' }],
    ['a zero package reference', { packageReferenceId: '0' }],
    ['"Other" without a carrier name', { carrierCode: 'Other' }],
    ['a blank tracking number', { trackingNumber: ' ' }],
    ['a ship date that is not a date', { shipDate: 'yesterday' }],
    ['no order items', { orderItems: [] }],
    ['a zero quantity', { orderItems: [{ orderItemId: '1', quantity: 0 }] }],
  ])('refuses %s before spending a call', (_name, change) => {
    expect(() => assertValidPackageConfirmation({ ...valid, ...change })).toThrow(AmazonShipmentRequestError);
  });
});
