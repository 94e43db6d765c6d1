import { freePort, waitFor } from '@holdfast/testing';
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, openSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';

const run = promisify(execFile);

/**
 * A RabbitMQ node and a PostgreSQL cluster of the chaos system's own, in its directory, so
 * that restarting them (a fault) disturbs nothing else on the machine: other suites use the
 * machine's broker and database. Both are started from the machine's installed binaries.
 */

/** Where RabbitMQ's scripts are: the Debian package's, without the wrapper that switches user. */
function rabbitmqScript(name: 'rabbitmq-server' | 'rabbitmqctl'): string {
  const packaged = path.join('/usr/lib/rabbitmq/bin', name);
  return existsSync(packaged) ? packaged : name;
}

/** A RabbitMQ node of its own: own node name, ports, data and logs; management off. */
export class PrivateBroker {
  private child?: ChildProcess;

  private constructor(
    readonly nodeName: string,
    readonly port: number,
    private readonly distPort: number,
    private readonly directory: string,
  ) {}

  static async start(directory: string): Promise<PrivateBroker> {
    const port = await freePort();
    const broker = new PrivateBroker(`hf-chaos-${port}@localhost`, port, await freePort(), directory);
    mkdirSync(directory, { recursive: true });
    writeFileSync(
      path.join(directory, 'rabbitmq.conf'),
      [`listeners.tcp.local = 127.0.0.1:${port}`, 'log.console = false', 'log.file.level = warning', ''].join(
        '\n',
      ),
    );
    writeFileSync(path.join(directory, 'enabled_plugins'), '[].\n');
    // An empty env file: the machine's (its node name, its ports) must not apply to this node.
    writeFileSync(path.join(directory, 'rabbitmq-env.conf'), '');
    process.once('exit', broker.killOnExit);
    await broker.startNode();
    return broker;
  }

  get url(): string {
    return `amqp://guest:guest@127.0.0.1:${this.port}`;
  }

  private environment(): NodeJS.ProcessEnv {
    const d = this.directory;
    return {
      ...process.env,
      // The Erlang cookie the node and rabbitmqctl share lives here, not in the user's home.
      HOME: d,
      RABBITMQ_NODENAME: this.nodeName,
      RABBITMQ_NODE_IP_ADDRESS: '127.0.0.1',
      RABBITMQ_NODE_PORT: String(this.port),
      RABBITMQ_DIST_PORT: String(this.distPort),
      RABBITMQ_CONFIG_FILE: path.join(d, 'rabbitmq.conf'),
      RABBITMQ_CONF_ENV_FILE: path.join(d, 'rabbitmq-env.conf'),
      RABBITMQ_ENABLED_PLUGINS_FILE: path.join(d, 'enabled_plugins'),
      RABBITMQ_MNESIA_BASE: path.join(d, 'mnesia'),
      RABBITMQ_LOG_BASE: path.join(d, 'log'),
      RABBITMQ_PID_FILE: path.join(d, 'node.pid'),
      RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS: '-kernel inet_dist_use_interface {127,0,0,1}',
    };
  }

  /** rabbitmqctl against this node only. */
  async ctl(...args: string[]): Promise<string> {
    const { stdout } = await run(rabbitmqScript('rabbitmqctl'), ['-n', this.nodeName, ...args], {
      env: this.environment(),
      // Each call boots an Erlang VM: minutes when other runs load the machine.
      timeout: 300_000,
    });
    return stdout;
  }

  private async startNode(): Promise<void> {
    const out = openSync(path.join(this.directory, 'server.out'), 'a');
    // Its own process group, so that stop() can end whatever the start script spawned.
    const child = spawn(rabbitmqScript('rabbitmq-server'), [], {
      env: this.environment(),
      stdio: ['ignore', out, out],
      detached: true,
    });
    this.child = child;
    await waitFor(
      `RabbitMQ node ${this.nodeName}`,
      async () => {
        if (child.exitCode !== null) throw new Error(`rabbitmq-server exited with ${child.exitCode}`);
        await this.ctl('await_startup', '--timeout', '5');
        return true;
      },
      { timeoutMs: 90_000, intervalMs: 300 },
    );
  }

  /** Stops the node (every connection drops; durable queues keep their messages) and starts it again. */
  async restart(): Promise<void> {
    await this.stopNode();
    await this.startNode();
  }

  /** Stops and starts only the RabbitMQ application inside the running node (quicker). */
  async restartApp(): Promise<void> {
    await this.ctl('stop_app');
    await this.ctl('start_app');
  }

  private async stopNode(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    await this.ctl('stop').catch(() => undefined);
    const timeout = new Promise((resolve) => setTimeout(resolve, 30_000, 'timeout'));
    if ((await Promise.race([exited, timeout])) === 'timeout' && child.pid)
      process.kill(-child.pid, 'SIGKILL');
  }

  /** If the runner's process exits without stop() (a test timeout), the node must not outlive it. */
  private readonly killOnExit = () => {
    try {
      if (this.child?.pid) process.kill(-this.child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };

  async stop(): Promise<void> {
    process.removeListener('exit', this.killOnExit);
    await this.stopNode();
    // The start script's process group: nothing of the node may outlive the run.
    if (this.child?.pid) {
      try {
        process.kill(-this.child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }
}

/** The newest PostgreSQL server binaries installed (Debian's layout), or the ones on PATH. */
function postgresBin(name: 'initdb' | 'pg_ctl'): string {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return name;
  const versions = readdirSync(root)
    .filter((v) => existsSync(path.join(root, v, 'bin', name)))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(root, versions[0], 'bin', name) : name;
}

/**
 * A PostgreSQL cluster of its own (initdb in the run's directory, trust auth on 127.0.0.1).
 * PostgreSQL refuses to run as root: as root, its commands run as the `postgres` user.
 */
export class PrivateDatabase {
  private constructor(
    readonly port: number,
    private readonly directory: string,
  ) {}

  static async start(directory: string, database: string): Promise<PrivateDatabase> {
    const cluster = new PrivateDatabase(await freePort(), directory);
    mkdirSync(directory, { recursive: true });
    if (process.getuid?.() === 0) {
      const { stdout } = await run('id', ['-u', 'postgres']);
      const { stdout: gid } = await run('id', ['-g', 'postgres']);
      chownSync(directory, Number(stdout.trim()), Number(gid.trim()));
      // The run's directory is root's: postgres needs to pass through it.
      chmodSync(path.dirname(directory), 0o711);
    }
    await cluster.as(postgresBin('initdb'), [
      '-D',
      cluster.dataDirectory,
      '-U',
      'postgres',
      '--auth=trust',
      '-E',
      'UTF8',
      '--no-sync',
    ]);
    process.once('exit', cluster.stopOnExit);
    await cluster.pgCtl('start', '-o', cluster.serverOptions());
    const admin = new Client({ connectionString: cluster.url('postgres') });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE "${database}"`);
    } finally {
      await admin.end();
    }
    return cluster;
  }

  private get dataDirectory(): string {
    return path.join(this.directory, 'data');
  }

  /**
   * The socket directory is the cluster's own; fsync off: a restart stops processes, never the
   * machine, so what the kernel holds survives it.
   */
  private serverOptions(): string {
    return `-p ${this.port} -k ${this.directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
  }

  url(database: string): string {
    return `postgres://postgres@127.0.0.1:${this.port}/${database}`;
  }

  private command(command: string, args: string[]): [string, string[]] {
    return process.getuid?.() === 0
      ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
      : [command, args];
  }

  private async as(command: string, args: string[]): Promise<string> {
    const [file, argv] = this.command(command, args);
    const { stdout } = await run(file, argv, { timeout: 120_000 });
    return stdout;
  }

  private pgCtl(action: string, ...args: string[]): Promise<string> {
    return this.as(postgresBin('pg_ctl'), [
      action,
      '-D',
      this.dataDirectory,
      '-l',
      path.join(this.directory, 'server.log'),
      '-w',
      ...args,
    ]);
  }

  /**
   * `fast` rolls back open transactions and closes sessions cleanly; `immediate` is a crash
   * (no checkpoint; recovery from the WAL on start).
   */
  async restart(mode: 'fast' | 'immediate'): Promise<void> {
    await this.pgCtl('restart', '-m', mode, '-o', this.serverOptions());
  }

  /** If the runner's process exits without stop() (a test timeout), the cluster must not outlive it. */
  private readonly stopOnExit = () => {
    const [file, argv] = this.command(postgresBin('pg_ctl'), [
      'stop',
      '-D',
      this.dataDirectory,
      '-m',
      'immediate',
    ]);
    try {
      execFileSync(file, argv, { stdio: 'ignore', timeout: 10_000 });
    } catch {
      // not running
    }
  };

  async stop(): Promise<void> {
    process.removeListener('exit', this.stopOnExit);
    await this.pgCtl('stop', '-m', 'immediate').catch(() => undefined);
  }
}

/** One database of the private cluster, with the query helper the checker and tests use. */
export class ChaosDatabase {
  constructor(readonly url: string) {}

  async query<T extends Record<string, unknown> = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
  ): Promise<T[]> {
    const client = new Client({ connectionString: this.url });
    await client.connect();
    try {
      return (await client.query<T>(sql, params)).rows;
    } finally {
      await client.end();
    }
  }
}
