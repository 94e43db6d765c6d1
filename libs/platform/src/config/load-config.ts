import { readFileSync } from 'node:fs';
import type { z } from 'zod';

export interface ConfigProblem {
  /** The environment variable at fault (`HTTP_PORT`, or `API_KEYS_FILE` when the file is). */
  variable: string;
  /** Why, in words that never repeat the value: it may be a secret. */
  message: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: ConfigProblem[]) {
    super(['Invalid configuration:', ...problems.map((p) => `  - ${p.variable}: ${p.message}`)].join('\n'));
    this.name = ConfigError.name;
  }
}

/** Suffix of a variable naming a file that holds the value (Docker and Kubernetes secrets). */
export const FILE_SUFFIX = '_FILE';

/**
 * Reads and validates the environment against `schema`, an object whose keys are variable
 * names. Any variable can instead be given as `<NAME>_FILE`, the path of a mounted file whose
 * trimmed content is the value; setting both is an error. Empty values count as unset, so
 * `FOO=` in an env file falls back to the default. Throws a ConfigError naming every bad
 * variable at once; values never appear in it.
 */
export function loadConfig<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  const problems: ConfigProblem[] = [];
  const input: Record<string, string | undefined> = {};

  for (const name of Object.keys(schema.shape)) {
    const direct = nonBlank(env[name]);
    const file = nonBlank(env[`${name}${FILE_SUFFIX}`]);
    if (file === undefined) {
      input[name] = direct;
    } else if (direct !== undefined) {
      problems.push({ variable: name, message: `set either ${name} or ${name}${FILE_SUFFIX}, not both` });
    } else {
      try {
        input[name] = nonBlank(readFileSync(file, 'utf8'));
      } catch (error) {
        const reason = (error as NodeJS.ErrnoException).code ?? 'unreadable';
        problems.push({
          variable: `${name}${FILE_SUFFIX}`,
          message: `cannot read the file it names (${reason})`,
        });
      }
    }
  }

  // A variable whose source was already at fault would only add a misleading "is required".
  const alreadyReported = new Set(problems.map((p) => p.variable.replace(new RegExp(`${FILE_SUFFIX}$`), '')));
  const result = schema.safeParse(input);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const variable = String(issue.path[0] ?? '(environment)');
      if (alreadyReported.has(variable)) continue;
      const message =
        input[variable] === undefined
          ? `is required (set ${variable} or ${variable}${FILE_SUFFIX})`
          : issue.message;
      problems.push({ variable, message });
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return (result as { data: z.output<S> }).data;
}

/**
 * loadConfig for a process entry point: on a bad configuration it prints what is wrong to
 * stderr and exits with code 1, before anything has started half-way.
 */
export function loadConfigOrExit<S extends z.ZodObject>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.output<S> {
  try {
    return loadConfig(schema, env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

function nonBlank(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed ? trimmed : undefined;
}
