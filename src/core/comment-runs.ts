/**
 * Long runs of comment-only lines, blanked before parsing (tree-sitter-python's scanner is quadratic
 * in them). No parser here: the read-ahead worker looks for them too (prepare.ts).
 */
/** Runs of at least this many comment-only lines are blanked before parsing. */
const COMMENT_RUN = 8;
/**
 * True when COMMENT_RUN comment-only lines follow one another somewhere (the first two lines count
 * here). The read-ahead worker asks it of each candidate it prepares (prepare.ts `commentRun`).
 */
export function hasCommentRun(text: string): boolean {
  let run = 0;
  for (let i = 0; i < text.length; ) {
    let k = i;
    while (text.charCodeAt(k) === 32 || text.charCodeAt(k) === 9) k++;
    if (text.charCodeAt(k) !== 35 /* # */) run = 0;
    else if (++run >= COMMENT_RUN) return true;
    const lf = text.indexOf('\n', k);
    if (lf === -1) break;
    i = lf + 1;
  }
  return false;
}

/**
 * The text to hand the parser: long runs of comment-only lines become spaces of the same length.
 * tree-sitter-python's scanner is quadratic in a run of comment lines after a statement (4,000
 * lines: 19 s); blank lines cost nothing. Offsets are unchanged, so node positions index the
 * original text, which callers slice instead of reading `node.text`. The first two lines (a shebang,
 * an encoding line) are never blanked.
 */
export function maskCommentRuns(text: string, mayHaveRun = true): string {
  // most files have no such run: one search says so without splitting the text into lines (or the
  // worker that prepared the file has said so: `mayHaveRun` false)
  if (!mayHaveRun || !hasCommentRun(text)) return text;
  const lines = text.split('\n');
  let run: number[] = [];
  let changed = false;
  const flush = () => {
    if (run.length >= COMMENT_RUN) {
      for (const i of run) lines[i] = (lines[i] ?? '').replace(/#[^\r]*/, (c) => ' '.repeat(c.length));
      changed = true;
    }
    run = [];
  };
  lines.forEach((line, i) => {
    if (i >= 2 && /^[ \t]*#/.test(line)) run.push(i);
    else flush();
  });
  flush();
  return changed ? lines.join('\n') : text;
}
