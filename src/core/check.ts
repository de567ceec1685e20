/** Checking that an edited replacement leaves the file parseable. */
import { getParser, maskCommentRuns } from './parser.js';
import { applyEdits, linesEdit } from './plan.js';
import { editSyntaxError } from './syntax-error.js';
import { LineIndex } from './text.js';
import type { FilePlan } from './types.js';

/** Null when the file parses with `text` as the site's whole lines, else one sentence saying where it breaks. */
export async function checkEdit(plan: FilePlan, siteId: string, text: string): Promise<string | null> {
  const site = plan.sites.find((s) => s.id === siteId);
  if (!site) return `no site ${siteId} in ${plan.path}`;
  const before = plan.text.slice(0, site.lines.start);
  const after = applyEdits(plan.text, [linesEdit(plan, site, text)]);
  const error = editSyntaxError(await getParser(), after, maskCommentRuns(after), new LineIndex(after));
  if (!error) return null;
  const editLine = before.split('\n').length;
  const where = error.line - editLine + 1;
  const why = error.message ? `: ${error.message}` : '';
  return where >= 1 && where <= text.split('\n').length
    ? `the edit does not parse: line ${where} of the edit, column ${error.column} (line ${error.line} of ${plan.path})${why}`
    : `the edit does not parse: the file breaks at line ${error.line}, column ${error.column}${why}`;
}
