/**
 * Found modules -> the hints that change what KeyMapper.from_torch (flax) does: an embedding its name
 * does not announce, a Linear whose name does (or whose container's does, where the mapper would
 * guess and warn), every (in, out) Linear, every attention with its head count. The name rule is the
 * mapper's own (src/python/keymapper_flax.py: EMBED_NAMES, EMBED_WORDS, `_rule`).
 */
import type { Mapper, SiteHint } from '../types.js';
import type { Found } from './walk.js';

const EMBED_NAMES = new Set(['wte', 'wpe', 'embed_tokens', 'embed_positions']);
const EMBED_WORDS = new Set(['emb', 'embed', 'embeds', 'embedding', 'embeddings']);

const isItem = (segment: string | undefined) => segment !== undefined && (segment === '*' || /^[0-9]+$/.test(segment));

/** The mapper's reading of a module's name: `embedding` (taken for one), `guess` (a container's item, taken for a kernel with a warning), or `plain`. */
export function nameRule(module: string[]): 'embedding' | 'guess' | 'plain' {
  const words = module.filter((m) => !isItem(m));
  const last = (words[words.length - 1] ?? '').toLowerCase();
  if (!EMBED_NAMES.has(last) && !EMBED_WORDS.has(last.split('_').pop() as string)) return 'plain';
  return isItem(module[module.length - 1]) ? 'guess' : 'embedding';
}

function hintFor(found: Found): string | null {
  const byName = nameRule(found.module);
  switch (found.kind) {
    case 'embedding':
      return byName === 'embedding' ? null : 'embedding';
    case 'linear':
      return byName === 'plain' ? null : 'kernel';
    case 'linear_t':
      return 'linear_t';
    case 'attention':
      return found.heads?.value ? `attention:${found.heads.value}` : null;
  }
}

const sameFound = (a: Found, b: Found) => a.kind === b.kind && a.heads?.value === b.heads?.value;

export function chooseHints(found: Found[], mapper: Mapper = 'flax'): { hints: SiteHint[]; warnings: string[] } {
  // An NNX module says itself what each layer is and its head counts: only an (in, out) Linear needs saying.
  const nnx = mapper === 'nnx';
  // The last way a module is built wins (a class's own assignment after its base's); two ways in one class are ambiguous.
  const byModule = new Map<string, Found>();
  const ambiguous = new Map<string, Found[]>();
  for (const f of found) {
    const key = f.module.join('.');
    const before = byModule.get(key);
    if (before && before.owner === f.owner && !sameFound(before, f)) ambiguous.set(key, [...(ambiguous.get(key) ?? [before]), f]);
    byModule.set(key, f);
  }
  const hints: SiteHint[] = [];
  const warnings: string[] = [];
  for (const [key, f] of byModule) {
    const shown = key === '' ? "''" : `'${key}'`;
    const where = `\`${f.text}\` (${f.path}:${f.line})`;
    const alternatives = ambiguous.get(key);
    if (alternatives) {
      if (nnx && !alternatives.some((a) => hintFor(a) === 'linear_t')) continue;
      warnings.push(`hints: ${shown} is built more than one way (${alternatives.map((a) => `\`${a.text}\` (${a.path}:${a.line})`).join(', ')}): no hint is written for it`);
      continue;
    }
    if (nnx && hintFor(f) !== 'linear_t') continue;
    if (f.kind === 'attention' && f.heads?.value == null) {
      const why = f.heads && f.heads.value === null ? f.heads.why : 'its head count is not given';
      warnings.push(`hints: no head count for the attention at ${shown}, ${where}: ${why}. KeyMapper leaves its kernels 2-D and warns: add ${shown}: 'attention:H' to hints=`);
      continue;
    }
    const value = hintFor(f);
    if (value === null) continue;
    const note = f.kind === 'attention' && f.heads?.value && f.heads.from ? `${f.heads.value} heads: ${f.heads.from}` : undefined;
    hints.push({ module: key, value, text: f.text, path: f.path, line: f.line, ...(note ? { note } : {}) });
  }
  hints.sort((a, b) => (a.module < b.module ? -1 : a.module > b.module ? 1 : 0));
  return { hints, warnings };
}

/** Where a hint came from: the call that builds its module, then (for a head count not written there) how the count was found. */
export function hintNotes(hint: SiteHint): string[] {
  const module = hint.module === '' ? "''" : `'${hint.module}'`;
  const at = hint.cell === undefined ? `${hint.path}:${hint.line}` : `${hint.path} · cell ${hint.cell + 1} · line ${hint.line}`;
  const built = `hint ${module}: '${hint.value}' from ${at} \`${hint.text}\``;
  return hint.note ? [built, hint.note] : [built];
}
