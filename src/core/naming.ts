/**
 * The names statement rewrites assign. A scope (function, class body, module) with one rewrite keeps
 * the default (`variables`); where a scope gets several, or already uses the default, each takes its
 * name from its receiver (`model` -> `model_variables`, `self.unet` -> `self.unet_variables`,
 * `pipe.unet` -> `unet_variables`), numbered where two would still be the same. `--target-name`
 * may be a template with `{name}` (`{name}_params`): then every rewrite is named after its receiver.
 *
 * What a name needs from the tree is gathered while planning (`nameInputs`); choosing the names is a
 * pure function of the file's sites (`nameRewrites`), run again whenever their proposals change,
 * so that the review, `--dry-run` and the writes agree.
 */
import { sourceOf, type Node } from './parser.js';
import { isIdentifier } from './target-name.js';
import type { NameInputs, Site } from './types.js';
import { parentOf } from './tree-parent.js';

const NAME_SLOT = '{name}';

export function isTemplate(targetName: string): boolean {
  return targetName.includes(NAME_SLOT);
}

/** Attributes that wrap a model rather than name it (`model.module` under DDP, `_orig_mod` under torch.compile). */
const WRAPPERS = new Set(['module', '_orig_mod', '_module', 'model_wrapped']);

/** The word a receiver is named by, and whether it is an attribute of `self` (the name then is too). */
interface Stem {
  word: string;
  self: boolean;
}

function stringKey(text: string, node: Node | null | undefined): string | null {
  if (node?.type !== 'string') return null;
  const value = /^[rRuU]?(['"])(.*)\1$/s.exec(sourceOf(text, node))?.[2] ?? '';
  return isIdentifier(value) ? value : null;
}

/**
 * `model` -> model, `self.unet` -> self.unet, `pipe.unet` -> unet, `models["vae"]` -> vae, `unwrap(model)` -> model,
 * `self.get_model()` -> model.
 */
export function receiverStem(text: string, node: Node, top = true): Stem | null {
  switch (node.type) {
    case 'identifier':
      return node.text === 'self' || node.text === 'cls' ? null : { word: sourceOf(text, node), self: false };
    case 'parenthesized_expression': {
      const inner = node.namedChildren.find((n) => n?.type !== 'comment');
      return inner ? receiverStem(text, inner, top) : null;
    }
    case 'attribute': {
      const object = node.childForFieldName('object');
      const attr = node.childForFieldName('attribute');
      if (!object || !attr) return null;
      const word = sourceOf(text, attr);
      if (WRAPPERS.has(word)) return receiverStem(text, object, false);
      return { word, self: top && object.type === 'identifier' && object.text === 'self' };
    }
    case 'subscript': {
      const key = stringKey(text, node.childForFieldName('subscript'));
      if (key) return { word: key, self: false };
      const value = node.childForFieldName('value');
      return value ? receiverStem(text, value, false) : null;
    }
    case 'call': {
      const fn = node.childForFieldName('function');
      const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((a): a is Node => Boolean(a) && a?.type !== 'comment');
      if (fn?.text === 'getattr') {
        const key = stringKey(text, args[1]);
        return key ? { word: key, self: false } : null;
      }
      const first = args[0];
      const fromArg = first && first.type !== 'keyword_argument' ? receiverStem(text, first, false) : null;
      if (fromArg || !fn) return fromArg;
      // `self.get_model()` -> model
      const called = receiverStem(text, fn, false)?.word.replace(/^(?:get|build|make|create|load)_(?=.)/, '');
      return called ? { word: called, self: false } : null;
    }
    default:
      return null;
  }
}

/** The default name with a receiver's word: `model_variables`, or the template filled in. */
function fill(targetName: string, word: string): string {
  return isTemplate(targetName) ? targetName.split(NAME_SLOT).join(word) : `${word}_${targetName}`;
}

/**
 * What every name a rewrite may assign under `targetName` holds, numbered or not (scope-names.ts
 * searches a scope for it once): the target name, or a template's longest fixed part (`_params` in
 * `{name}_params`; empty when it has none). A receiver-less name under a template (`templateBase`)
 * may lack it, and is searched for on its own.
 */
export function nameAnchor(targetName: string): string {
  if (!isTemplate(targetName)) return targetName;
  return targetName.split(NAME_SLOT).reduce((longest, part) => (part.length > longest.length ? part : longest), '');
}

/** Under a template, a rewrite whose receiver has no name: the template without its `{name}` (`{name}_params` -> params). */
function templateBase(targetName: string): string {
  const bare = targetName.split(NAME_SLOT).join('').replace(/^_+|_+$/g, '');
  return isIdentifier(bare) ? bare : fill(targetName, 'variables');
}

/** The scope a statement assigns in: the nearest function or class around it, else the module (null). */
export function scopeOf(node: Node): Node | null {
  for (let n = parentOf(node); n; n = parentOf(n)) if (n.type === 'function_definition' || n.type === 'class_definition') return n;
  return null;
}

export function scopeName(scope: Node | null, notebook = false): string {
  if (!scope) return notebook ? 'the notebook' : 'the module';
  const name = scope.childForFieldName('name')?.text ?? '?';
  return scope.type === 'class_definition' ? `class ${name}` : `\`${name}\``;
}

/**
 * What naming one statement rewrite needs: its scope, the call it assigns, its two possible names,
 * and which of them the scope already uses (`used`: a name as it would be written, `self.x`
 * included; `numbered`: the numbers the scope already uses after `own_`).
 */
export function nameInputs(
  text: string,
  call: string,
  scope: Node | null,
  receiver: Node,
  targetName: string,
  used: (name: string) => boolean,
  numbered: (own: string) => number[],
  notebook = false,
): NameInputs {
  const stem = receiverStem(text, receiver);
  const plain = isTemplate(targetName) ? null : targetName;
  const own = stem ? `${stem.self ? 'self.' : ''}${fill(targetName, stem.word)}` : (plain ?? templateBase(targetName));
  const taken = [...(plain && used(plain) ? [plain] : []), ...(own !== plain && used(own) ? [own] : [])];
  return { scope: scope?.startIndex ?? -1, scopeName: scopeName(scope, notebook), call, plain, own, taken, numbers: numbered(own) };
}

function numberedName(own: string, n: number): string {
  return n === 1 ? own : `${own}_${n}`;
}

/** Why a rewrite does not assign the default name, for the review and `--json`. */
function renamedWhy(inputs: NameInputs, count: number): string {
  if (inputs.plain === null) return '--target-name is a template: named after the receiver';
  if (inputs.taken.includes(inputs.plain)) return `\`${inputs.plain}\` is already used in ${inputs.scopeName}: named after the receiver`;
  return `${inputs.scopeName} has ${count} calls to rewrite: each is named after its receiver, so that none overwrites another`;
}

/**
 * The sites with the names their statement rewrites assign, chosen per scope: the default for the
 * one rewrite a scope proposes (or, proposing none, the one it has) unless the scope uses it
 * already; a receiver's name for every other, numbered past those taken. Pure; the same array when
 * no name changes.
 */
export function nameRewrites(sites: readonly Site[]): Site[] {
  const scopes = new Map<number, Site[]>();
  for (const site of sites) {
    if (!site.naming || site.kind === 'super') continue;
    const group = scopes.get(site.naming.scope) ?? [];
    group.push(site);
    scopes.set(site.naming.scope, group);
  }
  const names = new Map<string, { name: string; why: string | null }>();
  for (const group of scopes.values()) {
    const proposed = group.filter((s) => s.proposed);
    const first = group[0]?.naming as NameInputs;
    const single = proposed.length === 1 ? proposed[0] : proposed.length === 0 && group.length === 1 ? group[0] : undefined;
    const used = new Set(group.flatMap((s) => s.naming?.taken ?? []));
    if (single && first.plain !== null && !used.has(first.plain)) {
      names.set(single.id, { name: first.plain, why: null });
      used.add(first.plain);
    }
    for (const site of group) {
      if (names.has(site.id)) continue;
      const inputs = site.naming as NameInputs;
      let n = 1;
      while (used.has(numberedName(inputs.own, n)) || inputs.numbers.includes(n)) n++;
      const name = numberedName(inputs.own, n);
      used.add(name);
      names.set(site.id, { name, why: renamedWhy(inputs, group.length) });
    }
  }
  let changed = false;
  const out = sites.map((site) => {
    const chosen = names.get(site.id);
    if (!chosen || !site.naming) return site;
    if (site.target === chosen.name && site.targetWhy === (chosen.why ?? undefined)) return site;
    changed = true;
    // Renamed: the statement again without any hints settling put in (hints/site.ts settles them
    // again after, on the new line).
    const text = `${chosen.name} = ${site.naming.call}`;
    const { targetWhy: _old, hints: _hints, hinted, ...rest } = site;
    const warnings = hinted ? site.warnings.filter((w) => !hinted.warnings.includes(w)) : site.warnings;
    return { ...rest, edit: { ...site.edit, text }, replacement: text, warnings, target: chosen.name, ...(chosen.why ? { targetWhy: chosen.why } : {}) };
  });
  return changed ? out : (sites as Site[]);
}
