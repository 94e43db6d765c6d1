import { SERVICES, type ChaosSystem } from './chaos-system';
import type { OtlpCollector } from '@holdfast/testing';

/**
 * "No PII in logs, messages, dead-letter queues or traces": the buyers' personal data Amazon
 * holds for the workload's orders (the simulator's control API shows it) must appear nowhere
 * the services write in clear: their output, any message in their outboxes, any message in
 * the namespace's dead-letter queues, any span they export. At rest the services keep it
 * encrypted (PII_ENCRYPTION_KEY) and the event contracts carry none (no buyer, no address),
 * so every occurrence is a leak.
 *
 * Scanned for: the buyer's name and email, the recipient's name, street line and phone (as
 * written, and without spaces). Not the city, postal code, region or country: alone they
 * identify nobody, and numbers like a postal code occur in ids and counts by chance.
 */

export interface PiiValue {
  orderId: string;
  field: string;
  value: string;
}

/** Where something was found: `log:<service>`, `message:<outbox>`, `dead-letter:<queue>`, `trace:<service>`. */
export interface PiiText {
  source: string;
  text: string;
}

/** Every span the services exported, as `trace:<service> <span name>` and the span as it arrived. */
export function spanTexts(traces: OtlpCollector | undefined): PiiText[] {
  if (!traces) return [];
  return [
    ...traces.spans.map((span) => ({ source: `trace:${span.service} ${span.name}`, text: span.raw })),
    ...traces.unreadable.map((text) => ({ source: 'trace:?', text })),
  ];
}

export interface PiiLeak {
  source: string;
  orderId: string;
  field: string;
  /** A few characters around the occurrence, with the value itself masked. */
  context: string;
}

/** The buyer data of each order, as the simulator holds it. */
export async function buyerPii(system: ChaosSystem, orderIds: Iterable<string>): Promise<PiiValue[]> {
  const values: PiiValue[] = [];
  for (const orderId of orderIds) {
    const res = await system.sim<{
      buyer?: { buyerName?: string; buyerEmail?: string };
      deliveryAddress?: { name?: string; addressLine1?: string; phone?: string };
    }>('GET', `/_sim/orders/${encodeURIComponent(orderId)}`);
    if (res.status !== 200) throw new Error(`the simulator's order ${orderId}: ${res.status}`);
    const { buyer, deliveryAddress: address } = res.body;
    const fields: [string, string | undefined][] = [
      ['buyer name', buyer?.buyerName],
      ['buyer email', buyer?.buyerEmail],
      ['recipient name', address?.name],
      ['street', address?.addressLine1],
      ['phone', address?.phone],
      ['phone', address?.phone?.replace(/\s+/g, '')],
    ];
    for (const [field, value] of fields)
      // Too short to be telling (and empty until Amazon has the data).
      if (value && value.length >= 6) values.push({ orderId, field, value });
  }
  return values;
}

/** Every occurrence of any value in any text (case-insensitive). */
export function findPii(values: readonly PiiValue[], texts: readonly PiiText[]): PiiLeak[] {
  const leaks: PiiLeak[] = [];
  const seen = new Set<string>();
  for (const { source, text } of texts) {
    const haystack = text.toLowerCase();
    for (const { orderId, field, value } of values) {
      const at = haystack.indexOf(value.toLowerCase());
      const key = `${source}\u0000${orderId}\u0000${field}`;
      if (at < 0 || seen.has(key)) continue;
      seen.add(key);
      const context =
        text.slice(Math.max(0, at - 60), at) + '[…]' + text.slice(at + value.length, at + value.length + 60);
      leaks.push({ source, orderId, field, context: context.replace(/\s+/g, ' ') });
    }
  }
  return leaks;
}

const OUTBOXES = ['order_ingest', 'inventory', 'availability', 'shipment_notifier'];

/** Everything the system wrote that must be free of PII, as text per source. */
export async function writtenTexts(system: ChaosSystem, deadLetterQueues?: string[]): Promise<PiiText[]> {
  const texts: PiiText[] = [];
  for (const name of SERVICES) {
    const service = system.services.get(name);
    if (service) texts.push({ source: `log:${name}`, text: service.logs });
  }
  for (const schema of OUTBOXES) {
    const rows = await system.db.query<{ routing_key: string; envelope: string }>(
      `SELECT routing_key, envelope::text AS envelope FROM "${schema}".outbox`,
    );
    for (const row of rows)
      texts.push({ source: `message:${schema}.outbox ${row.routing_key}`, text: row.envelope });
  }
  for (const [queue, bodies] of Object.entries(await peekDeadLetters(system, deadLetterQueues)))
    for (const body of bodies) texts.push({ source: `dead-letter:${queue}`, text: body });
  texts.push(...spanTexts(system.traces));
  return texts;
}

/**
 * The messages in the namespace's dead-letter queues, left where they are: taken without an
 * acknowledgement, then the channel is closed, which puts every one of them back.
 */
export async function peekDeadLetters(
  system: ChaosSystem,
  // Listing the queues asks rabbitmqctl, which takes seconds on a loaded machine: a caller that
  // has just listed them passes them on.
  deadLetterQueues?: string[],
): Promise<Record<string, string[]>> {
  const queues = deadLetterQueues ?? Object.keys(await system.deadLetters());
  if (queues.length === 0) return {};
  const { connect } = await import('amqplib');
  const connection = await connect(system.infrastructure.amqpUrl);
  try {
    const channel = await connection.createChannel();
    const found: Record<string, string[]> = {};
    for (const queue of queues) {
      found[queue] = [];
      for (;;) {
        const message = await channel.get(queue, { noAck: false });
        if (message === false) break;
        found[queue].push(
          `${JSON.stringify(message.properties.headers ?? {})} ${message.content.toString('utf8')}`,
        );
      }
    }
    await channel.close();
    return found;
  } finally {
    await connection.close();
  }
}

/** Runs the scan: one finding per source, order and field. */
export async function scanForPii(
  system: ChaosSystem,
  orderIds: Iterable<string>,
  deadLetterQueues?: string[],
): Promise<PiiLeak[]> {
  return findPii(await buyerPii(system, orderIds), await writtenTexts(system, deadLetterQueues));
}
