/**
 * The JSON Schema (draft 2020-12) of the `--json` plan, which `--json-schema` prints. Written once,
 * here; the tests validate every `--json` output they produce against the printed copy. Every field
 * the plan prints is described, required where it is always there, and nothing else is allowed, so
 * that a field added to the plan without a word here fails the tests. `version` stays 1 while
 * changes only add fields.
 */
import { EVIDENCE_RULES, SITE_KINDS } from '../core/types.js';

const line = { type: 'integer', minimum: 1 } as const;
const text = { type: 'string' } as const;
const count = { type: 'integer', minimum: 0 } as const;

export const PLAN_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  title: 'switcheroo-migrate plan',
  description:
    'What `switcheroo-migrate --json` prints: every load_state_dict call site found, its proposed rewrite, and the KeyMapper preamble of each file. Nothing is written. Lines and columns are 1-based; columns count characters (code points). Paths are relative to `root`, with `/` separators.',
  type: 'object',
  required: ['version', 'root', 'mapper', 'files', 'skipped', 'stats'],
  additionalProperties: false,
  properties: {
    version: { const: 1, description: 'The plan format; stays 1 while changes only add fields.' },
    root: { ...text, description: 'Absolute real path of the project root.' },
    helper: {
      type: 'object',
      description: '--preamble module: the one shared file holding KeyMapper, which the files import.',
      required: ['path', 'module', 'create'],
      additionalProperties: false,
      properties: {
        path: { ...text, description: 'Relative to the root.' },
        module: { ...text, description: 'The dotted module the files import it as, from its own sys.path entry (`mypkg.keymapper`).' },
        create: { type: 'boolean', description: 'False where the file is there already (a KeyMapper of an earlier run): it is reused.' },
      },
    },
    mapper: {
      type: 'object',
      required: ['name', 'why'],
      additionalProperties: false,
      description: 'The KeyMapper flavour the rewrites and preambles are written for, and why it was chosen.',
      properties: {
        name: {
          enum: ['flax', 'nnx', 'reference'],
          description: '`flax`: `variables = KeyMapper.from_torch(state)` (Linen variables); `nnx`: `KeyMapper.load_into(model, state, ...)` (a Flax NNX module loaded in place); `reference`: the original ml-switcheroo class.',
        },
        why: { ...text, description: '`--mapper NAME`, `the project imports flax.nnx (path:line)` or `no file of the project imports flax.nnx`.' },
      },
    },
    files: { type: 'array', items: { $ref: '#/$defs/file' }, description: 'Files with at least one call site, sorted by path.' },
    skipped: { type: 'array', items: { $ref: '#/$defs/skipped' }, description: 'Files not planned, each with why.' },
    stats: {
      type: 'object',
      required: ['filesScanned', 'candidates', 'sites', 'proposed', 'ms'],
      additionalProperties: false,
      properties: {
        filesScanned: { ...count, description: 'Python files read.' },
        candidates: { ...count, description: 'Files whose bytes mention load_state_dict.' },
        sites: { ...count, description: 'Call sites found.' },
        proposed: { ...count, description: 'Sites whose rewrite is proposed.' },
        ms: { ...count, description: 'Time the scan took.' },
      },
    },
  },
  $defs: {
    file: {
      type: 'object',
      required: ['path', 'parseError', 'sites', 'preamble'],
      additionalProperties: false,
      properties: {
        path: text,
        parseError: {
          type: ['string', 'null'],
          description: "The file's syntax error, as Python reports it (`syntax error at line 6, column 9: ...`); sites inside the broken code are left out.",
        },
        sites: { type: 'array', items: { $ref: '#/$defs/site' }, description: 'In file order.' },
        preamble: {
          oneOf: [{ type: 'null' }, { $ref: '#/$defs/preamble' }],
          description: 'The KeyMapper class and its imports; null where the file already defines or imports KeyMapper.',
        },
      },
    },
    site: {
      type: 'object',
      required: ['id', 'path', 'line', 'column', 'endLine', 'endColumn', 'receiver', 'kind', 'evidence', 'proposed', 'reason', 'original', 'replacement', 'warnings'],
      additionalProperties: false,
      properties: {
        id: { ...text, description: '`path:line:column`, stable while the file does not change.' },
        path: text,
        line: { ...line, description: 'Where the call starts.' },
        column: line,
        endLine: { ...line, description: 'Where the call ends; endColumn is the column just after its last character.' },
        endColumn: line,
        receiver: { ...text, description: 'Source text of the object load_state_dict is called on (`model`, `self.net`).' },
        kind: {
          enum: [...SITE_KINDS],
          description:
            'module: an nn.Module (proposed); non-module: something else with a load_state_dict (an optimizer, scheduler...); unknown: nothing tells; super: an override forwarding to torch; unsupported: no state argument.',
        },
        evidence: { $ref: '#/$defs/evidence' },
        proposed: { type: 'boolean', description: 'True when the rewrite is offered by default (kind module, or a kind named by --include).' },
        reason: { ...text, description: 'Why the site is not proposed; empty when it is.' },
        original: { ...text, description: 'The source text the rewrite replaces: the whole statement, or just the call.' },
        replacement: { ...text, description: 'The proposed text for `original` (for super and unsupported sites, the original text).' },
        warnings: { type: 'array', items: text, description: 'What the rewrite changes besides the call (`strict=False` dropped, the result is used, control characters on its lines, a head count the model\'s source cannot give).' },
        target: { ...text, description: 'For a statement rewrite: the name it assigns (`variables`; `unet_variables` where its scope has several rewrites or already uses the default).' },
        targetWhy: { ...text, description: 'Why `target` is not the default name.' },
        cell: { type: 'integer', minimum: 0, description: "In a notebook: the code cell's index in the notebook's cells (0-based); `line` and `endLine` then count within the cell." },
        hints: {
          type: 'array',
          items: { $ref: '#/$defs/hint' },
          minItems: 1,
          description: "The hints the rewrite passes to KeyMapper.from_torch or load_into (..., hints={module: value}) (flax and nnx mappers; nnx writes only `linear_t`), read from the model class `evidence.class` names; absent when none. Sorted by module.",
        },
      },
    },
    hint: {
      type: 'object',
      description: 'What a torch module of the model is, where the state dict alone cannot tell, and the source that says so.',
      required: ['module', 'value', 'text', 'path', 'line'],
      additionalProperties: false,
      properties: {
        module: { ...text, description: 'The torch module path (`h.*.attn.c_attn`: `*` for every item of a list).' },
        value: { ...text, pattern: '^(embedding|kernel|linear_t|conv_transpose|attention:[1-9][0-9]*)$', description: 'embedding, kernel (a Linear), linear_t (a Linear stored (in, out): Conv1D), conv_transpose, or attention:H (H heads).' },
        text: { ...text, description: 'The call that builds the module.' },
        path: { ...text, description: 'The file holding that call, relative to the root.' },
        line,
        cell: { type: 'integer', minimum: 0, description: 'In a notebook: the cell `line` counts within (0-based).' },
        note: { ...text, description: 'For a head count not written at the call: where it came from (an argument\'s default, a config field, the call that builds the model).' },
      },
    },
    evidence: {
      type: 'object',
      description: 'What decided the kind. `text`, `path` and `line` quote the source that did, and are absent when only a name (or nothing) did.',
      required: ['rule', 'note'],
      additionalProperties: false,
      properties: {
        rule: { enum: [...EVIDENCE_RULES] },
        text,
        path: { ...text, description: 'The file holding `text`, relative to the root.' },
        line,
        cell: { type: 'integer', minimum: 0, description: 'In a notebook: the cell `line` counts within (0-based).' },
        note: { ...text, description: 'One sentence saying why.' },
        class: {
          type: 'object',
          description: 'The project class the receiver is an instance of, when such a class decided a model: the class the hints are read from.',
          required: ['path', 'qualname', 'line'],
          additionalProperties: false,
          properties: {
            path: { ...text, description: 'Its file, relative to the root.' },
            qualname: { ...text, description: '`Outer.Inner` for a nested class.' },
            line,
            cell: { type: 'integer', minimum: 0, description: 'In a notebook: the cell `line` counts within (0-based).' },
          },
        },
      },
      dependentRequired: { text: ['path', 'line'], path: ['text', 'line'], line: ['text', 'path'] },
    },
    preamble: {
      type: 'object',
      description: 'One edit: `text` replaces lines `line` to `endLine - 1` (none when equal); it holds those lines with the preamble imports among them, then the class.',
      required: ['needed', 'line', 'endLine', 'text'],
      additionalProperties: false,
      properties: {
        needed: { type: 'boolean', description: 'True when a proposed site in the file calls KeyMapper.' },
        line,
        endLine: line,
        cell: { type: 'integer', minimum: 0, description: 'In a notebook: the preamble is a new code cell, before the cell of this index (`text` is its source).' },
        text,
      },
    },
    skipped: {
      type: 'object',
      required: ['path', 'reason'],
      additionalProperties: false,
      properties: { path: text, reason: text },
    },
  },
} as const;
