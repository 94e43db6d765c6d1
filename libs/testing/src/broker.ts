import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { uniqueSuffix } from './test-database';

const run = promisify(execFile);

/** A broker namespace (exchange and queue prefix) of its own for one suite. */
export function uniqueNamespace(prefix: string): string {
  return `t.${prefix}.${uniqueSuffix()}`;
}

export const TEST_AMQP_URL = process.env['TEST_AMQP_URL'] ?? 'amqp://guest:guest@127.0.0.1:5672';

/**
 * Forcibly closes the broker connections whose client named itself `connectionName`
 * (what a network fault or a broker node restart does to a service), leaving every
 * other suite's connections alone. Returns how many were closed.
 */
export async function closeBrokerConnections(connectionName: string): Promise<number> {
  // The table output prints pids as close_connection expects them (<rabbit@host.N.N.N>).
  const { stdout } = await run('rabbitmqctl', [
    'list_connections',
    'pid',
    'client_properties',
    '-q',
    '--no-table-headers',
  ]);
  const pids = stdout
    .split('\n')
    .filter((line) => line.includes(`{"connection_name","${connectionName}"}`))
    .map((line) => line.split('\t')[0]);
  for (const pid of pids) {
    await run('rabbitmqctl', ['close_connection', pid, 'forced by a fault-injection test']);
  }
  return pids.length;
}

/** Deletes every queue and exchange whose name starts with the namespace. */
export async function deleteNamespace(namespace: string): Promise<void> {
  const { connect } = await import('amqplib');
  const { stdout } = await run('rabbitmqctl', ['list_queues', 'name', '--formatter', 'json', '-q']);
  const queues = (JSON.parse(stdout || '[]') as { name: string }[])
    .map((q) => q.name)
    .filter((n) => n.startsWith(`${namespace}.`));
  const connection = await connect(TEST_AMQP_URL);
  try {
    const channel = await connection.createChannel();
    for (const q of queues) await channel.deleteQueue(q);
    await channel.deleteExchange(`${namespace}.events`);
    await channel.deleteExchange(`${namespace}.dead-letter`);
  } finally {
    await connection.close();
  }
}
