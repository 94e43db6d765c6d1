import { buildDataSourceOptions, InboxUnitOfWork, Outbox, runMigrations } from '@holdfast/persistence';
import { TestDatabase } from '@holdfast/testing';
import fc from 'fast-check';
import { DataSource } from 'typeorm';
import { v7 as uuidv7 } from 'uuid';
import { OutboxWriter } from '../src/availability/infrastructure/outbox-writer';
import { StockLedgerRepository } from '../src/availability/infrastructure/stock-ledger.repository';
import { ExplainAvailabilityQuery } from '../src/explain/application/explain-availability.query';
import { LedgerReadRepository } from '../src/explain/infrastructure/ledger-read.repository';
import { ApplyLedgerEventsUseCase, type LedgerEvent } from '../src/ledger/application/apply-ledger-events.use-case';
import { ReservationLedgerRepository } from '../src/ledger/infrastructure/reservation-ledger.repository';
import { inventoryReservationService } from '../src/service';
import { explainProblems, type SkuExplanationView } from './support/explain-check';
import { orderHistory, sequentialModel, type HistoryEvent } from './support/order-histories';

const ON_HAND = 50;

/**
 * Duplicated, reordered and replayed order events, delivered one by one or in batches,
 * must leave the ledger exactly where the sequential model puts it. The events go
 * through the real use case, inbox and database (one transaction per delivery or per
 * batch, as the consumer runs them); only the broker is left out, so that fast-check can
 * replay and shrink a failing sequence deterministically.
 */
describe('order events converge whatever their order, duplicates and replays', () => {
  let db: TestDatabase;
  let dataSource: DataSource;
  let ledger: ApplyLedgerEventsUseCase;
  let explain: ExplainAvailabilityQuery;
  let inbox: InboxUnitOfWork;
  let run = 0;

  beforeAll(async () => {
    db = await TestDatabase.create('inv_converge');
    dataSource = new DataSource(
      buildDataSourceOptions({
        url: db.url,
        schema: 'inventory',
        entities: [],
        migrations: inventoryReservationService.migrations,
        poolSize: 2,
      }),
    );
    await dataSource.initialize();
    await runMigrations(dataSource, 'inventory');
    explain = new ExplainAvailabilityQuery(dataSource, new LedgerReadRepository());
    inbox = new InboxUnitOfWork(dataSource, 'inventory');
    ledger = new ApplyLedgerEventsUseCase(
      new ReservationLedgerRepository(),
      new StockLedgerRepository(new OutboxWriter(new Outbox('inventory'))),
    );
  });

  afterAll(async () => {
    await dataSource?.destroy();
    await db?.drop();
  });

  /**
   * One transaction through the real inbox, as the consumer's batch handler runs it: the
   * inbox drops messages already applied, the rest go in together, each message id once.
   */
  async function deliver(batch: { messageId: string; event: HistoryEvent }[]): Promise<void> {
    await inbox.runBatchOnce(
      'orders',
      batch.map((d) => d.messageId),
      async (manager, fresh) => {
        const ids = new Set(fresh);
        const events: LedgerEvent[] = [];
        for (const d of batch) {
          if (!ids.delete(d.messageId)) continue;
          const cause = { type: d.event.type, messageId: d.messageId, correlationId: d.messageId };
          events.push(
            d.event.type === 'shipment.confirmed'
              ? { kind: 'shipment', shipment: d.event.shipment, cause }
              : { kind: 'order', order: d.event.order, cause },
          );
        }
        await ledger.execute(manager, events);
      },
    );
  }

  it('matches the sequential model', async () => {
    // Generated with placeholder names; each execution (shrinking re-runs old values too)
    // renames SKUs, orders and message ids to fresh ones, so executions never share rows.
    const scenario = fc
      .integer({ min: 1, max: 3 })
      .chain((orders) => {
        const skus = ['P-A', 'P-B'];
        return fc.record({
          skus: fc.constant(skus),
          histories: fc.tuple(...Array.from({ length: orders }, (_, i) => orderHistory(`P-O${i}`, skus))),
        });
      })
      .chain(({ skus, histories }) => {
        const messages = histories.flat().map((event, i) => ({ messageId: `m${i}`, event }));
        const n = messages.length;
        return fc.record({
          skus: fc.constant(skus),
          histories: fc.constant(histories),
          messages: fc.constant(messages),
          // A permutation of the messages, then redeliveries (same messageId) and
          // replays (same payload, new messageId) slotted in anywhere.
          order: fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: n, maxLength: n }),
          extra: fc.array(
            fc.record({ index: fc.nat(n - 1), sameMessage: fc.boolean(), at: fc.double({ min: 0, max: 1, noNaN: true }) }),
            { maxLength: 5 },
          ),
          batchSizes: fc.array(fc.integer({ min: 1, max: 4 }), { minLength: 1, maxLength: 8 }),
        });
      });

    await fc.assert(
      fc.asyncProperty(scenario, async (generated) => {
        const prefix = `R${run++}-`;
        const { skus, histories, messages, order, extra, batchSizes } = JSON.parse(
          JSON.stringify(generated).replaceAll('"P-', `"${prefix}`),
        ) as typeof generated;
        const ids = new Map<string, string>();
        const fresh = (id: string) => ids.get(id) ?? ids.set(id, uuidv7()).get(id)!;
        await dataSource.query(
          `INSERT INTO inventory.stock (sku, on_hand, shared_on_hand) SELECT s, $2, $2 FROM unnest($1::text[]) s;`,
          [skus, ON_HAND],
        );
        await dataSource.query(
          `INSERT INTO inventory.stock_levels (sku, location_id, on_hand, as_of) SELECT s, 'default', $2, 1 FROM unnest($1::text[]) s`,
          [skus, ON_HAND],
        );
        const deliveries = [
          ...messages.map((m, i) => ({ key: order[i], m: { ...m, messageId: fresh(m.messageId) } })),
          ...extra.map((x) => ({
            key: x.at,
            m: {
              messageId: fresh(x.sameMessage ? messages[x.index].messageId : `replay-${x.index}-${x.at}`),
              event: messages[x.index].event,
            },
          })),
        ]
          .sort((a, b) => a.key - b.key)
          .map((d) => d.m);
        for (let i = 0, b = 0; i < deliveries.length; b++) {
          const size = batchSizes[b % batchSizes.length];
          await deliver(deliveries.slice(i, i + size));
          i += size;
        }

        const model = sequentialModel(histories, Object.fromEntries(skus.map((s) => [s, ON_HAND])));
        const rows = await dataSource.query(
          `SELECT order_id AS "orderId", line_id AS "lineId", sku, state, quantity, fulfilled
             FROM inventory.reservations WHERE sku = ANY($1::text[]) ORDER BY line_id COLLATE "C"`,
          [skus],
        );
        expect(rows).toEqual(model.reservations);
        const heads: { sku: string; on_hand: number; reserved: number; version: number }[] = await dataSource.query(
          `SELECT sku, on_hand, reserved, version FROM inventory.stock WHERE sku = ANY($1::text[]) ORDER BY sku`,
          [skus],
        );
        for (const head of heads) {
          expect({ sku: head.sku, onHand: head.on_hand, reserved: head.reserved }).toEqual({
            sku: head.sku,
            onHand: model.onHand[head.sku],
            reserved: model.reserved[head.sku],
          });
          // The explain read model says the same, and its numbers add up.
          const explained = (await explain.execute(head.sku)) as unknown as SkuExplanationView;
          expect(explained).toMatchObject({ onHand: head.on_hand, reserved: head.reserved });
          expect(explainProblems(explained)).toEqual([]);
          // The last availability.changed of the SKU says what the head says, and versions only grow.
          const published: { payload: { onHand: number; reserved: number; version: number } }[] = await dataSource.query(
            `SELECT envelope->'payload' AS payload FROM inventory.outbox
              WHERE routing_key = 'availability.changed' AND envelope->'payload'->>'sku' = $1 ORDER BY id`,
            [head.sku],
          );
          const versions = published.map((p) => p.payload.version);
          expect(versions).toEqual([...versions].sort((a, b) => a - b));
          expect(new Set(versions).size).toBe(versions.length);
          if (published.length > 0) {
            expect(published[published.length - 1].payload).toMatchObject({
              onHand: head.on_hand,
              reserved: head.reserved,
              version: head.version,
            });
          } else {
            expect(head.version).toBe(0);
          }
        }
        // Legal histories never trip the state machine, however they arrive.
        const rejected = await dataSource.query(
          `SELECT from_state, to_state, reason FROM inventory.rejected_transitions WHERE sku = ANY($1::text[])`,
          [skus],
        );
        expect(rejected).toEqual([]);
      }),
      { numRuns: 40, interruptAfterTimeLimit: 40_000 },
    );
  }, 90_000);
});
