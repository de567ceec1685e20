/**
 * The command line's words as Node's parser reads them: the options and, from them, the paths and
 * `--root` a scan covers. Apart from args.ts (which checks the rest) so that the bin can read the
 * paths before it loads anything else (cli.ts: the read-ahead worker lists the files meanwhile).
 */
import { parseArgs } from 'node:util';

const OPTIONS = {
  'dry-run': { type: 'boolean', short: 'n' },
  root: { type: 'string' },
  'output-format': { type: 'string' },
  'json-schema': { type: 'boolean' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  check: { type: 'boolean' },
  include: { type: 'string' },
  mapper: { type: 'string' },
  preamble: { type: 'string' },
  'target-name': { type: 'string' },
  'max-file-size': { type: 'string' },
  'allow-dirty': { type: 'boolean' },
  undo: { type: 'boolean' },
  list: { type: 'boolean' },
  color: { type: 'boolean' },
  'no-color': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/**
 * `--max-file-size -1` as `--max-file-size=-1`: Node's parser takes a value starting with a dash for
 * a forgotten argument ("argument is ambiguous"); the option's own check then says what is wrong.
 */
function joinDashValues(argv: string[]): string[] {
  const takesValue = new Set(Object.entries(OPTIONS).filter(([, o]) => o.type === 'string').map(([name]) => `--${name}`));
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    if (takesValue.has(arg) && next !== undefined && /^-[^-]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export type ParsedWords = ReturnType<typeof parseWords>;

/** The words parsed (throws Node's error on a bad one). */
export function parseWords(argv: string[]) {
  return parseArgs({ args: joinDashValues(argv), allowPositionals: true, options: OPTIONS });
}

/** The paths (none: the current directory) and `--root` of parsed words. */
export function requestFrom({ values, positionals }: ParsedWords): { paths: string[]; root: string | null } {
  return { paths: positionals.length > 0 ? positionals : ['.'], root: values.root ?? null };
}

/** The paths and `--root` the words ask to scan, or null when they do not parse (args.ts says why, later). */
export function requestOf(argv: string[]): { paths: string[]; root: string | null } | null {
  try {
    return requestFrom(parseWords(argv));
  } catch {
    return null;
  }
}
