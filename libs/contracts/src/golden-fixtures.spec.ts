import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { version as uuidVersion } from 'uuid';
import { ContractViolationError, parseEnvelope } from './envelope';
import { ORDER_ROUTING_KEYS, ALL_ROUTING_KEYS, isRoutingKey, type RoutingKey } from './routing-keys';

// Golden fixtures are whole envelopes as they travel on the wire, one folder per routing
// key. Other projects' tests may load them too, so they must stay parseable by the
// contract and by nothing looser.
const FIXTURES = path.join(__dirname, '..', 'test', 'fixtures');

interface InvalidFixture {
  /** Where the ContractViolationError must point, from the envelope's root ('' = the root). */
  expectedPath: string;
  /** Optional text the issue's message must contain (the name of an unrecognised key). */
  expectedMessage?: string;
  envelope: unknown;
}

function jsonFiles(kind: 'valid' | 'invalid', key: string): string[] {
  const dir = path.join(FIXTURES, kind, key);
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => path.join(dir, f));
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

function folders(kind: 'valid' | 'invalid'): string[] {
  return readdirSync(path.join(FIXTURES, kind), { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
}

function fixtureCases(kind: 'valid' | 'invalid'): [string, string][] {
  return folders(kind).flatMap((key) =>
    jsonFiles(kind, key).map((file): [string, string] => [`${key}/${path.basename(file)}`, file]),
  );
}

function violationOf(raw: unknown): ContractViolationError {
  try {
    parseEnvelope(raw);
  } catch (error) {
    if (error instanceof ContractViolationError) return error;
    throw error;
  }
  throw new Error('expected a ContractViolationError, but the envelope parsed');
}

describe('golden fixtures', () => {
  it.each(ALL_ROUTING_KEYS.map((k) => [k]))(
    '%s has at least two valid and three invalid fixtures',
    (key: RoutingKey) => {
      expect(jsonFiles('valid', key).length).toBeGreaterThanOrEqual(2);
      expect(jsonFiles('invalid', key).length).toBeGreaterThanOrEqual(3);
    },
  );

  it('has no fixture folder for a routing key that does not exist', () => {
    for (const key of [...folders('valid'), ...folders('invalid')]) {
      expect({ key, known: isRoutingKey(key) }).toEqual({ key, known: true });
    }
  });

  describe('valid', () => {
    it.each(fixtureCases('valid'))('%s parses unchanged', (name, file) => {
      const raw = readJson(file);
      const envelope = parseEnvelope(raw);
      // Nothing stripped, defaulted or coerced: the wire form is the parsed form.
      expect(envelope).toEqual(raw);
      expect(envelope.type).toBe(name.split('/')[0]);
      expect(uuidVersion(envelope.messageId)).toBe(7);
    });

    it.each(
      fixtureCases('valid').filter(([name]) =>
        (ORDER_ROUTING_KEYS as readonly string[]).includes(name.split('/')[0]),
      ),
    )('%s carries the revision of its updatedAt', (_name, file) => {
      const { order } = parseEnvelope(readJson(file)).payload as {
        order: { updatedAt: string; revision: number };
      };
      // revision = updatedAt in ms × 1000 + a tie-breaker below 1000.
      expect(Math.floor(order.revision / 1000)).toBe(Date.parse(order.updatedAt));
    });
  });

  describe('invalid', () => {
    it.each(fixtureCases('invalid'))('%s is rejected at its expected path', (_name, file) => {
      const fixture = readJson(file) as InvalidFixture;
      expect(typeof fixture.expectedPath).toBe('string');
      const error = violationOf(fixture.envelope);
      // Each fixture breaks exactly one rule, so exactly one issue names exactly that path.
      expect(error.issues.map((i) => i.path)).toEqual([fixture.expectedPath]);
      if (fixture.expectedMessage) expect(error.issues[0].message).toContain(fixture.expectedMessage);
      expect(error.message).toContain('violates its contract');
    });
  });
});
