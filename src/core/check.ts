/** Checking that an edited replacement leaves the file parseable. */
import { getParser, maskCommentRuns } from './parser.js';
import { applyEdits, siteEdit } from './plan.js';
import { editSyntaxError } from './syntax-error.js';
import { LineIndex } from './text.js';
import { changedCells } from './notebook/notebook.js';
import { maskCell } from './notebook/ipython.js';
import type { FilePlan, NotebookMap, Site } from './types.js';

/** Null when the file parses with `text` in place of the site, else one sentence saying where it breaks. */
export async function checkEdit(plan: FilePlan, siteId: string, text: string): Promise<string | null> {
  const site = plan.sites.find((s) => s.id === siteId);
  if (!site) return `no site ${siteId} in ${plan.path}`;
  if (plan.notebook) return checkCellEdit(plan, site, text);
  const before = plan.text.slice(0, site.edit.start);
  const after = applyEdits(plan.text, [siteEdit(plan, site, text)]);
  const error = editSyntaxError(await getParser(), after, maskCommentRuns(after), new LineIndex(after));
  if (!error) return null;
  const editLine = before.split('\n').length;
  const where = error.line - editLine + 1;
  const why = error.message ? `: ${error.message}` : '';
  return where >= 1 && where <= text.split('\n').length
    ? `the edit does not parse: line ${where} of the edit, column ${error.column} (line ${error.line} of ${plan.path})${why}`
    : `the edit does not parse: the file breaks at line ${error.line}, column ${error.column}${why}`;
}

/** In a notebook, the edited cell is checked on its own (a cell holds whole statements), its IPython lines masked. */
async function checkCellEdit(plan: FilePlan, site: Site, text: string): Promise<string | null> {
  const [cell] = changedCells(plan.notebook as NotebookMap, plan.text, [siteEdit(plan, site, text)]);
  if (!cell) return null;
  const masked = maskCell(cell.after).text;
  const error = editSyntaxError(await getParser(), masked, maskCommentRuns(masked), new LineIndex(masked));
  if (!error) return null;
  const where = error.line - site.line + 1;
  const why = error.message ? `: ${error.message}` : '';
  return where >= 1 && where <= text.split('\n').length
    ? `the edit does not parse: line ${where} of the edit, column ${error.column} (cell ${cell.index + 1}, line ${error.line} of ${plan.path})${why}`
    : `the edit does not parse: cell ${cell.index + 1} breaks at line ${error.line}, column ${error.column}${why}`;
}
