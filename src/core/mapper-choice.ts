/**
 * Which KeyMapper flavour a run writes when `--mapper` is not given: `nnx` when any file of the
 * project imports `flax.nnx` (`from flax import nnx`, `import flax.nnx`, `from flax.nnx import ...`),
 * else `flax`. Read lexically from each file's bytes as the scan reads them.
 */
import { comparePaths } from './paths.js';
import type { Mapper, MapperChoice, ScanOptions } from './types.js';

/** Every import of flax.nnx holds both words: most files hold neither, and `flax` is the quicker search (its `f` is rarer than `n`). */
const FLAX = Buffer.from('flax');
const NNX = Buffer.from('nnx');
const IMPORTS_NNX = /^[ \t]*(?:from[ \t]+flax[ \t]+import[ \t]+(?:\([^)]*\bnnx\b|[^#\n]*\bnnx\b)|import[ \t]+(?:[\w.]+[ \t]*(?:as[ \t]+\w+[ \t]*)?,[ \t]*)*flax\.nnx\b|from[ \t]+flax\.nnx\b)/m;

/** The 1-based line of the file's first import of flax.nnx, or null. */
export function nnxImportLine(bytes: Uint8Array): number | null {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.indexOf(FLAX) === -1 || buffer.indexOf(NNX) === -1) return null;
  const text = buffer.toString('utf8');
  const m = IMPORTS_NNX.exec(text);
  if (!m) return null;
  const at = m.index + m[0].length - m[0].trimStart().length;
  return text.slice(0, at).split('\n').length;
}

/** The project's first import of flax.nnx in path order, as files report theirs. */
export class MapperChooser {
  private first: { path: string; line: number } | null = null;

  constructor(private readonly options: ScanOptions) {}

  note(path: string, line: number | null | undefined): void {
    if (line && (!this.first || comparePaths(path, this.first.path) < 0)) this.first = { path, line };
  }

  /** The flavour as far as the files seen so far tell. */
  get mapper(): Mapper {
    return this.options.mapperAuto && this.first ? 'nnx' : this.options.mapper;
  }

  choice(): MapperChoice {
    if (!this.options.mapperAuto) return { name: this.options.mapper, why: `--mapper ${this.options.mapper}` };
    if (this.first) return { name: 'nnx', why: `the project imports flax.nnx (${this.first.path}:${this.first.line})` };
    return { name: this.options.mapper, why: 'no file of the project imports flax.nnx' };
  }
}
