/**
 * Clues + the project index -> a site's kind and the evidence that decided it. The first clue that
 * tells wins (they come strongest first); a receiver nothing tells about is `unknown`.
 */
import type { Clue, ClueSource, Evidence, EvidenceClass, SiteKind } from '../types.js';
import type { ClassFact } from './facts.js';
import type { ClassVerdict, ProjectIndex } from './index.js';
import { CONSTRUCTORS, FACTORY_WORDS, MODULE_ONLY_RETURNS, PASS_THROUGH, RETURNS_SELF, TUPLE_RESULTS, knownVerdict } from './known.js';
import { nameWords, wordVerdict } from './words.js';

export interface Verdict {
  kind: Exclude<SiteKind, 'unsupported'>;
  evidence: Evidence;
}

/** How many base classes an inherited `self.X` is looked for through. */
const MAX_BASES = 6;

const at = (source: { path: string; line: number }) => `${source.path}:${source.line}`;

function evidence(source: ClueSource, note: string, cls?: EvidenceClass): Evidence {
  return { rule: source.rule, text: source.text, path: source.path, line: source.line, note, ...(cls ? { class: cls } : {}) };
}

/** What a class or factory is, and the project class it builds when it is one (a model's class is where hints come from). */
interface ClassKind {
  kind: 'module' | 'non-module';
  what: string;
  cls?: EvidenceClass;
}

function classOf(index: ProjectIndex, path: string, fact: ClassFact): EvidenceClass {
  return { path, qualname: fact.qualname, line: index.lineOf(path, fact.offset) };
}

/** What a class or factory named `expr` in `path` is: a model, training state, or null when nothing tells. */
/** A project class's verdict as a site's kind (`where` names the class); null when its bases tell nothing. */
function verdictKind(index: ProjectIndex, where: string, verdict: ClassVerdict, path: string, fact: ClassFact): ClassKind | null {
  if (verdict.kind === 'module') return { kind: verdict.kind, what: `${where} ${verdict.what}`, cls: classOf(index, path, fact) };
  if (verdict.kind === 'non-module') return { kind: verdict.kind, what: `${where} ${verdict.what}` };
  if (verdict.kind === 'plain') return { kind: 'non-module', what: `${where} is not an nn.Module` };
  return null;
}

function classKind(index: ProjectIndex, path: string, expr: string, how: string): ClassKind | null {
  const target = index.resolve(path, expr);
  const last = expr.split('.').pop() as string;
  const byName = (name: string, prefix: string) => {
    const words = wordVerdict(name);
    return words ? { kind: words.kind, what: `${prefix}looks like ${words.what} by its name` } : null;
  };
  if (target.type === 'class') {
    const where = `\`${expr}\` (${target.path}:${index.lineOf(target.path, target.fact.offset)})`;
    const verdict = index.classVerdict(target.path, target.fact);
    return verdictKind(index, where, verdict, target.path, target.fact) ?? byName(target.fact.name, `${where} ${verdict.what}; it `);
  }
  if (target.type === 'module') {
    return how === 'import' ? { kind: 'non-module', what: `\`${expr}\` is an imported module (${target.qualified}), not a model` } : null;
  }
  if (target.type === 'external') {
    const known = knownVerdict(target.qualified);
    if (known) return { kind: known.kind, what: `\`${target.qualified}\` is ${known.what}` };
    if (known === null) return how === 'import' ? { kind: 'non-module', what: `\`${expr}\` is an imported module (${target.qualified}), not a model` } : null;
    if (how === 'import') return null;
    return byName(target.qualified.split('.').pop() as string, `\`${target.qualified}\` `);
  }
  if (how === 'import') return null;
  // A method of a class: `EMAState.FromModel(...)` (`from...`) builds that class; `Trainer.build_model(...)`
  // builds what its name says; a name that says nothing, the class again.
  if (how === 'call' && expr.includes('.')) {
    const prefix = expr.slice(0, expr.lastIndexOf('.'));
    if (index.resolve(path, prefix).type === 'class') {
      const named = nameWords(last)[0] === 'from' ? null : byName(last, `\`${expr}\` `);
      return named ?? classKind(index, path, prefix, 'constructor');
    }
  }
  // Not defined or imported in the file: a class of that name elsewhere in the project, else its name.
  for (const candidate of index.classesNamed(last)) {
    const where = `\`${last}\` (${candidate.path}:${index.lineOf(candidate.path, candidate.fact.offset)})`;
    const found = verdictKind(index, where, index.classVerdict(candidate.path, candidate.fact), candidate.path, candidate.fact);
    if (found) return found;
  }
  return byName(last, `\`${expr}\` `);
}

/** Item `item` of what a known factory returns as a tuple (`model, preprocess = clip.load(...)`). */
function tupleItemKind(index: ProjectIndex, path: string, expr: string, item: number): { kind: 'module' | 'non-module'; what: string } | null {
  const target = index.resolve(path, expr);
  if (target.type !== 'external') return null;
  const known = TUPLE_RESULTS[target.qualified]?.[item];
  return known ? { kind: known.kind, what: `item ${item} of what \`${target.qualified}\` returns is ${known.what}` } : null;
}

/** `instantiate_from_config(config.model)`: a factory whose name says nothing, judged by what it is given. */
function builtFrom(clue: Extract<Clue, { type: 'class' }>): { kind: 'module' | 'non-module'; what: string } | null {
  if (clue.how !== 'call' || !clue.arg) return null;
  if (!nameWords(clue.expr.split('.').pop() as string).some((w) => FACTORY_WORDS.has(w))) return null;
  const words = wordVerdict(clue.arg.split('.').pop() as string);
  return words ? { kind: words.kind, what: `it is built from \`${clue.arg}\`, which looks like ${words.what} by its name` } : null;
}

/** The first argument of an argument list's text (up to its first comma outside brackets). */
function firstArgument(args: string): string {
  let depth = 0;
  for (let k = 0; k < args.length; k++) {
    const c = args[k];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) return args.slice(0, k).trim();
  }
  return args.trim();
}

/** The clues a `self.X = <value>` line read lexically from another file gives: `Net(...)`, `deepcopy(model).eval()`, a name. */
function lexicalValueClues(raw: string, subject: string, source: ClueSource): Clue[] {
  let value = raw.replace(/\s+#.*$/, '').trim();
  let moduleOnly: string | null = null;
  // `...).eval()`, `.to(device)`: methods that return their object.
  for (let m = /\.([\p{L}_][\p{L}\p{N}_]*)\((?:[^()]|\([^()]*\))*\)$/u.exec(value); m && RETURNS_SELF.has(m[1] as string); m = /\.([\p{L}_][\p{L}\p{N}_]*)\((?:[^()]|\([^()]*\))*\)$/u.exec(value)) {
    if (MODULE_ONLY_RETURNS.has(m[1] as string)) moduleOnly ??= m[1] as string;
    value = value.slice(0, m.index);
  }
  // `deepcopy(de_parallel(model))`: calls that hand back their argument.
  for (let m = /^([\p{L}_][\p{L}\p{N}_.]*)\s*\((.*)\)$/su.exec(value); m && PASS_THROUGH.has((m[1] as string).split('.').pop() as string); m = /^([\p{L}_][\p{L}\p{N}_.]*)\s*\((.*)\)$/su.exec(value)) {
    value = firstArgument(m[2] as string);
  }
  const clues: Clue[] = [];
  const call = /^([\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*)\s*\(/u.exec(value);
  const name = /^([\p{L}_][\p{L}\p{N}_]*(?:\.[\p{L}_][\p{L}\p{N}_]*)*)$/u.exec(value);
  if (call) {
    const expr = call[1] as string;
    const parts = expr.split('.');
    const says = `${subject} is \`${expr}(...)\``;
    if (parts.length > 1 && CONSTRUCTORS.has(parts[parts.length - 1] as string)) {
      clues.push({ type: 'class', expr: parts.slice(0, -1).join('.'), how: 'constructor', subject: says, source });
    } else {
      clues.push({ type: 'class', expr, how: 'call', subject: says, source });
    }
  } else if (name) {
    clues.push({ type: 'name', name: (name[1] as string).split('.').pop() as string, rule: 'name', subject: `${subject} is \`${name[1]}\`` });
  }
  if (moduleOnly) clues.push({ type: 'verdict', kind: 'module', what: `${subject} is \`...${moduleOnly}()\`, which only a module returns`, source });
  return clues;
}

/** What a project class, or one of its project bases, sets `self.<attr>` to; the classes searched first given as `[path, base]`. */
function assignedIn(index: ProjectIndex, start: Array<{ path: string; base: string }>, attr: string, seen: Set<string>): Verdict | null {
  const queue = [...start];
  for (let k = 0; k < queue.length && k < MAX_BASES; k++) {
    const { path, base } = queue[k] as { path: string; base: string };
    const target = index.resolveClass(path, base);
    if (!target || seen.has(`${target.path}\0${target.fact.qualname}\0${attr}`)) continue;
    seen.add(`${target.path}\0${target.fact.qualname}\0${attr}`);
    const assigned = index.selfAssignments(target.path, target.fact, attr);
    for (const { value, line } of assigned) {
      const source: ClueSource = { rule: 'inherited', text: `self.${attr} = ${value}`.slice(0, 120), path: target.path, line };
      const subject = `\`self.${attr}\` (set in \`${base.split('.').pop()}\`)`;
      const found = first(index, lexicalValueClues(value, subject, source), seen);
      // A name that decided (`deepcopy(model)`) still points at the line that set the attribute.
      if (found) return found.evidence.path ? found : { ...found, evidence: evidence(source, `${subject} is \`${value.slice(0, 60)}\` (${at(source)}); ${found.evidence.note}`, found.evidence.class) };
    }
    if (assigned.length === 0) queue.push(...target.fact.bases.map((b) => ({ path: target.path, base: b })));
  }
  return null;
}

/** The project class the owner clues say a value is an instance of, when the first clue that tells is such a class. */
function ownerClass(index: ProjectIndex, clues: Clue[], seen: Set<string>): { path: string; base: string } | null {
  for (const clue of clues) {
    if (clue.type === 'class' && clue.item === undefined && clue.how !== 'import' && clue.how !== 'not-isinstance') {
      if (index.resolveClass(clue.source.path, clue.expr)) return { path: clue.source.path, base: clue.expr };
    }
    if (one(index, clue, seen)) return null;
  }
  return null;
}

function attributeOf(index: ProjectIndex, clue: Extract<Clue, { type: 'attribute-of' }>, seen: Set<string>): Verdict | null {
  if (clue.look === 'class') {
    const owner = ownerClass(index, clue.owner, seen);
    return owner ? assignedIn(index, [owner], clue.attr, seen) : null;
  }
  const owner = first(index, clue.owner, seen);
  if (owner?.kind !== 'module') return null;
  // The owner's class is not the submodule's: it is left out.
  const { class: _ownerClass, ...said } = owner.evidence;
  return { kind: 'module', evidence: { ...said, note: `${clue.subject} is an attribute of a model, a submodule: ${owner.evidence.note}` } };
}

/** How an item of a loop or tuple is shown: the subject its clues start with. */
function itemName(clues: Clue[]): string {
  const head = clues[0];
  if (!head) return 'one item';
  const subject = head.type === 'inherited' ? `\`self.${head.attr}\`` : head.type === 'verdict' ? null : head.subject;
  return subject ? (/^`[^`]*`/.exec(subject)?.[0] ?? subject) : 'one item';
}

function one(index: ProjectIndex, clue: Clue, seen: Set<string>): Verdict | null {
  switch (clue.type) {
    case 'verdict':
      return { kind: clue.kind, evidence: evidence(clue.source, `${clue.what} (${at(clue.source)})`) };
    case 'class': {
      const found: ClassKind | null = clue.item !== undefined ? tupleItemKind(index, clue.source.path, clue.expr, clue.item) : (classKind(index, clue.source.path, clue.expr, clue.how) ?? builtFrom(clue));
      if (!found) return null;
      if (clue.how === 'not-isinstance') {
        // The else of `isinstance(R, T)`: R is not a T, which says something only when T is a model.
        return found.kind === 'module' ? { kind: 'non-module', evidence: evidence(clue.source, `${clue.subject} (${at(clue.source)}): it is not an nn.Module there`) } : null;
      }
      return { kind: found.kind, evidence: evidence(clue.source, `${clue.subject} (${at(clue.source)}); ${found.what}`, found.cls) };
    }
    case 'attribute-of':
      return attributeOf(index, clue, seen);
    case 'all-of': {
      const items = clue.items.map((item) => first(index, item, seen));
      const decided = items.filter((v): v is Verdict => v !== null);
      const kinds = new Set(decided.map((v) => v.kind));
      if (decided.length === 0) return null;
      if (kinds.size > 1 || decided.length < items.length) {
        // A loop over mixed objects, or over some that nothing tells about: no one kind for all.
        const what = items.map((v, k) => `${itemName(clue.items[k] as Clue[])} ${v ? (v.kind === 'module' ? 'is a model' : v.kind === 'unknown' ? 'is unknown' : 'is not a model') : 'is unknown'}`);
        return { kind: 'unknown', evidence: evidence(clue.source, `${clue.subject} (${at(clue.source)}): ${what.slice(0, 4).join(', ')}`) };
      }
      const v = decided[0] as Verdict;
      // Items of one class share it (a loop over models of several classes has none).
      const classes = new Set(decided.map((d) => (d.evidence.class ? `${d.evidence.class.path}\0${d.evidence.class.qualname}` : '')));
      const cls = classes.size === 1 ? v.evidence.class : undefined;
      return { kind: v.kind, evidence: evidence(clue.source, `${clue.subject} (${at(clue.source)}): each is ${v.kind === 'module' ? 'a model' : 'not a model'} (${v.evidence.note})`, cls) };
    }
    case 'inherited':
      return assignedIn(index, clue.bases.map((base) => ({ path: clue.path, base })), clue.attr, seen);
    case 'name': {
      const words = wordVerdict(clue.name);
      // The generic words of a state or a container (`state_dict`, `checkpoint`, `ckpt`) say nothing of what is loaded.
      if (!words || ((clue.rule === 'state' || clue.weak) && words.kind === 'non-module' && words.what === 'training state')) return null;
      const note = clue.rule === 'state'
        ? `${clue.subject} looks like ${words.kind === 'module' ? "a model's weights" : `the state of ${words.what}`} (${words.word})`
        : `${clue.subject} looks like ${words.what} by its name (${words.word})`;
      return { kind: words.kind, evidence: { rule: clue.rule, note } };
    }
  }
}

function first(index: ProjectIndex, clues: Clue[], seen: Set<string>): Verdict | null {
  let weak: Verdict | null = null;
  for (const clue of clues) {
    const found = one(index, clue, seen);
    // A container's name is kept for the end: any other clue that tells, the receiver's own name included, wins.
    if (found && clue.type === 'name' && clue.weak) weak ??= found;
    else if (found) return found;
  }
  return weak;
}

/** The kind the clues give, with its evidence; `unknown` when none tells. */
export function decide(index: ProjectIndex, clues: Clue[], receiver: string): Verdict {
  return (
    first(index, clues, new Set()) ?? {
      kind: 'unknown',
      evidence: { rule: 'none', note: `nothing in the project says what \`${receiver}\` is, and its name does not tell` },
    }
  );
}
