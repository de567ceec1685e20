/** Finding `X.load_state_dict(...)` calls in a parse tree and telling what kind of receiver they have. */
import { nodesAtWord, sourceOf, type Node } from './parser.js';
import type { SiteKind } from './types.js';

export interface FoundCall {
  call: Node;
  receiver: Node;
  args: Node;
  kind: SiteKind;
  /** Why the site is not a plain module load; empty for `module`. */
  reason: string;
}

/** Name tokens that mark training state rather than a model. */
const STATE_WORDS = new Set([
  'optimizer', 'optimizers', 'optim', 'opt', 'scheduler', 'schedulers', 'sched', 'scaler', 'ema',
  'sampler', 'dataloader', 'loader', 'trainer', 'engine', 'metric', 'metrics', 'callback', 'callbacks',
  'progress', 'loop', 'checkpoint', 'checkpointer', 'accelerator', 'swa', 'averager', 'state',
]);

/** Name tokens that mark a model even when a state word is present (`ema_model`, `model_ema`). */
const MODEL_WORDS = new Set([
  'model', 'models', 'net', 'network', 'module', 'encoder', 'decoder', 'backbone', 'head', 'layer',
  'generator', 'discriminator', 'policy', 'critic', 'actor', 'student', 'teacher', 'classifier',
]);

/** Splits `self.lr_scheduler`'s last name into words: `lr`, `scheduler`; `GradScaler` into `grad`, `scaler`. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** The identifier that names a receiver: `self.net` -> `net`, `get_model()` -> `get_model`, `xs[0]` -> `xs`. */
function lastName(node: Node): string | null {
  switch (node.type) {
    case 'identifier':
      return node.text;
    case 'attribute':
      return node.childForFieldName('attribute')?.text ?? null;
    case 'call': {
      const fn = node.childForFieldName('function');
      return fn ? lastName(fn) : null;
    }
    case 'subscript': {
      const value = node.childForFieldName('value');
      return value ? lastName(value) : null;
    }
    case 'parenthesized_expression': {
      const inner = node.namedChild(0);
      return inner ? lastName(inner) : null;
    }
    default:
      return null;
  }
}

/** The leftmost identifier of an attribute chain: `dist_cp` in `dist_cp.x`. */
function rootName(node: Node): string | null {
  if (node.type === 'identifier') return node.text;
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    return object ? rootName(object) : null;
  }
  return null;
}

/** Names bound by import statements anywhere in the file (`import a.b as c` binds `c`, `import a.b` binds `a`). */
function importedNames(root: Node, text: string): Set<string> {
  const names = new Set<string>();
  for (const keyword of nodesAtWord(root, text, 'import')) {
    const stmt = keyword.parent;
    if (!stmt || (stmt.type !== 'import_statement' && stmt.type !== 'import_from_statement')) continue;
    for (const name of stmt.childrenForFieldName('name')) {
      if (!name) continue;
      if (name.type === 'aliased_import') {
        const alias = name.childForFieldName('alias');
        if (alias) names.add(alias.text);
      } else if (stmt.type === 'import_statement') {
        names.add(name.text.split('.')[0] ?? name.text);
      } else {
        names.add(name.text.split('.').pop() ?? name.text);
      }
    }
  }
  return names;
}

function hasErrorAncestor(node: Node): boolean {
  for (let n: Node | null = node; n; n = n.parent) if (n.isError) return true;
  return false;
}

function classify(text: string, receiver: Node, args: Node, imported: Set<string>): { kind: SiteKind; reason: string } {
  if (receiver.type === 'call' && receiver.childForFieldName('function')?.text === 'super') {
    return { kind: 'super', reason: 'super() call inside an override: it forwards to torch, there is nothing to rewrite' };
  }
  const hasState = args.namedChildren.some(
    (a) => a && a.type !== 'comment' && a.type !== 'list_splat' && a.type !== 'dictionary_splat' &&
      (a.type !== 'keyword_argument' || a.childForFieldName('name')?.text === 'state_dict'),
  );
  if (!hasState) {
    return { kind: 'unsupported', reason: 'no state argument can be identified' };
  }
  const root = rootName(receiver);
  if (root && imported.has(root)) {
    return { kind: 'non-module', reason: `\`${root}\` is an imported module, not a model` };
  }
  const words = nameWords(lastName(receiver) ?? '');
  if (!words.some((w) => MODEL_WORDS.has(w))) {
    const word = words.find((w) => STATE_WORDS.has(w));
    if (word) return { kind: 'non-module', reason: `\`${sourceOf(text, receiver)}\` looks like training state (${word}), not a model` };
  }
  return { kind: 'module', reason: '' };
}

/** Every call whose function is an attribute named `load_state_dict`, outside broken code, in source order. */
export function findCalls(root: Node, text: string): FoundCall[] {
  const found: FoundCall[] = [];
  let imported: Set<string> | null = null;
  for (const name of nodesAtWord(root, text, 'load_state_dict')) {
    const fn = name.parent;
    if (fn?.type !== 'attribute' || fn.childForFieldName('attribute')?.startIndex !== name.startIndex) continue;
    const call = fn.parent;
    if (call?.type !== 'call' || call.childForFieldName('function')?.startIndex !== fn.startIndex) continue;
    const receiver = fn.childForFieldName('object');
    const args = call.childForFieldName('arguments');
    if (!receiver || args?.type !== 'argument_list') continue;
    if (call.hasError || hasErrorAncestor(call)) continue;
    imported ??= importedNames(root, text);
    found.push({ call, receiver, args, ...classify(text, receiver, args, imported) });
  }
  return found;
}
