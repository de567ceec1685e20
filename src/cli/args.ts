/** Command-line arguments -> a validated options object, or a usage error. */
import { preambleNames } from '../core/preamble-source.js';
import { checkTargetName, isIdentifier } from '../core/target-name.js';
import { DEFAULT_MAX_FILE_SIZE, SITE_KINDS, type Mapper, type SiteKind } from '../core/types.js';
import { parseWords, requestFrom } from './options.js';

export type Mode = 'review' | 'dry-run' | 'yes' | 'json' | 'check' | 'undo';

/** How `--check` reports: lines for people, or GitHub Actions workflow commands (annotations). */
export type OutputFormat = 'text' | 'github' | 'json';

export interface CliOptions {
  /** The paths as given (none: the current directory). */
  paths: string[];
  /** `--root`: the project the paths belong to; null: decided from the paths (core/target.ts). */
  root: string | null;
  mode: Mode;
  /** `text` but for `--output-format github` (which checks) and `json` (the same as `--json`). */
  format: OutputFormat;
  /** True when no mode flag was given (the mode then depends on the terminal). */
  modeDefaulted: boolean;
  include: SiteKind[];
  mapper: Mapper;
  /** True when --mapper was not given: nnx when the project imports flax.nnx, else flax. */
  mapperAuto: boolean;
  targetName: string;
  maxFileSize: number;
  preamble: 'inline' | 'module';
  /** `--preamble module=PATH`. */
  helperPath: string | null;
  allowDirty: boolean;
  /** `--undo --list`: show the recorded runs instead of undoing one. */
  list: boolean;
  color: boolean | null;
  help: boolean;
  version: boolean;
  /** `--json-schema`: print the JSON Schema of the `--json` plan. */
  jsonSchema: boolean;
}

export class ArgsError extends Error {}

export const HELP = `Usage: switcheroo-migrate [path...] [options]

Rewrites PyTorch load_state_dict calls into KeyMapper.from_torch for JAX/Flax,
showing every change for review before anything is written.

  path                    project root or one .py file (default: the current directory); several
                          files and folders are checked within one project (see --root)
      --root DIR          the project the paths belong to: paths in the output are relative to it and
                          its other Python files are read for evidence (default, for several paths:
                          their git repository's root, else their common folder)
  -n, --dry-run           print every proposed change as a unified diff; write nothing
  -y, --yes               accept every proposed change and write, without asking
      --json              print the plan as JSON on stdout; write nothing
      --check             write nothing; exit 1 if any change is proposed (CI, pre-commit)
      --output-format F   text (default), github (--check as GitHub Actions annotations), or json
                          (the same as --json)
      --json-schema       print the JSON Schema (draft 2020-12) of the --json plan
      --include KINDS     also propose sites of these kinds, comma-separated (non-module,unknown)
      --mapper NAME       flax (Linen variables), nnx (KeyMapper.load_into(model, ...): a Flax NNX
                          module loaded in place) or reference; default: nnx when the project
                          imports flax.nnx, else flax
      --preamble WHERE    inline (default): the KeyMapper class in each changed file; module: one
                          shared keymapper.py that each changed file imports (module=PATH puts it at
                          PATH, relative to the project root)
      --target-name ID    name assigned by statement rewrites (default: variables; where a
                          scope has several, each is named after its receiver: model_variables);
                          a template such as {name}_params names every one after its receiver
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

/** `inline`, `module` or `module=PATH` (a `.py` file whose name Python can import). */
function parsePreamble(value: string): { preamble: 'inline' | 'module'; helperPath: string | null } {
  if (value === 'inline' || value === 'module') return { preamble: value, helperPath: null };
  const path = /^module=(.+)$/s.exec(value)?.[1];
  if (path === undefined) throw new ArgsError(`--preamble takes inline, module or module=PATH (got "${value}")`);
  const name = path.split(/[\\/]/).pop() ?? '';
  if (!name.endsWith('.py') || !isIdentifier(name.slice(0, -3))) {
    throw new ArgsError(`--preamble module=PATH needs a .py file whose name Python can import, such as tools/keymapper.py (got "${path}")`);
  }
  return { preamble: 'module', helperPath: path };
}

export function parseCli(argv: string[]): CliOptions {
  let parsed;
  try {
    parsed = parseWords(argv);
  } catch (error) {
    // Node's message for an unknown option goes on to explain `--`; the first sentence is the point.
    throw new ArgsError(((error as Error).message.split('\n')[0] ?? 'bad arguments').replace(/\. To specify a positional argument.*$/, ''));
  }
  const { values, positionals } = parsed;
  const format = values['output-format'] ?? 'text';
  if (format !== 'text' && format !== 'github' && format !== 'json') throw new ArgsError(`--output-format takes text, github or json (got "${format}")`);
  // --output-format json is --json; github reports what --check finds, so it is --check's mode
  const modes = [...new Set((['dry-run', 'yes', 'json', 'check', 'undo'] as const).filter((m) => values[m] || (m === 'json' && format === 'json')))];
  if (modes.length > 1) throw new ArgsError(`choose one of --${modes.join(', --')}`);
  if (format === 'github' && modes.some((m) => m !== 'check')) throw new ArgsError(`--output-format github reports what --check finds: it does not go with --${modes[0]}`);
  if (format === 'github' && modes.length === 0) modes.push('check');
  if (values.list && !values.undo) throw new ArgsError('--list goes with --undo');
  if (values.undo && (positionals.length > 1 || values.root !== undefined)) throw new ArgsError('--undo takes one path (the root whose runs to undo)');
  const include = (values.include ?? '').split(',').map((k) => k.trim()).filter(Boolean);
  for (const kind of include) {
    // super() and unsupported sites have nothing to rewrite them into: they are listed, never proposed.
    if (!SITE_KINDS.includes(kind as SiteKind) || kind === 'super' || kind === 'unsupported') {
      throw new ArgsError(`--include takes non-module and unknown; super and unsupported sites are never proposed (got "${kind}")`);
    }
  }
  const mapper = values.mapper ?? 'flax';
  if (mapper !== 'flax' && mapper !== 'nnx' && mapper !== 'reference') throw new ArgsError(`--mapper takes flax, nnx or reference (got "${mapper}")`);
  const { preamble, helperPath } = parsePreamble(values.preamble ?? 'inline');
  // without --mapper the scan may settle on nnx: the name must suit both
  const reserved = values.mapper === undefined ? new Map([...preambleNames('nnx'), ...preambleNames('flax')]) : preambleNames(mapper);
  const target = checkTargetName(values['target-name'] ?? 'variables', reserved);
  if (!target.ok) throw new ArgsError(target.error);
  return {
    ...requestFrom(parsed),
    mode: modes[0] ?? 'review',
    format,
    modeDefaulted: modes.length === 0,
    include: include as SiteKind[],
    mapper,
    mapperAuto: values.mapper === undefined,
    targetName: target.name,
    preamble,
    helperPath,
    maxFileSize: values['max-file-size'] ? parseSize(values['max-file-size']) : DEFAULT_MAX_FILE_SIZE,
    allowDirty: values['allow-dirty'] ?? false,
    list: values.list ?? false,
    color: values['no-color'] ? false : values.color ? true : null,
    help: values.help ?? false,
    version: values.version ?? false,
    jsonSchema: values['json-schema'] ?? false,
  };
}
