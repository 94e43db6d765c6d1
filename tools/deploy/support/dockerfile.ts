import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import { validate } from 'dockerfile-utils';

export interface DockerfileInstruction {
  keyword: string;
  /** The instruction's arguments as written, line continuations joined. */
  text: string;
  /** Flags such as --from=build, by name. */
  flags: Record<string, string>;
  /** For exec-form instructions (["a", "b"]), the parsed array. */
  exec?: string[];
}

export interface DockerfileStage {
  /** The image it starts FROM, with ARG defaults substituted. */
  baseImage: string;
  name?: string;
  instructions: DockerfileInstruction[];
}

export interface ParsedDockerfile {
  stages: DockerfileStage[];
  /** The stage that becomes the image. */
  finalStage: DockerfileStage;
  /** What a Dockerfile linter reports (unknown instructions, bad flags, ...). */
  diagnostics: string[];
}

/** Parses a Dockerfile with dockerfile-ast and lints it with dockerfile-utils. */
export function parseDockerfile(content: string): ParsedDockerfile {
  const dockerfile = DockerfileParser.parse(content);
  const argDefaults = new Map<string, string>();
  const stages: DockerfileStage[] = [];
  for (const instruction of dockerfile.getInstructions()) {
    const parsed = toInstruction(instruction);
    if (parsed.keyword === 'ARG' && stages.length === 0) {
      const [name, value] = parsed.text.split('=', 2);
      if (value !== undefined) argDefaults.set(name.trim(), value.trim());
    }
    if (parsed.keyword === 'FROM') {
      const [image, as, name] = parsed.text.split(/\s+/);
      const baseImage = image.replace(
        /\$\{(\w+)\}|\$(\w+)/g,
        (_, a: string, b: string) => argDefaults.get(a ?? b) ?? '',
      );
      stages.push({ baseImage, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
      continue;
    }
    stages.at(-1)?.instructions.push(parsed);
  }
  if (stages.length === 0) throw new Error('the Dockerfile has no FROM');
  return {
    stages,
    finalStage: stages[stages.length - 1],
    diagnostics: validate(content).map(
      (d) => `line ${d.range.start.line + 1}: ${typeof d.message === 'string' ? d.message : d.message.value}`,
    ),
  };
}

function toInstruction(instruction: Instruction): DockerfileInstruction {
  const keyword = instruction.getKeyword().toUpperCase();
  const flags: Record<string, string> = {};
  const withFlags = instruction as Instruction & {
    getFlags?: () => { getName(): string; getValue(): string | null }[];
  };
  for (const flag of withFlags.getFlags?.() ?? []) flags[flag.getName()] = flag.getValue() ?? '';
  // The arguments without the flags, as the instruction's words joined by spaces.
  const text = instruction
    .getArguments()
    .map((argument) => argument.getValue())
    .join(' ');
  let exec: string[] | undefined;
  const execText = text.replace(/^CMD\s+/, '');
  if (execText.startsWith('[')) {
    try {
      exec = JSON.parse(execText) as string[];
    } catch {
      exec = undefined;
    }
  }
  return { keyword, text, flags, exec };
}

/** The sources of a COPY/ADD instruction (everything but the destination). */
export function copySources(instruction: DockerfileInstruction): string[] {
  const words = instruction.exec ?? instruction.text.split(/\s+/);
  return words.slice(0, -1);
}
