import { jsonEqual } from '../support/json-value';
import type { OperationSpec } from './operation-catalog';
import type { RawRequestInput, SandboxCase } from './sp-api-models';

/**
 * Amazon's static sandbox: a request whose parameters equal those of an `x-amzn-api-sandbox` static
 * case gets that case's response. Parameters a case leaves out (or lists without a value) match
 * anything; when several cases match, the one naming the most parameters wins.
 */
export function matchSandboxCase(
  spec: OperationSpec,
  cases: SandboxCase[],
  request: RawRequestInput,
): SandboxCase | undefined {
  let best: { sandboxCase: SandboxCase; specificity: number } | undefined;
  for (const sandboxCase of cases) {
    let specificity = 0;
    let matches = true;
    for (const [name, expectation] of Object.entries(sandboxCase.parameters)) {
      if (!('value' in expectation)) continue;
      specificity += 1;
      if (!parameterMatches(spec, name, expectation.value, request)) {
        matches = false;
        break;
      }
    }
    if (matches && (!best || specificity > best.specificity)) best = { sandboxCase, specificity };
  }
  return best?.sandboxCase;
}

function parameterMatches(
  spec: OperationSpec,
  name: string,
  expected: unknown,
  request: RawRequestInput,
): boolean {
  const parameter =
    spec.parameters.find((p) => p.name === name) ??
    (name === 'body' ? spec.parameters.find((p) => p.in === 'body') : undefined);
  if (!parameter) return false;
  if (parameter.in === 'body') return jsonEqual(request.body, expected);
  if (parameter.in === 'path') return request.path[parameter.name] === String(expected);
  const raw = request.query.getAll(parameter.name);
  if (raw.length === 0) return false;
  if (Array.isArray(expected)) {
    const actual = raw.flatMap((value) => value.split(','));
    return actual.length === expected.length && actual.every((value, i) => value === String(expected[i]));
  }
  return raw[raw.length - 1] === String(expected);
}
