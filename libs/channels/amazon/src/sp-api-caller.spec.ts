import type { SellingPartner } from 'amazon-sp-api';
import { SpApiRateLimiter } from './rate-limit/sp-api-rate-limiter';
import { SpApiCaller, SpApiError } from './sp-api-caller';

/**
 * The caller's retry decisions, over a client that answers from a script (the system tests
 * run the real client against the simulator): an unanswered call is sent again only when a
 * late copy of it cannot do harm.
 */
describe('SpApiCaller retries', () => {
  type Step = { status: number; body?: string } | { network: string };
  const callerOver = (steps: Step[]) => {
    const calls: string[] = [];
    const client = {
      callAPI: async (request: { operation: string }) => {
        calls.push(request.operation);
        const step = steps.shift() ?? { status: 200, body: '{}' };
        if ('network' in step) throw Object.assign(new Error('socket hang up'), { code: step.network });
        return { statusCode: step.status, headers: {}, body: step.body ?? '' };
      },
    } as unknown as SellingPartner;
    const caller = new SpApiCaller(client, 'SELLER', new SpApiRateLimiter(), {
      maxAttempts: 3,
      sleep: async () => undefined,
    });
    return { caller, calls };
  };
  const patch = { operation: 'patchListingsItem', endpoint: 'listingsItems' as const };

  it('sends an idempotent call again after a timeout, a lost connection and a 503', async () => {
    const { caller, calls } = callerOver([{ network: 'ETIMEDOUT' }, { network: 'ECONNRESET' }]);
    await expect(caller.call('patchListingsItem', patch)).resolves.toMatchObject({ status: 200 });
    expect(calls).toHaveLength(3);
  });

  it('with retryUnanswered off, reports a call that got no answer instead of sending it again', async () => {
    const { caller, calls } = callerOver([{ network: 'ETIMEDOUT' }]);
    const failure = await caller
      .call('patchListingsItem', patch, { idempotent: true, retryUnanswered: false })
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SpApiError);
    expect(failure).toMatchObject({ kind: 'transient', status: null, code: 'ETIMEDOUT' });
    expect(calls).toHaveLength(1);
  });

  it('with retryUnanswered off, still sends again after an answered 503 and a 429 (Amazon did nothing)', async () => {
    const { caller, calls } = callerOver([{ status: 503 }, { status: 429 }]);
    await expect(
      caller.call('patchListingsItem', patch, { idempotent: true, retryUnanswered: false }),
    ).resolves.toMatchObject({ status: 200 });
    expect(calls).toHaveLength(3);
  });

  it('never sends a non-idempotent call again after a 5xx', async () => {
    const { caller, calls } = callerOver([{ status: 500 }]);
    await expect(caller.call('patchListingsItem', patch, { idempotent: false })).rejects.toMatchObject({
      kind: 'transient',
      status: 500,
    });
    expect(calls).toHaveLength(1);
  });
});
