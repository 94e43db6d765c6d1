import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { sha256Hex } from '../http-edge/api-key/api-key-entry';
import {
  amqpNamespace,
  amqpUrl,
  apiKeysVariable,
  databaseUrl,
  DEFAULT_AMQP_URL,
  DEFAULT_DATABASE_URL,
  httpBodyLimit,
  httpPort,
  logLevel,
  requiredSecret,
} from './config-variables';
import { ConfigError, loadConfig } from './load-config';

const ServiceConfig = z.object({
  DATABASE_URL: databaseUrl(),
  AMQP_URL: amqpUrl(),
  AMQP_NAMESPACE: amqpNamespace(),
  HTTP_PORT: httpPort(3001),
  HTTP_BODY_LIMIT: httpBodyLimit(),
  LOG_LEVEL: logLevel(),
  API_KEYS: apiKeysVariable(),
});

function problemsOf(run: () => unknown): ConfigError['problems'] {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe(loadConfig.name, () => {
  let secretsDir: string;

  beforeAll(() => {
    secretsDir = mkdtempSync(path.join(tmpdir(), 'holdfast-config-spec-'));
  });
  afterAll(() => rmSync(secretsDir, { recursive: true, force: true }));

  const secretFile = (name: string, content: string): string => {
    const file = path.join(secretsDir, name);
    writeFileSync(file, content);
    return file;
  };

  it('falls back to developer-machine defaults, treating empty values as unset', () => {
    expect(loadConfig(ServiceConfig, { LOG_LEVEL: '' })).toEqual({
      DATABASE_URL: DEFAULT_DATABASE_URL,
      AMQP_URL: DEFAULT_AMQP_URL,
      AMQP_NAMESPACE: 'holdfast',
      HTTP_PORT: 3001,
      HTTP_BODY_LIMIT: '1mb',
      LOG_LEVEL: 'info',
      API_KEYS: [],
    });
  });

  it('reads and converts the variables that are set', () => {
    const config = loadConfig(ServiceConfig, {
      DATABASE_URL: 'postgresql://svc@db:5432/holdfast',
      AMQP_NAMESPACE: 'suite-42',
      HTTP_PORT: '0',
      LOG_LEVEL: 'DEBUG',
    });
    expect(config).toMatchObject({
      DATABASE_URL: 'postgresql://svc@db:5432/holdfast',
      AMQP_NAMESPACE: 'suite-42',
      HTTP_PORT: 0,
      LOG_LEVEL: 'debug',
    });
  });

  it('names every bad variable and why, without repeating its value', () => {
    let error: ConfigError | undefined;
    try {
      loadConfig(ServiceConfig, {
        DATABASE_URL: 'mysql://root:s3cret@db/orders',
        HTTP_PORT: '70000',
        AMQP_NAMESPACE: 'Has Spaces',
        LOG_LEVEL: 'loud',
      });
    } catch (caught) {
      error = caught as ConfigError;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(error!.problems.map((p) => p.variable).sort()).toEqual([
      'AMQP_NAMESPACE',
      'DATABASE_URL',
      'HTTP_PORT',
      'LOG_LEVEL',
    ]);
    expect(error!.message).toContain('DATABASE_URL: must be a PostgreSQL URL');
    expect(error!.message).toContain('HTTP_PORT: must be between 0 and 65535');
    for (const value of ['s3cret', 'mysql', '70000', 'Has Spaces', 'loud'])
      expect(error!.message).not.toContain(value);
  });

  it('says how to provide a required variable that is missing', () => {
    const problems = problemsOf(() => loadConfig(z.object({ SP_API_CLIENT_SECRET: requiredSecret() }), {}));
    expect(problems).toEqual([
      {
        variable: 'SP_API_CLIENT_SECRET',
        message: 'is required (set SP_API_CLIENT_SECRET or SP_API_CLIENT_SECRET_FILE)',
      },
    ]);
  });

  describe('<NAME>_FILE secrets', () => {
    const Secrets = z.object({ SP_API_CLIENT_SECRET: requiredSecret(), DATABASE_URL: databaseUrl() });

    it('reads the value from the named file, trimmed', () => {
      const config = loadConfig(Secrets, {
        SP_API_CLIENT_SECRET_FILE: secretFile('client-secret', '  amzn-secret-value\n'),
        DATABASE_URL_FILE: secretFile('database-url', 'postgres://svc:pw@db:5432/app\n'),
      });
      expect(config).toEqual({
        SP_API_CLIENT_SECRET: 'amzn-secret-value',
        DATABASE_URL: 'postgres://svc:pw@db:5432/app',
      });
    });

    it('validates file content like any value, without printing it', () => {
      const problems = problemsOf(() =>
        loadConfig(Secrets, {
          SP_API_CLIENT_SECRET: 'x',
          DATABASE_URL_FILE: secretFile('bad-url', 'mysql://root:hunter2@db/app'),
        }),
      );
      expect(problems).toEqual([
        { variable: 'DATABASE_URL', message: expect.stringContaining('PostgreSQL URL') },
      ]);
      expect(JSON.stringify(problems)).not.toContain('hunter2');
    });

    it('rejects a variable given both ways, and a file that cannot be read', () => {
      const problems = problemsOf(() =>
        loadConfig(Secrets, {
          SP_API_CLIENT_SECRET: 'inline',
          SP_API_CLIENT_SECRET_FILE: secretFile('also', 'file'),
          DATABASE_URL_FILE: path.join(secretsDir, 'not-mounted'),
        }),
      );
      expect(problems).toEqual([
        {
          variable: 'SP_API_CLIENT_SECRET',
          message: 'set either SP_API_CLIENT_SECRET or SP_API_CLIENT_SECRET_FILE, not both',
        },
        { variable: 'DATABASE_URL_FILE', message: 'cannot read the file it names (ENOENT)' },
      ]);
    });

    it('reads API_KEYS_FILE, one entry per line', () => {
      const file = secretFile(
        'api-keys',
        `erp:stock:write,orders:read:${sha256Hex('k1')}\nshop:orders:read:${sha256Hex('k2')}:accounts=acc-1\n`,
      );
      const { API_KEYS } = loadConfig(z.object({ API_KEYS: apiKeysVariable() }), { API_KEYS_FILE: file });
      expect(API_KEYS).toEqual([
        { name: 'erp', scopes: ['stock:write', 'orders:read'], sha256: sha256Hex('k1'), accounts: null },
        { name: 'shop', scopes: ['orders:read'], sha256: sha256Hex('k2'), accounts: ['acc-1'] },
      ]);
    });
  });

  it('reports malformed API_KEYS entries under API_KEYS, by position and name', () => {
    const problems = problemsOf(() =>
      loadConfig(z.object({ API_KEYS: apiKeysVariable() }), {
        API_KEYS: `erp:orders:read:not-a-hash-but-maybe-the-raw-key;shop::${sha256Hex('k')}`,
      }),
    );
    expect(problems).toEqual([
      { variable: 'API_KEYS', message: 'entry 1 (erp): the key must be given as a 64-character hex SHA-256' },
      {
        variable: 'API_KEYS',
        message: expect.stringMatching(/^entry 2 \(shop\): expected name:scope1,scope2/),
      },
    ]);
    expect(JSON.stringify(problems)).not.toContain('maybe-the-raw-key');
  });
});

describe('loadConfigOrExit', () => {
  const run = (env: Record<string, string>) =>
    spawnSync(process.execPath, ['-r', '@swc-node/register', 'libs/platform/test/config-exit.main.ts'], {
      cwd: path.resolve(__dirname, '../../../..'),
      env: { PATH: process.env['PATH'], ...env },
      encoding: 'utf8',
    });

  it('exits with code 1 and prints each bad variable to stderr', () => {
    const result = run({ HTTP_PORT: 'eighty', DATABASE_URL: 'mysql://root:s3cret@db/x' });
    expect(result.status).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Invalid configuration:');
    expect(result.stderr).toContain('HTTP_PORT: must be a port number');
    expect(result.stderr).toContain('DATABASE_URL: must be a PostgreSQL URL');
    expect(result.stderr).not.toContain('s3cret');
  });

  it('starts normally with a valid configuration', () => {
    const result = run({ HTTP_PORT: '8080' });
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({ port: 8080, keys: 0 });
  });
});
