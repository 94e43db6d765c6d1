import { retryDelayMs, shipmentStatus } from './shipment-status';

describe(shipmentStatus.name, () => {
  it('is the most urgent state of the packages', () => {
    expect(shipmentStatus(['confirmed', 'confirmed'], false)).toBe('confirmed');
    expect(shipmentStatus(['confirmed', 'held', 'failed'], false)).toBe('held');
    expect(shipmentStatus(['pending', 'failed'], false)).toBe('failed');
    expect(shipmentStatus(['confirmed', 'pending'], false)).toBe('sent');
    expect(shipmentStatus(['sent', 'pending'], false)).toBe('sent');
    expect(shipmentStatus(['pending', 'pending'], false)).toBe('pending');
    expect(shipmentStatus(['failed'], true)).toBe('voided');
  });
});

describe(retryDelayMs.name, () => {
  it('doubles per attempt up to the cap, with half of it jittered', () => {
    expect(retryDelayMs(1, 1000, 60_000, () => 0)).toBe(500);
    expect(retryDelayMs(1, 1000, 60_000, () => 1)).toBe(1000);
    expect(retryDelayMs(3, 1000, 60_000, () => 0)).toBe(2000);
    expect(retryDelayMs(20, 1000, 60_000, () => 1)).toBe(60_000);
  });
});
