import type { AmazonFulfilledBy, AmazonFulfillmentStatus } from '@holdfast/channels-amazon';
import type { AccountOptions } from '../../accounts/domain/channel-account';

/**
 * One search of a catch-up run, by creation time (a poll searches by update time, which is
 * exactly what misses an order Amazon showed late with an old update time).
 */
export interface CatchUpScan {
  name: 'merchant-not-shipped' | 'amazon-fulfilled';
  fulfilledBy: AmazonFulfilledBy[];
  /** Absent: every status. */
  fulfillmentStatuses?: AmazonFulfillmentStatus[];
  createdAfter: Date;
  createdBefore: Date;
}

const DAY_MS = 86_400_000;

/**
 * The vendor's `doublecheck` and `recheck`, done as two searches:
 * - merchant-fulfilled orders not yet shipped (Pending, Unshipped, partially shipped)
 *   created within the look-back: every one of them still holds or will hold our stock;
 * - Amazon-fulfilled orders of every status over the look-back plus the extra days, since
 *   Amazon holds them back longer and they often go straight from Pending to Shipped.
 */
export function planCatchUp(options: AccountOptions, now: Date, searchLagMs: number): CatchUpScan[] {
  const createdBefore = new Date(now.getTime() - searchLagMs);
  createdBefore.setUTCMilliseconds(0);
  const back = (days: number) => new Date(Math.floor((now.getTime() - days * DAY_MS) / 1000) * 1000);
  return [
    {
      name: 'merchant-not-shipped',
      fulfilledBy: ['MERCHANT'],
      fulfillmentStatuses: ['PENDING_AVAILABILITY', 'PENDING', 'UNSHIPPED', 'PARTIALLY_SHIPPED'],
      createdAfter: back(options.catchUpLookbackDays),
      createdBefore,
    },
    {
      name: 'amazon-fulfilled',
      fulfilledBy: ['AMAZON'],
      createdAfter: back(options.catchUpLookbackDays + options.catchUpAmazonExtraDays),
      createdBefore,
    },
  ];
}

/** The scheduled run after `previous` (or the first one), skipping the ones a downtime missed. */
export function nextScheduledCatchUp(previous: Date | null, now: Date, everyMinutes: number): Date {
  const every = everyMinutes * 60_000;
  if (!previous) return new Date(now.getTime() + every);
  let next = previous.getTime() + every;
  if (next <= now.getTime()) next += Math.ceil((now.getTime() - next + 1) / every) * every;
  return new Date(next);
}
