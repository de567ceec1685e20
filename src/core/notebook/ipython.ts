/**
 * IPython syntax in a notebook cell, masked for parsing: `%magic`, `!shell`, `x = !ls`, `obj?`,
 * `?obj` lines become Python statements of the same length (so every offset still points into the
 * cell's real text, which is what is shown and written), and a `%%` cell whose body is not run as
 * Python in the kernel (`%%bash`, `%%writefile`, `%%python3`: a subprocess) is masked whole as
 * comments. Nothing masked is ever a site, so none of it is edited.
 */

/** Cell magics that run their body as Python in the kernel: only their first line is IPython. */
const PYTHON_BODY = new Set(['time', 'timeit', 'capture', 'prun', 'debug']);

const MAGIC_LINE = /^[ \t]*(?:[%!?]|[\p{L}\p{N}_.,\t ]+=[ \t]*[%!](?!=))|^[ \t]*[\p{L}\p{N}_.]+\?{1,2}[ \t]*$/u;

/** A statement (or comment) as long as `rest`, in ASCII. */
function filler(length: number, comment: boolean): string {
  if (length === 0) return '';
  if (comment) return `#${'x'.repeat(length - 1)}`;
  if (length >= 4) return length === 4 ? 'pass' : `pass#${'x'.repeat(length - 5)}`;
  return ['0', '00', '...'][length - 1] as string;
}

function maskLine(line: string, comment: boolean): string {
  const cr = line.endsWith('\r') ? '\r' : '';
  const body = cr ? line.slice(0, -1) : line;
  const indent = /^[ \t]*/.exec(body)?.[0] ?? '';
  return indent + filler(body.length - indent.length, comment) + cr;
}

export interface MaskedCell {
  /** The cell's source with its IPython lines replaced, offsets unchanged. */
  text: string;
  /** The `%%` magic that keeps the whole cell from being read as Python (`bash`), or null. */
  skipped: string | null;
}

/** The cell's source as the parser should see it. */
export function maskCell(source: string): MaskedCell {
  const lines = source.split('\n');
  const magic = /^%%([\w.]+)/.exec(lines[0] ?? '')?.[1];
  if (magic && !PYTHON_BODY.has(magic)) return { text: lines.map((l) => maskLine(l, true)).join('\n'), skipped: magic };
  let continued = false;
  const out = lines.map((line, i) => {
    const masked = (i === 0 && magic !== undefined) || continued || MAGIC_LINE.test(line);
    // a masked line that ends in a backslash goes on on the next line (`!pip install \`)
    continued = masked && /\\\r?$/.test(line);
    return masked ? maskLine(line, false) : line;
  });
  return { text: out.join('\n'), skipped: null };
}
