/**
 * Every `--json` plan the tests produce is checked against the JSON Schema the built bin prints
 * (`--json-schema`), with ajv in strict mode: `runCli` does it for each run that asks for JSON.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

let printed: Record<string, unknown> | null = null;
let compiled: ValidateFunction | null = null;

/** The schema as `switcheroo-migrate --json-schema` prints it (read once). */
export function printedSchema(): Record<string, unknown> {
  printed ??= JSON.parse(execFileSync('node', [CLI, '--json-schema'], { cwd: join(CLI, '..'), encoding: 'utf8' })) as Record<string, unknown>;
  return printed;
}

/** ajv in strict mode: an unknown keyword or a loose type in the schema is an error too. */
export function compileSchema(schema: Record<string, unknown>): ValidateFunction {
  return new Ajv2020({ strict: true, allErrors: true }).compile(schema);
}

/** The problems ajv finds in `plan` (parsed JSON), one per line; '' when it validates. */
export function planProblems(plan: unknown): string {
  compiled ??= compileSchema(printedSchema());
  if (compiled(plan)) return '';
  return (compiled.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`).join('\n');
}

/** True when the arguments ask for the JSON plan (`--json`, `--output-format json`). */
export function asksForJson(args: readonly string[]): boolean {
  return args.includes('--json') || args.includes('--output-format=json') || args.some((a, i) => a === '--output-format' && args[i + 1] === 'json');
}

/** Throws, naming the command, when `stdout` is not a plan the schema accepts. */
export function assertPlan(stdout: string, command: string): void {
  let plan: unknown;
  try {
    plan = JSON.parse(stdout);
  } catch (error) {
    throw new Error(`${command}: stdout is not JSON (${(error as Error).message})`);
  }
  const problems = planProblems(plan);
  if (problems) throw new Error(`${command}: the plan does not fit the printed --json-schema:\n${problems}`);
}
