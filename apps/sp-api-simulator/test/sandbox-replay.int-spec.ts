import { OPERATION_NAMES, type OperationName, type OperationSpec } from '../src/models/operation-catalog';
import type { SandboxCase } from '../src/models/sp-api-models';
import { SELLER, SimulatorHarness } from './support/simulator-harness';

/**
 * Replays the official `x-amzn-api-sandbox` static cases of every simulated operation.
 *
 * - Sent to the sandbox host (sandbox.sellingpartnerapi-eu.amazon.com, as amazon-sp-api does with
 *   use_sandbox), the simulator answers like Amazon's static sandbox: the case's status and exact body.
 * - Sent to the production host, the same requests meet the stateful simulator; whatever it answers
 *   (mostly 400/404: the cases use US marketplaces and ids that do not exist here) must be a status the
 *   model documents, with a body that conforms to the model.
 */
const PLACEHOLDER_PATH_VALUES: Record<string, string> = {
  orderId: '999-0000000-0000000',
  sellerId: SELLER,
  sku: 'SANDBOX-SKU',
  feedId: '1',
  feedDocumentId: 'amzn1.tortuga.4.eu.none',
};

const PLACEHOLDER_BODIES: Partial<Record<OperationName, unknown>> = {
  patchListingsItem: {
    productType: 'LUGGAGE',
    patches: [{ op: 'replace', path: '/attributes/item_name', value: [{ value: 'Suitcase' }] }],
  },
};

interface ReplayRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  body?: unknown;
}

function scalar(value: unknown): string {
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean')
    return String(value);
  throw new Error(`not a scalar parameter value: ${JSON.stringify(value)}`);
}

function requestFor(spec: OperationSpec, sandboxCase: SandboxCase): ReplayRequest {
  const given = (name: string) => {
    const parameter = sandboxCase.parameters[name];
    return parameter && 'value' in parameter ? parameter.value : undefined;
  };
  let path = spec.pathTemplate;
  const query: Record<string, string> = {};
  let body: unknown;
  for (const parameter of spec.parameters) {
    if (parameter.in === 'path') {
      const value = given(parameter.name) ?? PLACEHOLDER_PATH_VALUES[parameter.name];
      path = path.replace(`{${parameter.name}}`, encodeURIComponent(scalar(value)));
    } else if (parameter.in === 'query') {
      let value = given(parameter.name);
      if (value === undefined && parameter.required)
        value = parameter['x-example'] ?? (parameter.type === 'array' ? ['ATVPDKIKX0DER'] : 'x');
      if (value !== undefined)
        query[parameter.name] = Array.isArray(value) ? value.map(scalar).join(',') : scalar(value);
    } else if (parameter.in === 'body') {
      body = given(parameter.name) ?? given('body') ?? PLACEHOLDER_BODIES[spec.name];
    }
  }
  return { method: spec.method, path, query, body };
}

describe('official x-amzn-api-sandbox static cases', () => {
  let harness: SimulatorHarness;

  beforeAll(async () => {
    harness = await SimulatorHarness.start();
  });

  afterAll(async () => {
    await harness.close();
  });

  const cases = (() => {
    // The models are read at collection time to name one test per case.
    const { SpApiModels } = jest.requireActual<typeof import('../src/models/sp-api-models')>(
      '../src/models/sp-api-models',
    );
    const { locateModelsDirectory } =
      jest.requireActual<typeof import('../src/models/model-files')>('../src/models/model-files');
    const models = SpApiModels.load(locateModelsDirectory());
    return OPERATION_NAMES.flatMap((name) =>
      models
        .sandboxCases(name)
        .map((sandboxCase, index) => ({ name, index, sandboxCase, spec: models.operation(name) })),
    );
  })();

  it('covers every simulated operation', () => {
    expect(new Set(cases.map((c) => c.name))).toEqual(new Set(OPERATION_NAMES));
  });

  it.each(cases.map((c) => [`${c.name} #${c.index} (${c.sandboxCase.status})`, c] as const))(
    'sandbox host answers %s with the case response',
    async (_label, { name, sandboxCase, spec }) => {
      const request = requestFor(spec, sandboxCase);
      const result = await harness.https(request.method, request.path, {
        query: request.query,
        body: request.body,
        host: 'sandbox.sellingpartnerapi-eu.amazon.com',
      });
      expect(result.status).toBe(sandboxCase.status);
      if (sandboxCase.status === 204) expect(result.text).toBe('');
      else expect(result.json).toEqual(sandboxCase.response);
      expect(harness.violations(name, result.status, result.json)).toEqual([]);
    },
  );

  it.each(cases.map((c) => [`${c.name} #${c.index} (${c.sandboxCase.status})`, c] as const))(
    'production host answers %s with a documented, schema-valid response',
    async (_label, { name, sandboxCase, spec }) => {
      const request = requestFor(spec, sandboxCase);
      const result = await harness.https(request.method, request.path, {
        query: request.query,
        body: request.body,
      });
      expect(Object.keys(spec.responses)).toContain(String(result.status));
      // A 5xx would be the simulator failing (enforced response validation answers 500).
      expect(result.status).toBeLessThan(500);
      expect(harness.violations(name, result.status, result.json)).toEqual([]);
    },
  );

  it('a sandbox request matching no case gets InternalFailure, as Amazon answers', async () => {
    const result = await harness.https('GET', '/feeds/2021-06-30/feeds/no-such-case', {
      host: 'sandbox.sellingpartnerapi-eu.amazon.com',
    });
    expect(result.status).toBe(500);
    expect(result.json.errors[0].code).toBe('InternalFailure');
  });
});
