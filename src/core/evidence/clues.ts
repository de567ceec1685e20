/**
 * Reading a receiver's clues from the file's tree, strongest first (design.md, issue 10): an
 * override forwarding to torch; an `isinstance` guard; its binding in the enclosing function (an
 * assignment from a constructor or factory, an annotation, a loop, a `with`) or, for `self.X`, the
 * assignments to it in the class (then its project bases); how it is used there; its name; and the
 * name of the state it is given. Classes and factories are only named here: the project index
 * settles them (`decide.ts`), once it has seen every file.
 */
import type { Node } from '../parser.js';
import type { Clue, EvidenceRule } from '../types.js';
import { CONSTRUCTORS, MODULE_ONLY_RETURNS, MODULE_USES, PASS_THROUGH, RETURNS_SELF, STATE_USES } from './known.js';
import { bindingAt, refsIn, type Ref } from './refs.js';
import {
  MAX_DEPTH, annotationName, brief, className, clsName, dotted, enclosing, lastName, methodReturn, positionalArgs, sameNode, scopeEnd, scopeOf,
  selfName, sourceAt, src, unwrap, type Context,
} from './tree.js';
import { parentOf } from '../tree-parent.js';

/**
 * Whether a check guards `at`: `then` when `at` is in the body of an `if` (or `elif`) whose condition
 * is the check, alone or joined by `and`, or after an `assert` of it; `else` in that `if`'s `else`.
 */
function guardOf(check: Node, at: number): 'then' | 'else' | null {
  let node = check;
  for (let n: Node | null = parentOf(check); n; node = n, n = parentOf(n)) {
    if (n.type === 'parenthesized_expression') continue;
    if (n.type === 'boolean_operator') {
      if (n.childForFieldName('operator')?.text !== 'and') return null;
      continue;
    }
    if (n.type === 'if_statement' || n.type === 'elif_clause') {
      if (!sameNode(n.childForFieldName('condition'), node)) return null;
      const body = n.childForFieldName('consequence');
      if (body && body.startIndex <= at && at < body.endIndex) return 'then';
      // The `else` of `if isinstance(R, T)` says R is not a T (only when the check stands alone).
      const otherwise = n.type === 'if_statement' ? n.childForFieldName('alternative') : null;
      const alone = sameNode(node, check);
      return alone && otherwise?.type === 'else_clause' && otherwise.startIndex <= at && at < otherwise.endIndex ? 'else' : null;
    }
    if (n.type === 'assert_statement') return n.endIndex <= at ? 'then' : null;
    return null;
  }
  return null;
}

/** The check a reference of the receiver stands in: `isinstance(R, T)` (T's names) or `type(R).__name__ == "T"`. */
function checkAt(ref: Ref): { check: Node; types: Node[] | string[] } | null {
  const args = parentOf(ref.node);
  const call = parentOf(args);
  if (args?.type !== 'argument_list' || call?.type !== 'call' || !sameNode(args.namedChildren[0], ref.node)) return null;
  const fn = call.childForFieldName('function')?.text;
  if (fn === 'isinstance') {
    const type = args.namedChildren[1];
    if (!type) return null;
    return { check: call, types: type.type === 'tuple' ? type.namedChildren.filter((t): t is Node => !!t) : [type] };
  }
  // `type(R).__name__ == "EMAHook"`: the class named by the string (found by name in the project).
  const attribute = parentOf(call);
  const comparison = parentOf(attribute);
  if (fn !== 'type' || attribute?.type !== 'attribute' || attribute.childForFieldName('attribute')?.text !== '__name__') return null;
  if (comparison?.type !== 'comparison_operator' || !/==/.test(comparison.text)) return null;
  const name = /^(['"])([\p{L}_][\p{L}\p{N}_]*)\1$/u.exec(comparison.namedChildren.find((c) => c?.type === 'string')?.text ?? '')?.[2];
  return name ? { check: comparison, types: [name] } : null;
}

/**
 * False when the text says that what starts at `at` is no call's first argument: the nearest
 * character before it on its line, blanks aside, is not `(`. (On an earlier line, a comment may
 * stand between: the tree is asked.) Asking the tree for every use's parents cost more.
 */
function mayBeFirstArgument(text: string, at: number): boolean {
  for (let i = at - 1; i >= 0; i--) {
    const c = text.charCodeAt(i);
    if (c === 32 || c === 9 || c === 12) continue;
    return c === 10 || c === 13 || c === 40;
  }
  return false;
}

/** An `isinstance(R, T)` or `type(R).__name__ == "T"` check guarding `at` (see `guardOf`). */
function isinstanceGuard(ctx: Context, refs: Ref[], at: number, subject: string): Clue[] {
  for (const ref of refs) {
    const found = mayBeFirstArgument(ctx.text, ref.node.startIndex) ? checkAt(ref) : null;
    const guard = found ? guardOf(found.check, at) : null;
    if (!found || !guard) continue;
    const negated = guard === 'else';
    const source = sourceAt(ctx, 'isinstance', found.check);
    const shown = brief(src(ctx, found.check), true);
    const says = negated ? `${subject} fails \`${shown}\`` : `${subject} is checked with \`${shown}\``;
    const items = (found.types as Array<Node | string>).flatMap((t) => {
      const expr = typeof t === 'string' ? t : dotted(t);
      return expr ? [[{ type: 'class', expr, how: negated ? 'not-isinstance' : 'isinstance', subject: says, source } as Clue]] : [];
    });
    if (items.length === 1) return items[0] as Clue[];
    if (items.length > 1 && !negated) return [{ type: 'all-of', items, subject: says, source }];
    if (items.length > 1) return items.flat();
  }
  return [];
}

/** What a value tells of what it is: `EMAModel(...)`, `copy.deepcopy(model)`, `Net().to(dev)`, another name... */
function valueClues(ctx: Context, raw: Node | null, index: number | null, subject: string, rule: EvidenceRule, depth: number): Clue[] {
  let value = unwrap(raw);
  if (!value || depth > MAX_DEPTH) return [];
  if (index !== null && ['tuple', 'expression_list', 'list'].includes(value.type)) {
    return valueClues(ctx, value.namedChildren[index] ?? null, null, subject, rule, depth + 1);
  }
  const source = sourceAt(ctx, rule, value);
  const says = `${subject} is \`${brief(src(ctx, value))}\``;
  switch (value.type) {
    case 'call': {
      const fn = value.childForFieldName('function');
      const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text ?? '' : fn?.text ?? '';
      const object = fn?.type === 'attribute' ? fn.childForFieldName('object') : null;
      if (object && RETURNS_SELF.has(method)) {
        const inner = valueClues(ctx, object, null, subject, rule, depth + 1);
        if (!MODULE_ONLY_RETURNS.has(method)) return inner;
        return [...inner, { type: 'verdict', kind: 'module', what: `\`.${method}()\` returns the module itself`, source: { ...source, rule: 'usage' } }];
      }
      const fnOfValue = enclosing(value, 'function_definition');
      const own = className(value);
      // `cls(...)` in a classmethod, `type(self)(...)`, `self.__class__(...)`: an instance of the enclosing class.
      const selfType = fn?.text === `type(${selfName(fnOfValue)})` || fn?.text === `${selfName(fnOfValue)}.__class__`;
      if (own && fn && (selfType || (fn.type === 'identifier' && fn.text === clsName(fnOfValue)))) {
        return [{ type: 'class', expr: own, how: 'self', subject: says, source }];
      }
      // `self.get_criterion()`: what that method of the class returns.
      if (object?.type === 'identifier' && object.text === selfName(fnOfValue) && depth < MAX_DEPTH) {
        const returned = methodReturn(ctx, value, method);
        if (returned) return valueClues(ctx, returned, index, subject, rule, depth + 1);
      }
      if (object && CONSTRUCTORS.has(method)) {
        const expr = dotted(object);
        if (expr) return [{ type: 'class', expr, how: 'constructor', subject: says, source }];
      }
      if (PASS_THROUGH.has(method)) {
        const arg = positionalArgs(value)[index ?? 0];
        if (arg) return valueClues(ctx, arg, null, subject, rule, depth + 1);
      }
      const expr = dotted(fn);
      const first = positionalArgs(value)[0];
      const arg = first ? (dotted(first) ?? undefined) : undefined;
      // One item of what a call returns: only a factory known to return a tuple tells (`clip.load`).
      if (index !== null) return expr ? [{ type: 'class', expr, how: 'call', subject: says, source, item: index }] : [];
      return expr ? [{ type: 'class', expr, how: 'call', subject: says, source, ...(arg ? { arg } : {}) }] : [];
    }
    case 'identifier': {
      // What the other name is bound to, else what that name says (`self.optimizer = optimizer`).
      const bound = identifierClues(ctx, value, value.startIndex, subject, depth + 1, false);
      return [...bound, { type: 'name', name: value.text, rule: 'name', subject: says }];
    }
    case 'attribute': {
      const attr = value.childForFieldName('attribute')?.text ?? '';
      if (attr === 'module' || attr === '_orig_mod') {
        return [{ type: 'verdict', kind: 'module', what: `\`.${attr}\` is the model a wrapper holds`, source }];
      }
      const object = value.childForFieldName('object');
      const fn = enclosing(value, 'function_definition');
      if (object?.type === 'identifier' && object.text === selfName(fn)) return selfAttributeClues(ctx, value, value.startIndex, subject, depth + 1, false);
      return attributeClues(ctx, value, { type: 'name', name: attr, rule: 'name', subject: says }, says, depth);
    }
    case 'list':
    case 'tuple':
    case 'set': {
      const items = value.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map((c) => valueClues(ctx, c, null, `\`${brief(src(ctx, c))}\``, rule, depth + 1));
      return items.length > 0 ? [{ type: 'all-of', items, subject: says, source }] : [];
    }
    case 'conditional_expression': {
      const items = value.namedChildren.filter((c, k): c is Node => !!c && k !== 1).map((c) => valueClues(ctx, c, null, `\`${brief(src(ctx, c))}\``, rule, depth + 1));
      return [{ type: 'all-of', items, subject: says, source }];
    }
    case 'subscript': {
      const container = value.childForFieldName('value');
      const name = lastName(container);
      return name ? [{ type: 'name', name, rule: 'name', weak: true, subject: `${subject} is an item of \`${brief(src(ctx, container as Node))}\`` }] : [];
    }
    default:
      void value;
      return [];
  }
}

/** Clues to what the value of an expression is, for the attribute rules: `self`, a name, `self.x`, `a.b`, a call. */
function ownerClues(ctx: Context, node: Node, at: number, depth: number): Clue[] {
  if (depth >= MAX_DEPTH) return [];
  const subject = `\`${brief(src(ctx, node))}\``;
  const self = selfName(enclosing(node, 'function_definition'));
  if (node.type === 'identifier') {
    if (node.text === self) return selfClues(ctx, node);
    return [...identifierClues(ctx, node, at, subject, depth + 1, false), { type: 'name', name: node.text, rule: 'name', subject }];
  }
  if (node.type === 'attribute') {
    const object = node.childForFieldName('object');
    const attr = node.childForFieldName('attribute')?.text ?? '';
    const name: Clue = { type: 'name', name: attr, rule: 'name', subject };
    if (object?.type === 'identifier' && object.text === self) return [...selfAttributeClues(ctx, node, at, subject, depth + 1, false), name];
    return attributeClues(ctx, node, name, subject, depth + 1);
  }
  if (node.type === 'call') return valueClues(ctx, node, null, subject, 'assignment', depth + 1);
  return [];
}

/**
 * `a.b` (not `self.b`): what the class of `a` sets `self.b` to, then `name` (what `b` says), then
 * whether `a` is a model (its attributes are submodules).
 */
function attributeClues(ctx: Context, node: Node, name: Clue, subject: string, depth: number): Clue[] {
  const object = node.childForFieldName('object');
  const attr = node.childForFieldName('attribute')?.text ?? '';
  const owner = object ? ownerClues(ctx, object, node.startIndex, depth) : [];
  if (owner.length === 0) return [name];
  return [{ type: 'attribute-of', owner, attr, look: 'class', subject }, name, { type: 'attribute-of', owner, attr, look: 'owner', subject }];
}

/** `self` in a method: an instance of the enclosing class. */
function selfClues(ctx: Context, node: Node): Clue[] {
  const own = className(node);
  return own ? [{ type: 'class', expr: own, how: 'self', subject: `\`${node.text}\` is the \`${own}\` it is a method of`, source: sourceAt(ctx, 'attribute', enclosing(node, 'class_definition') as Node) }] : [];
}

/** What a loop's iterable says of its items: a literal list of values, or `m.modules()`. */
function loopClues(ctx: Context, iterable: Node, index: number | null, subject: string, depth: number): Clue[] {
  const source = sourceAt(ctx, 'loop', iterable);
  const says = `${subject} loops over \`${brief(src(ctx, iterable))}\``;
  const it = unwrap(iterable);
  if (!it) return [];
  if ((it.type === 'list' || it.type === 'tuple' || it.type === 'set') && index === null) {
    const items = it.namedChildren.filter((c): c is Node => !!c && c.type !== 'comment').map((c) => valueClues(ctx, c, null, `\`${brief(src(ctx, c))}\``, 'loop', depth + 1));
    return items.length > 0 ? [{ type: 'all-of', items, subject: says, source }] : [];
  }
  if (it.type === 'call') {
    const fn = it.childForFieldName('function');
    const method = fn?.type === 'attribute' ? fn.childForFieldName('attribute')?.text : null;
    if (index === null && (method === 'modules' || method === 'children')) {
      return [{ type: 'verdict', kind: 'module', what: `\`.${method}()\` yields modules`, source }];
    }
    if (method === 'values' || (method === 'items' && index === 1) || (fn?.text === 'enumerate' && index === 1) || (fn?.text === 'zip' && index !== null)) {
      const container = method ? (fn?.childForFieldName('object') ?? null) : (positionalArgs(it)[fn?.text === 'zip' ? (index ?? 0) : 0] ?? null);
      const name = lastName(container);
      if (name) return [{ type: 'name', name, rule: 'name', weak: true, subject: `${subject} is an item of \`${brief(src(ctx, container as Node))}\`` }];
    }
    return [];
  }
  const name = index === null ? lastName(it) : null;
  return name ? [{ type: 'name', name, rule: 'name', weak: true, subject: `${subject} is an item of \`${brief(src(ctx, it))}\`` }] : [];
}

/** Clues from one binding of the receiver. */
function bindingClues(ctx: Context, ref: Ref, subject: string, depth: number): Clue[] {
  const role = ref.role;
  switch (role.type) {
    case 'assign': {
      const clues: Clue[] = [];
      const annotated = role.annotation ? annotationName(src(ctx, role.annotation)) : null;
      if (annotated) clues.push({ type: 'class', expr: annotated, how: 'annotation', subject: `${subject} is annotated \`${annotated}\``, source: sourceAt(ctx, 'annotation', ref.node) });
      return [...clues, ...valueClues(ctx, role.value, role.index, subject, ref.node.type === 'attribute' ? 'attribute' : 'assignment', depth)];
    }
    case 'loop':
      return loopClues(ctx, role.iterable, role.index, subject, depth);
    case 'with':
      return valueClues(ctx, role.value, null, subject, 'assignment', depth);
    case 'parameter': {
      const annotated = role.annotation ? annotationName(src(ctx, role.annotation)) : null;
      return annotated ? [{ type: 'class', expr: annotated, how: 'annotation', subject: `${subject} is annotated \`${annotated}\``, source: sourceAt(ctx, 'annotation', ref.node) }] : [];
    }
    case 'import': {
      const source = sourceAt(ctx, 'imported-module', ref.node);
      // `import x` binds a module; `from m import x` may bind a module, a class or an object.
      if (role.module) return [{ type: 'verdict', kind: 'non-module', what: `${subject} is an imported module, not a model`, source }];
      return [{ type: 'class', expr: src(ctx, ref.node), how: 'import', subject: `${subject} is imported`, source }];
    }
    default:
      return [];
  }
}

/** `R.parameters()` says module, `R.step()` says optimizer or scheduler; both or neither say nothing. */
function usageClues(ctx: Context, refs: Ref[], subject: string): Clue[] {
  let moduleUse: Ref | null = null;
  let stateUse: Ref | null = null;
  let called: Ref | null = null;
  for (const ref of refs) {
    if (ref.role.type !== 'use') continue;
    const { method, call } = ref.role;
    if (method && MODULE_USES.has(method)) moduleUse ??= ref;
    else if (method && STATE_USES.has(method)) stateUse ??= ref;
    else if (!method && call) called ??= ref;
  }
  const use = (ref: Ref): string => {
    const parent = parentOf(ref.node);
    const grandparent = parentOf(parent);
    const node = parent?.type === 'attribute' ? (grandparent?.type === 'call' ? grandparent : parent) : (parent ?? ref.node);
    return brief(src(ctx, node));
  };
  if (moduleUse && !stateUse) {
    const method = (moduleUse.role as { method: string }).method;
    return [{ type: 'verdict', kind: 'module', what: `${subject} is used as a model: \`${use(moduleUse)}\` (only a module has \`.${method}\`)`, source: sourceAt(ctx, 'usage', moduleUse.node) }];
  }
  // An optimizer or scheduler is never called: `engine(batch)` and `engine.step()` together say nothing (DeepSpeed engines).
  if (stateUse && !moduleUse && !called) {
    const method = (stateUse.role as { method: string }).method;
    return [{ type: 'verdict', kind: 'non-module', what: `${subject} is used as ${STATE_USES.get(method)}: \`${use(stateUse)}\``, source: sourceAt(ctx, 'usage', stateUse.node) }];
  }
  if (called && !stateUse) {
    return [{ type: 'verdict', kind: 'module', what: `${subject} is called like a model: \`${use(called)}\``, source: sourceAt(ctx, 'usage', called.node) }];
  }
  return [];
}

/** Clues for a plain name, read in its function, then the functions around it, then the module. */
function identifierClues(ctx: Context, node: Node, at: number, subject: string, depth: number, withUsage: boolean): Clue[] {
  const clues: Clue[] = [];
  for (let scope = scopeOf(node); ; scope = scope ? scopeOf(scope) : null) {
    if (scope?.type === 'class_definition') continue; // class bodies do not enclose their methods' names
    const start = scope ? scope.startIndex : 0;
    const end = scope ? scopeEnd(ctx, scope) : ctx.text.length;
    const refs = refsIn(ctx, node, start, end, scope);
    clues.push(...isinstanceGuard(ctx, refs, at, subject));
    const binding = bindingAt(refs, at);
    if (binding) clues.push(...bindingClues(ctx, binding, subject, depth));
    if (withUsage) clues.push(...usageClues(ctx, refs, subject));
    if (binding || !scope) break;
  }
  return clues;
}

/** Clues for `self.X`: its assignments in the class (else in the class's project bases), and its uses there. */
function selfAttributeClues(ctx: Context, node: Node, at: number, subject: string, depth: number, withUsage: boolean): Clue[] {
  const cls = enclosing(node, 'class_definition');
  const fn = enclosing(node, 'function_definition');
  const attr = node.childForFieldName('attribute')?.text ?? '';
  if (!cls) return [];
  const refs = refsIn(ctx, node, cls.startIndex, scopeEnd(ctx, cls));
  const clues: Clue[] = depth === 0 ? isinstanceGuard(ctx, refs.filter((r) => fn && r.node.startIndex >= fn.startIndex && r.node.endIndex <= scopeEnd(ctx, fn)), at, subject) : [];
  const assigned = refs.filter((r) => r.role.type === 'assign');
  // Every assignment of the class counts (they are spread over __init__, setup, ...); the first that tells wins.
  for (const ref of assigned) clues.push(...bindingClues(ctx, ref, subject, depth));
  // A class-level annotation or assignment: `model: nn.Module`, `optimizer = None`.
  ctx.coverage?.needStatements(cls.startIndex, attr);
  const body = cls.childForFieldName('body');
  for (const stmt of body?.namedChildren ?? []) {
    const assignment = stmt?.type === 'expression_statement' ? stmt.namedChild(0) : null;
    if (assignment?.type !== 'assignment' || assignment.childForFieldName('left')?.text !== attr) continue;
    clues.push(...bindingClues(ctx, { node: assignment.childForFieldName('left') as Node, role: { type: 'assign', value: assignment.childForFieldName('right'), annotation: assignment.childForFieldName('type'), index: null } }, subject, depth));
  }
  if (assigned.length === 0) {
    const bases = (cls.childForFieldName('superclasses')?.namedChildren ?? []).map((b) => dotted(b)).filter((b): b is string => b !== null);
    if (bases.length > 0) clues.push({ type: 'inherited', attr, bases, path: ctx.path });
  }
  if (withUsage) clues.push(...usageClues(ctx, refs, subject));
  return clues;
}

/** The words of the state argument: `ckpt["optimizer"]`, `torch.load("ema.pt")`, `opt_state`. */
function stateName(ctx: Context, state: Node | null): string | null {
  if (!state) return null;
  // The last string literal's text (a key or a file name), else the last name.
  const strings = [...src(ctx, state).matchAll(/(['"])([^'"\\\n]*)\1/g)].map((m) => m[2] as string).filter(Boolean);
  const last = strings[strings.length - 1];
  if (last) return last.replace(/\.[a-z]+$/i, '').split('/').pop() ?? null;
  return lastName(state.type === 'keyword_argument' ? state.childForFieldName('value') : state);
}

/** The clues for a call's receiver, strongest first. */
export function receiverClues(ctx: Context, call: Node, receiver: Node, state: Node | null): Clue[] {
  const subject = `\`${brief(src(ctx, receiver))}\``;
  const fn = enclosing(call, 'function_definition');
  const self = selfName(fn);
  const clues: Clue[] = [];
  const args = positionalArgs(call);
  if (receiver.type === 'call' && receiver.childForFieldName('function')?.text === 'super') {
    return [{ type: 'verdict', kind: 'super', what: 'super() call inside an override: it forwards to torch, there is nothing to rewrite', source: sourceAt(ctx, 'override', call) }];
  }
  if (self && args[0]?.type === 'identifier' && args[0].text === self && receiver.text !== self) {
    return [{ type: 'verdict', kind: 'super', what: `\`${brief(src(ctx, call))}\` forwards to the base class's load_state_dict on \`${self}\`: there is nothing to rewrite`, source: sourceAt(ctx, 'override', call) }];
  }
  const r = unwrap(receiver) ?? receiver;
  if (r.type === 'identifier' && r.text === self) {
    clues.push(...selfClues(ctx, r));
  } else if (r.type === 'identifier') {
    clues.push(...identifierClues(ctx, r, call.startIndex, subject, 0, true));
  } else if (r.type === 'attribute') {
    const object = r.childForFieldName('object');
    const attr = r.childForFieldName('attribute')?.text ?? '';
    if (object?.type === 'identifier' && object.text === self) {
      clues.push(...selfAttributeClues(ctx, r, call.startIndex, subject, 0, true));
    } else if (attr === 'module' || attr === '_orig_mod') {
      clues.push({ type: 'verdict', kind: 'module', what: `\`.${attr}\` is the model a wrapper holds`, source: sourceAt(ctx, 'usage', r) });
    } else {
      const root = dotted(r)?.split('.')[0];
      const rootNode = root ? r.descendantsOfType('identifier')[0] : null;
      // `torch.distributed.checkpoint.load_state_dict(...)`, `dist_cp.load_state_dict(...)`: a function of an imported module.
      if (rootNode && dotted(r)) {
        const imported = identifierClues(ctx, rootNode, call.startIndex, `\`${root}\``, 1, false)[0];
        if (imported?.type === 'verdict' && imported.source.rule === 'imported-module') clues.push({ ...imported, what: `${subject} is a function of an imported module, not a model` });
        if (imported?.type === 'class' && imported.how === 'import') clues.push({ ...imported, expr: dotted(r) as string, subject });
      }
      const refs = refsIn(ctx, r, fn ? fn.startIndex : 0, fn ? scopeEnd(ctx, fn) : ctx.text.length);
      const binding = bindingAt(refs, call.startIndex);
      if (binding) clues.push(...bindingClues(ctx, binding, subject, 0));
      clues.push(...usageClues(ctx, refs, subject));
      // (the name comes from `attributeClues` in its place: after what the owner's class sets)
      clues.push(...attributeClues(ctx, r, { type: 'name', name: attr, rule: 'name', subject }, subject, 0));
    }
  } else if (r.type === 'call') {
    const inner = valueClues(ctx, r, null, subject, 'assignment', 0);
    clues.push(...inner);
  } else if (r.type === 'subscript') {
    const container = r.childForFieldName('value');
    if (container?.type === 'identifier') {
      const held = identifierClues(ctx, container, call.startIndex, `\`${container.text}\``, 1, false);
      // `models = [Net(), Net()]`: the items of a literal container.
      for (const c of held) if (c.type === 'all-of') clues.push({ ...c, subject: `${subject} is an item of ${c.subject}` });
    }
  }
  // A subscript's own name is its key (`ckpt["model"]`); its container's name says less.
  const key = r.type === 'subscript' ? /^\s*[rbuf]*(['"])([^'"\\]+)\1\s*$/i.exec(src(ctx, r.childForFieldName('subscript') ?? r))?.[2] : undefined;
  if (key) clues.push({ type: 'name', name: key, rule: 'name', subject });
  const name = lastName(r);
  const attributeNamed = r.type === 'attribute' && clues.some((c) => c.type === 'attribute-of');
  if (name && !attributeNamed) clues.push({ type: 'name', name, rule: 'name', subject, ...(r.type === 'subscript' ? { weak: true } : {}) });
  const stateWords = stateName(ctx, state);
  if (stateWords) clues.push({ type: 'name', name: stateWords, rule: 'state', subject: `the state \`${brief(src(ctx, state as Node))}\`` });
  return clues;
}

export type { Context as ClueContext };
