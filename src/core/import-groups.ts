/**
 * Where the preamble's import lines go among a file's own imports, following isort's convention
 * where the file does: sections (standard library, third party, first party or unknown, local)
 * in that order, one blank line apart, straight `import x` lines before `from x import y` ones,
 * each sorted by module name.
 */
import type { Node } from './parser.js';
import { importLine, type PreambleImport } from './preamble-source.js';
import { STDLIB_MODULES } from './python-names.js';
import { nextLineStart, type LineIndex } from './text.js';

export interface Insertion {
  offset: number;
  text: string;
}

type Section = 'stdlib' | 'third' | 'unknown' | 'local';

const RANK: Record<Section, number> = { stdlib: 0, third: 1, unknown: 2, local: 3 };

/** Packages that are third party wherever they are imported (a group holding one is the third-party section). */
const THIRD_PARTY = new Set([
  'numpy', 'torch', 'torchvision', 'torchaudio', 'jax', 'jaxlib', 'flax', 'optax', 'orbax', 'chex', 'scipy', 'PIL',
  'transformers', 'diffusers', 'accelerate', 'safetensors', 'huggingface_hub', 'tokenizers', 'datasets', 'timm',
  'einops', 'tqdm', 'yaml', 'omegaconf', 'hydra', 'pytorch_lightning', 'lightning', 'tensorflow', 'keras', 'sklearn',
  'pandas', 'matplotlib', 'cv2', 'requests', 'wandb', 'tensorboard', 'peft', 'xformers', 'deepspeed', 'packaging',
]);

interface Group {
  nodes: Node[];
  section: Section | 'mixed';
}

/** The module an import statement names: `a.b` for `import a.b as c` and `from a.b import c`, `.m` for relative ones. */
function moduleOf(text: string, node: Node): string {
  // read from the text: asking the tree for the field costs a call into the parser's memory each
  return /^(?:import|from)[ \t\\\r\n]+(\.*[\p{L}\p{N}_.]*)/u.exec(text.slice(node.startIndex, node.startIndex + 200))?.[1] ?? '';
}

function sectionOf(module: string): Section {
  if (module.startsWith('.')) return 'local';
  const top = module.split('.')[0] ?? '';
  if (STDLIB_MODULES.has(top)) return 'stdlib';
  return THIRD_PARTY.has(top) ? 'third' : 'unknown';
}

function groupSection(text: string, nodes: Node[]): Group['section'] {
  const sections = new Set(nodes.map((n) => sectionOf(moduleOf(text, n))));
  if (sections.size === 1) return [...sections][0] as Section;
  if ([...sections].every((s) => s === 'third' || s === 'unknown')) return 'third';
  return 'mixed';
}

/** Import statements split where a blank line or anything but comments comes between two of them. */
function groupsOf(text: string, lines: LineIndex, imports: readonly Node[]): Group[] {
  const groups: Node[][] = [];
  let previous: Node | null = null;
  for (const node of imports) {
    const between = previous ? text.slice(nextLineStart(text, previous.endIndex), node.startIndex) : '';
    const joined = previous && (lines.row(node.startIndex) === lines.row(previous.endIndex) || between.split('\n').slice(0, -1).every((l) => /^[ \t]*#/.test(l)));
    if (joined) groups[groups.length - 1]?.push(node);
    else groups.push([node]);
    previous = node;
  }
  return groups.map((nodes) => ({ nodes, section: groupSection(text, nodes) }));
}

/** The start of `offset`'s line, moved up over the comment lines directly above it (they belong to the line). */
function aboveComments(text: string, lines: LineIndex, offset: number, floor: number): number {
  let row = lines.row(offset);
  while (row > 0 && lines.lineStart(row - 1) >= floor && /^[ \t]*#[^\n]*\n$/.test(text.slice(lines.lineStart(row - 1), lines.lineStart(row)).replace(/\r\n$/, '\n'))) row--;
  return lines.lineStart(row);
}

const sortKey = (module: string) => module.toLowerCase();

/** Insertions putting `imports` into an existing group at their sorted places. */
function intoGroup(text: string, lines: LineIndex, group: Group, imports: PreambleImport[]): Insertion[] {
  const straight = group.nodes.filter((n) => n.type === 'import_statement');
  const froms = group.nodes.filter((n) => n.type !== 'import_statement');
  // isort's default keeps every `import x` above the `from x import y` lines; otherwise sort them together
  const straightFirst = straight.every((s) => froms.every((f) => s.startIndex < f.startIndex));
  const last = group.nodes[group.nodes.length - 1] as Node;
  const first = group.nodes[0] as Node;
  return imports.map((imp) => {
    const candidates = straightFirst ? (imp.from ? froms : straight) : group.nodes;
    const after = candidates.find((n) => sortKey(moduleOf(text, n)) > sortKey(imp.module)) ?? (straightFirst && !imp.from ? froms[0] : undefined);
    const offset = after ? aboveComments(text, lines, after.startIndex, lines.lineStart(lines.row(first.startIndex))) : nextLineStart(text, last.endIndex);
    return { offset, text: `${importLine(imp)}\n` };
  });
}

export interface ImportPlacement {
  insertions: Insertion[];
  /** Imports that make a new group right after the file's imports, where the class follows. */
  trailing: PreambleImport[];
}

/**
 * Where each of `imports` goes among the file's top-level imports, or null when the file does not
 * keep isort's sections (a group mixes them, or they are out of order): the caller then adds the
 * lines as one group after the file's imports. `regionEnd` is where the class goes.
 */
export function importInsertions(text: string, lines: LineIndex, fileImports: readonly Node[], imports: readonly PreambleImport[], regionEnd: number): ImportPlacement | null {
  const groups = groupsOf(text, lines, fileImports);
  if (groups.length === 0) return null;
  const ranks = groups.map((g) => (g.section === 'mixed' ? -1 : RANK[g.section]));
  if (ranks.some((r, i) => r < 0 || (i > 0 && r < (ranks[i - 1] as number)))) return null;
  const placement: ImportPlacement = { insertions: [], trailing: [] };
  // the preamble's own imports are the standard library's or third-party; the shared helper's is the project's
  const sectionFor = (imp: PreambleImport): Section => (imp.from ? sectionOf(imp.module) : sectionOf(imp.module) === 'stdlib' ? 'stdlib' : 'third');
  for (const section of ['stdlib', 'third', 'unknown', 'local'] as const) {
    const mine = imports.filter((imp) => sectionFor(imp) === section).sort((a, b) => (sortKey(a.module) < sortKey(b.module) ? -1 : 1));
    if (mine.length === 0) continue;
    const existing = groups.find((g) => g.section === section);
    if (existing) {
      placement.insertions.push(...intoGroup(text, lines, existing, mine));
      continue;
    }
    // a section of its own, before the first group that sorts after it, or after the last group
    const block = mine.map(importLine).join('\n');
    const before = groups.find((g) => RANK[g.section as Section] > RANK[section]);
    const firstOf = (g: Group) => g.nodes[0] as Node;
    if (before) {
      const start = before === groups[0] ? lines.lineStart(lines.row(firstOf(before).startIndex)) : aboveComments(text, lines, firstOf(before).startIndex, 0);
      placement.insertions.push({ offset: start, text: `${block}\n\n` });
      continue;
    }
    const offset = nextLineStart(text, (groups[groups.length - 1]?.nodes.at(-1) as Node).endIndex);
    if (offset >= regionEnd) {
      placement.trailing.push(...mine);
      continue;
    }
    const blankAfter = /^[ \t]*\r?\n/.test(text.slice(offset));
    placement.insertions.push({ offset, text: `\n${block}\n${blankAfter ? '' : '\n'}` });
  }
  return placement;
}
