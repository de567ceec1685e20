/** The lexical facts the project index takes from every file: classes with their bases, and imports. */
import { describe, expect, it } from 'vitest';
import { findClasses, findImports } from '../src/core/evidence/facts.js';

const classes = (text: string) => findClasses(Buffer.from(text)).map((c) => [c.qualname, c.bases, c.indent]);
const imports = (text: string) => findImports(Buffer.from(text)).map((i) => `${i.local}=${'.'.repeat(i.level)}${i.module}${i.name === null ? '' : `:${i.name}`}`);

describe('classes', () => {
  it('takes names, bases over several lines, nesting; leaves out keywords, subscripts and look-alikes', () => {
    const text = [
      'class A(nn.Module):',
      '    class Inner(Base, metaclass=Meta):',
      '        pass',
      'class B(',
      '    mixins.Mixin,  # a comment',
      '    Generic[T],',
      '):',
      '    pass',
      'class C: pass',
      'class D[T](torch.nn.Module): pass',
      'x = "class E(F):"',
      'subclass G(H): pass',
      'def f():',
      '    class Local(nn.Linear):',
      '        pass',
      '',
    ].join('\n');
    expect(classes(text)).toEqual([
      ['A', ['nn.Module'], 0],
      ['A.Inner', ['Base'], 4],
      ['B', ['mixins.Mixin', 'Generic'], 0],
      ['C', [], 0],
      ['D', ['torch.nn.Module'], 0],
      ['Local', ['nn.Linear'], 4],
    ]);
  });
});

describe('imports', () => {
  it('reads every form: aliases, dotted modules, relative, parenthesised lists, continuations, guarded ones', () => {
    const text = [
      'import os, torch.nn as nn',
      'import a.b.c',
      'from . import sibling',
      'from ..pkg.mod import (',
      '    One,',
      '    Two as Deux,  # comment',
      ')',
      'from x import y \\',
      '    as z',
      'try:',
      '    from fast import Impl',
      'except ImportError:',
      '    from slow import Impl',
      'from star import *',
      'text = "from no import thing"',
      '',
    ].join('\n');
    expect(imports(text)).toEqual([
      'os=os', 'nn=torch.nn', 'a=a', 'a.b.c=a.b.c', 'sibling=.:sibling', 'One=..pkg.mod:One', 'Deux=..pkg.mod:Two',
      'z=x:y', 'Impl=fast:Impl', 'Impl=slow:Impl', '*=star:*',
    ]);
  });
});
