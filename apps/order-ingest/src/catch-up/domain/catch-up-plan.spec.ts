import { DEFAULT_ACCOUNT_OPTIONS } from '../../accounts/domain/channel-account';
import { nextScheduledCatchUp, planCatchUp } from './catch-up-plan';

describe(planCatchUp.name, () => {
  const now = new Date('2026-11-20T12:00:00Z');

  it('merchant orders not yet shipped over the look-back, Amazon-fulfilled of any status two days further', () => {
    const [merchant, amazon] = planCatchUp(DEFAULT_ACCOUNT_OPTIONS, now, 130_000);
    expect(merchant).toEqual({
      name: 'merchant-not-shipped',
      fulfilledBy: ['MERCHANT'],
      fulfillmentStatuses: ['PENDING_AVAILABILITY', 'PENDING', 'UNSHIPPED', 'PARTIALLY_SHIPPED'],
      createdAfter: new Date('2026-11-13T12:00:00Z'),
      createdBefore: new Date('2026-11-20T11:57:50Z'),
    });
    expect(amazon).toEqual({
      name: 'amazon-fulfilled',
      fulfilledBy: ['AMAZON'],
      createdAfter: new Date('2026-11-11T12:00:00Z'),
      createdBefore: new Date('2026-11-20T11:57:50Z'),
    });
  });

  it('follows the account options', () => {
    const [merchant, amazon] = planCatchUp({ ...DEFAULT_ACCOUNT_OPTIONS, catchUpLookbackDays: 3, catchUpAmazonExtraDays: 0 }, now, 0);
    expect(merchant.createdAfter).toEqual(new Date('2026-11-17T12:00:00Z'));
    expect(amazon.createdAfter).toEqual(new Date('2026-11-17T12:00:00Z'));
  });
});

describe(nextScheduledCatchUp.name, () => {
  const now = new Date('2026-11-20T12:00:00Z');
  it('the first run is one period away; later ones keep their rhythm and skip what a downtime missed', () => {
    expect(nextScheduledCatchUp(null, now, 1440)).toEqual(new Date('2026-11-21T12:00:00Z'));
    expect(nextScheduledCatchUp(new Date('2026-11-20T03:00:00Z'), now, 1440)).toEqual(new Date('2026-11-21T03:00:00Z'));
    expect(nextScheduledCatchUp(new Date('2026-11-17T03:00:00Z'), now, 1440)).toEqual(new Date('2026-11-21T03:00:00Z'));
  });
});
