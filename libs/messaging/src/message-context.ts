import type { Envelope } from '@holdfast/contracts';
import { BaseRpcContext } from '@nestjs/microservices';

/** What a handler learns about the message beside its payload (`@Ctx()`). */
export interface DeliveryInfo {
  envelope: Envelope;
  queue: string;
  /** 1 on first delivery, then 2, 3… across handler-level retries. */
  attempt: number;
  /** The broker redelivered it (a consumer died or a channel closed before the ack). */
  redelivered: boolean;
}

/**
 * The handler's context. `transaction` is the unit of work's transaction handle (a
 * TypeORM EntityManager when the persistence lib's inbox runs the handler): effects
 * written through it commit together with the inbox record, before the ack.
 */
export class HoldfastContext<TTransaction = unknown> extends BaseRpcContext<[DeliveryInfo, TTransaction]> {
  get delivery(): DeliveryInfo {
    return this.args[0];
  }
  get envelope(): Envelope {
    return this.args[0].envelope;
  }
  get transaction(): TTransaction {
    return this.args[1];
  }
}

/**
 * The context of a batch handler (`@EventPattern(…, { batch: true })`): the handler gets
 * the payloads of several messages (`@Payload()` is an array, in delivery order) and one
 * transaction for all of them. Messages already applied are left out before the call.
 */
export class HoldfastBatchContext<TTransaction = unknown> extends BaseRpcContext<
  [DeliveryInfo[], TTransaction]
> {
  get deliveries(): DeliveryInfo[] {
    return this.args[0];
  }
  get transaction(): TTransaction {
    return this.args[1];
  }
}

/**
 * Runs a handler exactly once per (consumer, messageId): the persistence lib implements
 * it with an inbox row written in the handler's own transaction. `duplicate` means the
 * message was already applied, so it is only acknowledged.
 */
export interface UnitOfWork<TTransaction = unknown> {
  runOnce(
    consumer: string,
    messageId: string,
    work: (transaction: TTransaction) => Promise<void>,
  ): Promise<'applied' | 'duplicate'>;
  /**
   * The same for several messages in one transaction: records every id, runs `work` with
   * those not seen before (if any) and returns them. A failure rolls back all of them.
   */
  runBatchOnce?(
    consumer: string,
    messageIds: readonly string[],
    work: (transaction: TTransaction, fresh: ReadonlySet<string>) => Promise<void>,
  ): Promise<ReadonlySet<string>>;
}
