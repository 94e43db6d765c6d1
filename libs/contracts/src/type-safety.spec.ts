import * as path from 'node:path';
import * as ts from 'typescript';

// The payload type is tied to the routing key at compile time: these tests compile the
// files under test/fixtures/type-tests with the workspace compiler options (their
// tsconfig.json extends tsconfig.base.json) and read the diagnostics. The folder is
// outside every typecheck because publish-wrong.test-d.ts is meant not to compile.
const TYPE_TESTS = path.join(__dirname, '..', 'test', 'fixtures', 'type-tests');
const CORRECT = path.join(TYPE_TESTS, 'publish-correct.test-d.ts');
const WRONG = path.join(TYPE_TESTS, 'publish-wrong.test-d.ts');

interface Finding {
  file: string;
  line: number;
  text: string;
}

function compile(): { program: ts.Program; findings: Finding[] } {
  const config = ts.getParsedCommandLineOfConfigFile(path.join(TYPE_TESTS, 'tsconfig.json'), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (d) => {
      throw new Error(ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    },
  });
  if (!config) throw new Error('type-tests tsconfig.json could not be read');
  const program = ts.createProgram({
    rootNames: config.fileNames,
    options: { ...config.options, noEmit: true },
  });
  const findings = ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.start === undefined) return { file: '(global)', line: 0, text };
    const { line } = d.file.getLineAndCharacterOfPosition(d.start);
    return { file: path.normalize(d.file.fileName), line: line + 1, text };
  });
  return { program, findings };
}

function markedLines(file: string): number[] {
  return ts.sys
    .readFile(file)!
    .split('\n')
    .flatMap((text, index) => (text.includes('// expect-error') ? [index + 1] : []));
}

describe('routing key ↔ payload type safety', () => {
  let program: ts.Program;
  let findings: Finding[];

  beforeAll(() => {
    ({ program, findings } = compile());
  });

  it('compiles both type-test files', () => {
    expect(program.getSourceFile(CORRECT)).toBeDefined();
    expect(program.getSourceFile(WRONG)).toBeDefined();
  });

  it('accepts every payload published under its own routing key', () => {
    expect(findings.filter((f) => f.file !== WRONG)).toEqual([]);
  });

  it('rejects each wrong publish on exactly the marked lines', () => {
    const expected = markedLines(WRONG);
    expect(expected.length).toBeGreaterThanOrEqual(5);
    const failing = [...new Set(findings.filter((f) => f.file === WRONG).map((f) => f.line))].sort(
      (a, b) => a - b,
    );
    expect(failing).toEqual(expected);
  });

  it('names the mismatch: an availability payload is no order.placed payload', () => {
    const line = markedLines(WRONG)[0];
    const onLine = findings.filter((f) => f.file === WRONG && f.line === line).map((f) => f.text);
    expect(onLine.join('\n')).toMatch(/Property 'order' is missing/);
  });
});
