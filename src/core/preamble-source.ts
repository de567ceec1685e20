/**
 * The KeyMapper preamble's source, src/python/keymapper_<flavour>.py (read once): its import lines
 * and the class after them. No parser here, so that argument checking can ask which names the
 * preamble binds without loading the engine.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ScanOptions } from './types.js';

/** `import numpy as np`: the module and the name it is bound to; with `from`, `from module import name`. */
export interface PreambleImport {
  module: string;
  name: string;
  from?: boolean;
}

export interface PreambleSource {
  imports: PreambleImport[];
  /** `class KeyMapper:` to the end, ending with one newline. */
  body: string;
}

/** Names the preamble makes up when the file's own would clash start with this. */
export const PRIVATE_PREFIX = '_km_';

const cache = new Map<string, PreambleSource>();

function parseImport(line: string): PreambleImport {
  const m = /^import ([\w.]+)(?: as (\w+))?$/.exec(line);
  // `import a.b` would bind `a`: the preamble's sources say `import a.b as x`.
  if (!m || (!m[2] && m[1]?.includes('.'))) throw new Error(`the preamble source has an import it cannot place: ${line}`);
  return { module: m[1] as string, name: m[2] ?? (m[1] as string) };
}

/** Splits a preamble file into its imports and the class that follows them. */
function splitPreamble(source: string): PreambleSource {
  const text = source.replace(/\r\n/g, '\n');
  const classAt = text.search(/^class KeyMapper\b/m);
  if (classAt === -1) throw new Error('the preamble source has no `class KeyMapper`');
  const imports = text.slice(0, classAt).split('\n').map((l) => l.trim()).filter(Boolean).map(parseImport);
  return { imports, body: `${text.slice(classAt).trimEnd()}\n` };
}

function readSource(file: string): PreambleSource {
  return splitPreamble(readFileSync(fileURLToPath(new URL(`../python/${file}`, import.meta.url)), 'utf8'));
}

/** Where the class's docstring ends (just after its line), in `body`. */
function afterDocstring(body: string): number {
  const open = body.indexOf('"""');
  const close = open === -1 ? -1 : body.indexOf('"""', open + 3);
  if (close === -1) throw new Error('the preamble source has no class docstring');
  return body.indexOf('\n', close) + 1;
}

/**
 * The nnx flavour: keymapper_nnx.py's docstring, the flax class's code (the layer rules load_into
 * calls, and from_torch), then keymapper_nnx.py's methods; the imports of both. test/python composes
 * it the same way (`keymapper_source.compose`).
 */
function composeNnx(flax: PreambleSource, nnx: PreambleSource): PreambleSource {
  const imports = [...flax.imports, ...nnx.imports.filter((i) => !flax.imports.some((f) => f.name === i.name))];
  const head = afterDocstring(nnx.body);
  return { imports, body: nnx.body.slice(0, head) + flax.body.slice(afterDocstring(flax.body)) + nnx.body.slice(head) };
}

/** The preamble flavour's source, from dist/python/keymapper_<flavour>.py (nnx: composed with flax's). */
export function preambleSource(mapper: ScanOptions['mapper']): PreambleSource {
  let source = cache.get(mapper);
  if (!source) {
    source = mapper === 'nnx' ? composeNnx(preambleSource('flax'), readSource('keymapper_nnx.py')) : readSource(`keymapper_${mapper}.py`);
    cache.set(mapper, source);
  }
  return source;
}

/** `import numpy as np`, or `import re` where the name is the module. */
export function importLine(imp: PreambleImport): string {
  if (imp.from) return `from ${imp.module} import ${imp.name}`;
  return imp.name === imp.module ? `import ${imp.module}` : `import ${imp.module} as ${imp.name}`;
}

/** The module-level names a preamble flavour binds, each with the line that binds it. */
export function preambleNames(mapper: ScanOptions['mapper']): Map<string, string> {
  const names = new Map<string, string>([['KeyMapper', 'class KeyMapper']]);
  for (const imp of preambleSource(mapper).imports) names.set(imp.name, importLine(imp));
  return names;
}
