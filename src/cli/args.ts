/** Command-line arguments -> a validated options object, or a usage error. */
import { parseArgs } from 'node:util';
import { preambleNames } from '../core/preamble-source.js';
import { checkTargetName } from '../core/target-name.js';
import { DEFAULT_MAX_FILE_SIZE, SITE_KINDS, type SiteKind } from '../core/types.js';

export type Mode = 'review' | 'dry-run' | 'yes' | 'json' | 'check' | 'undo';

export interface CliOptions {
  path: string;
  mode: Mode;
  /** True when no mode flag was given (the mode then depends on the terminal). */
  modeDefaulted: boolean;
  include: SiteKind[];
  mapper: 'flax' | 'reference';
  targetName: string;
  maxFileSize: number;
  allowDirty: boolean;
  /** `--undo --list`: show the recorded runs instead of undoing one. */
  list: boolean;
  color: boolean | null;
  help: boolean;
  version: boolean;
}

export class ArgsError extends Error {}

export const HELP = `Usage: switcheroo-migrate [path] [options]

Rewrites PyTorch load_state_dict calls into KeyMapper.from_torch for JAX/Flax,
showing every change for review before anything is written.

  path                    project root or one .py file (default: the current directory)
  -n, --dry-run           print every proposed change as a unified diff; write nothing
  -y, --yes               accept every proposed change and write, without asking
      --json              print the plan as JSON on stdout; write nothing
      --check             write nothing; exit 1 if any change is proposed (CI, pre-commit)
      --include KINDS     also propose sites of these kinds, comma-separated (non-module,unknown)
      --mapper NAME       preamble flavour: flax (default) or reference
      --target-name ID    name assigned by statement rewrites (default: variables)
      --max-file-size N   skip files larger than N bytes (default: ${DEFAULT_MAX_FILE_SIZE}; k/m suffixes allowed)
      --allow-dirty       let --yes write files that git reports as modified
      --undo              restore the files of the newest run under path not yet undone (only those
                          still as it wrote them); again for the run before it
      --undo --list       list the recorded runs under path, newest first
      --no-color          no colours (NO_COLOR and FORCE_COLOR are honoured too)
  -h, --help              show this help
  -v, --version           show the version

Exit codes: 0 done; 1 --check found changes, or a file could not be written;
2 usage error or bad path; 130 interrupted.
`;

function parseSize(value: string): number {
  const m = /^(\d+)([kKmM]?)$/.exec(value.trim());
  if (!m) throw new ArgsError(`--max-file-size takes a number of bytes, optionally with k or m, such as 500k (got "${value}")`);
  const scale = { '': 1, k: 1024, m: 1024 * 1024 }[(m[2] ?? '').toLowerCase() as '' | 'k' | 'm'];
  return Number(m[1]) * scale;
}

const OPTIONS = {
  'dry-run': { type: 'boolean', short: 'n' },
  yes: { type: 'boolean', short: 'y' },
  json: { type: 'boolean' },
  check: { type: 'boolean' },
  include: { type: 'string' },
  mapper: { type: 'string' },
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

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseArgs({ args: joinDashValues(argv), allowPositionals: true, options: OPTIONS });
  } catch (error) {
    // Node's message for an unknown option goes on to explain `--`; the first sentence is the point.
    throw new ArgsError(((error as Error).message.split('\n')[0] ?? 'bad arguments').replace(/\. To specify a positional argument.*$/, ''));
  }
  const { values, positionals } = parsed;
  if (positionals.length > 1) throw new ArgsError(`expected one path, got ${positionals.length}: ${positionals.join(' ')}`);
  const modes = (['dry-run', 'yes', 'json', 'check', 'undo'] as const).filter((m) => values[m]);
  if (modes.length > 1) throw new ArgsError(`choose one of --${modes.join(', --')}`);
  if (values.list && !values.undo) throw new ArgsError('--list goes with --undo');
  const include = (values.include ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  for (const kind of include) {
    // super() and unsupported sites have nothing to rewrite them into: they are listed, never proposed.
    if (!SITE_KINDS.includes(kind as SiteKind) || kind === 'super' || kind === 'unsupported') {
      throw new ArgsError(`--include takes non-module and unknown; super and unsupported sites are never proposed (got "${kind}")`);
    }
  }
  const mapper = values.mapper ?? 'flax';
  if (mapper !== 'flax' && mapper !== 'reference') throw new ArgsError(`--mapper takes flax or reference (got "${mapper}")`);
  const target = checkTargetName(values['target-name'] ?? 'variables', preambleNames(mapper));
  if (!target.ok) throw new ArgsError(target.error);
  return {
    path: positionals[0] ?? '.',
    mode: modes[0] ?? 'review',
    modeDefaulted: modes.length === 0,
    include: include as SiteKind[],
    mapper,
    targetName: target.name,
    maxFileSize: values['max-file-size'] ? parseSize(values['max-file-size']) : DEFAULT_MAX_FILE_SIZE,
    allowDirty: values['allow-dirty'] ?? false,
    list: values.list ?? false,
    color: values['no-color'] ? false : values.color ? true : null,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
