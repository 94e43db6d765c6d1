import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import { isJsonObject, type JsonObject } from '../support/json-value';
import { FEED_SCHEMA_FILES, MODEL_FILES, type ModelName } from './model-files';
import {
  SIMULATED_OPERATIONS,
  parseUsagePlan,
  type OperationName,
  type OperationSpec,
} from './operation-catalog';
import type {
  HttpMethod,
  SandboxStaticCase,
  SwaggerDocument,
  SwaggerOperation,
  SwaggerParameter,
} from './swagger-document';

export interface RawRequestInput {
  path: Record<string, string>;
  query: URLSearchParams;
  /** The parsed JSON body, or undefined when the request had none. */
  body: unknown;
}

export interface ParsedParameters {
  path: Record<string, string>;
  query: Record<string, unknown>;
  body: unknown;
}

export interface SandboxCase {
  status: number;
  parameters: Record<string, { value?: unknown }>;
  response: unknown;
}

const PARAMETER_SCHEMA_KEYWORDS = [
  'type',
  'format',
  'items',
  'enum',
  'maxItems',
  'minItems',
  'uniqueItems',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'pattern',
  'minLength',
  'maxLength',
];

/**
 * Amazon's official Swagger models and listings feed schemas, loaded once and compiled with ajv.
 * Every request the simulator accepts and every body it returns goes through these validators.
 */
export class SpApiModels {
  private readonly ajv: Ajv;
  private readonly specs = new Map<OperationName, OperationSpec>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly documents = new Map<ModelName, SwaggerDocument>();

  private constructor(readonly directory: string) {
    // strictSchema off: the models carry x-amzn-* and x-docgen-* keywords ajv does not know.
    this.ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats(this.ajv);
    // Swagger's numeric formats are informational; JSON has one number type.
    for (const format of ['double', 'float', 'int32', 'int64']) this.ajv.addFormat(format, true);

    for (const [model, file] of Object.entries(MODEL_FILES) as [ModelName, string][]) {
      const document = JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as SwaggerDocument;
      this.documents.set(model, document);
      this.ajv.addSchema({ $id: modelSchemaId(model), definitions: document.definitions });
    }
    for (const [key, file] of Object.entries(FEED_SCHEMA_FILES)) {
      const schema = JSON.parse(readFileSync(path.join(directory, file), 'utf8')) as JsonObject;
      this.ajv.addSchema(schema, feedSchemaKey(key));
    }
    for (const { name, model } of SIMULATED_OPERATIONS) {
      this.specs.set(name, this.buildSpec(name, model));
    }
  }

  static load(directory: string): SpApiModels {
    return new SpApiModels(directory);
  }

  operation(name: OperationName): OperationSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`unknown operation ${name}`);
    return spec;
  }

  operations(): OperationSpec[] {
    return [...this.specs.values()];
  }

  /** Validates path, query and body parameters against the operation's model; coerces query strings. */
  validateRequest(
    name: OperationName,
    input: RawRequestInput,
  ): { parameters: ParsedParameters; problems: string[] } {
    const spec = this.operation(name);
    const problems: string[] = [];
    const parameters: ParsedParameters = { path: {}, query: {}, body: undefined };
    for (const parameter of spec.parameters) {
      if (parameter.in === 'path') {
        const value = input.path[parameter.name];
        parameters.path[parameter.name] = value ?? '';
        if (!value) problems.push(`${parameter.name} is required`);
        else problems.push(...this.checkParameter(spec, parameter, value));
      } else if (parameter.in === 'query') {
        const raw = input.query.getAll(parameter.name);
        if (raw.length === 0) {
          if (parameter.required) problems.push(`${parameter.name} is required`);
          continue;
        }
        const value = coerceQueryValue(parameter, raw);
        parameters.query[parameter.name] = value;
        problems.push(...this.checkParameter(spec, parameter, value));
      } else if (parameter.in === 'body') {
        if (input.body === undefined) {
          if (parameter.required) problems.push('a request body is required');
          continue;
        }
        parameters.body = input.body;
        problems.push(...this.checkParameter(spec, parameter, input.body));
      }
    }
    return { parameters, problems };
  }

  /** Problems with a response body, or [] when it conforms to the schema the model gives for that status. */
  validateResponse(name: OperationName, status: number, body: unknown): string[] {
    const spec = this.operation(name);
    const response = spec.responses[String(status)];
    if (!response) return [`status ${status} is not documented for ${name}`];
    if (!response.schema) return body === undefined ? [] : [`status ${status} of ${name} has no body`];
    const validate = this.compiled(`response:${name}:${status}`, () =>
      qualifyRefs(response.schema, spec.model),
    );
    return validate(body) ? [] : describe(validate.errors, 'response');
  }

  sandboxCases(name: OperationName): SandboxCase[] {
    const spec = this.operation(name);
    const cases: SandboxCase[] = [];
    for (const [status, response] of Object.entries(spec.responses)) {
      for (const staticCase of response['x-amzn-api-sandbox']?.static ?? []) {
        cases.push(toSandboxCase(Number(status), staticCase));
      }
    }
    return cases;
  }

  /** The whole listings feed document, without looking inside the messages (those are reported one by one). */
  validateListingsFeedEnvelope(document: unknown): string[] {
    const validate = this.compiled('feed:envelope', () => {
      const schema = structuredClone(this.ajv.getSchema(feedSchemaKey('listingsFeed'))?.schema) as JsonObject;
      const messages = (schema['properties'] as JsonObject)['messages'] as JsonObject;
      messages['items'] = { type: 'object' };
      delete schema['$schema'];
      return schema;
    });
    return validate(document) ? [] : describe(validate.errors, 'feed');
  }

  /** One message of a listings feed, against the message definition inside the listings feed schema. */
  validateListingsFeedMessage(message: unknown): string[] {
    const validate = this.compiled('feed:message', () => {
      const schema = this.ajv.getSchema(feedSchemaKey('listingsFeed'))?.schema as JsonObject;
      const messages = (schema['properties'] as JsonObject)['messages'] as JsonObject;
      return structuredClone(messages['items']);
    });
    return validate(message) ? [] : [...new Set(describe(focusOneOf(validate.errors), 'message'))];
  }

  validateProcessingReport(report: unknown): string[] {
    const validate = this.ajv.getSchema(feedSchemaKey('processingReport'));
    if (!validate) throw new Error('processing report schema not loaded');
    return validate(report) ? [] : describe(validate.errors, 'report');
  }

  private checkParameter(spec: OperationSpec, parameter: SwaggerParameter, value: unknown): string[] {
    const validate = this.compiled(`parameter:${spec.name}:${parameter.in}:${parameter.name}`, () =>
      parameter.in === 'body'
        ? qualifyRefs(parameter.schema ?? {}, spec.model)
        : parameterSchema(parameter, spec.model),
    );
    return validate(value) ? [] : describe(validate.errors, parameter.name);
  }

  private compiled(key: string, schema: () => unknown): ValidateFunction {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema() as JsonObject);
      this.validators.set(key, validate);
    }
    return validate;
  }

  private buildSpec(name: OperationName, model: ModelName): OperationSpec {
    const document = this.documents.get(model);
    if (!document) throw new Error(`model ${model} not loaded`);
    for (const [pathTemplate, item] of Object.entries(document.paths)) {
      const shared = Array.isArray(item['parameters']) ? item['parameters'] : [];
      for (const [method, candidate] of Object.entries(item)) {
        if (method === 'parameters' || Array.isArray(candidate)) continue;
        const operation: SwaggerOperation = candidate;
        if (operation.operationId !== name) continue;
        return {
          name,
          model,
          method: method.toUpperCase() as HttpMethod,
          pathTemplate,
          parameters: [...shared, ...(operation.parameters ?? [])],
          responses: operation.responses,
          usagePlan: parseUsagePlan(operation),
        };
      }
    }
    throw new Error(`operation ${name} not found in model ${model}`);
  }
}

function modelSchemaId(model: ModelName): string {
  return `https://sp-api-models.holdfast.invalid/${model}.json`;
}

function feedSchemaKey(key: string): string {
  return `https://sp-api-models.holdfast.invalid/feeds/${key}.json`;
}

/** Rewrites the model's local `#/definitions/...` references so they resolve against the registered model. */
function qualifyRefs(schema: unknown, model: ModelName): unknown {
  if (Array.isArray(schema)) return schema.map((item) => qualifyRefs(item, model));
  if (!isJsonObject(schema)) return schema;
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(schema)) {
    out[key] =
      key === '$ref' && typeof value === 'string' && value.startsWith('#')
        ? modelSchemaId(model) + value
        : qualifyRefs(value, model);
  }
  return out;
}

function parameterSchema(parameter: SwaggerParameter, model: ModelName): unknown {
  const schema: JsonObject = {};
  for (const keyword of PARAMETER_SCHEMA_KEYWORDS) {
    if (parameter[keyword] !== undefined) schema[keyword] = parameter[keyword];
  }
  return qualifyRefs(schema, model);
}

/** Query strings carry text; Swagger's csv arrays, integers and booleans are converted before validation. */
function coerceQueryValue(parameter: SwaggerParameter, raw: string[]): unknown {
  if (parameter.type === 'array') {
    const itemType = typeof parameter.items?.['type'] === 'string' ? parameter.items['type'] : 'string';
    return raw.flatMap((value) => value.split(',')).map((value) => coerceScalar(itemType, value));
  }
  return coerceScalar(parameter.type ?? 'string', raw[raw.length - 1]);
}

function coerceScalar(type: string, value: string): unknown {
  if (type === 'integer' && /^-?\d+$/.test(value)) return Number(value);
  if (type === 'number' && value.trim() !== '' && !Number.isNaN(Number(value))) return Number(value);
  if (type === 'boolean' && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

/**
 * A feed message fails every `oneOf` branch of the message schema but the one for its
 * operationType: keep only that branch's problems (a branch whose `operationType` const failed is
 * about another operation), so the report names what is wrong with this message, once.
 */
function focusOneOf(errors: ErrorObject[] | null | undefined): ErrorObject[] {
  const all = errors ?? [];
  const branchOf = (error: ErrorObject) => /^#\/oneOf\/(\d+)\//.exec(error.schemaPath)?.[1];
  const otherOperations = new Set(
    all.filter((e) => e.keyword === 'const' && e.instancePath === '/operationType').map(branchOf),
  );
  const relevant = all.filter((e) => {
    const branch = branchOf(e);
    return branch === undefined || !otherOperations.has(branch);
  });
  const specific = relevant.some((e) => branchOf(e) !== undefined);
  return specific ? relevant.filter((e) => e.keyword !== 'oneOf') : relevant;
}

function describe(errors: ErrorObject[] | null | undefined, subject: string): string[] {
  return (errors ?? []).map((error) => {
    const where = error.instancePath ? `${subject}${error.instancePath}` : subject;
    const allowed = Array.isArray(error.params['allowedValues'])
      ? ` (${error.params['allowedValues'].join(', ')})`
      : '';
    // ajv's "boolean schema is false" is a property the schema forbids in this position.
    if (error.keyword === 'false schema') return `${where} is not allowed here`;
    return `${where} ${error.message ?? 'is invalid'}${allowed}`;
  });
}

function toSandboxCase(status: number, staticCase: SandboxStaticCase): SandboxCase {
  return { status, parameters: staticCase.request.parameters, response: staticCase.response };
}
