/** Checking that an edited replacement leaves the file parseable. */
import { getParser } from './parser.js';
import { maskCommentRuns } from './comment-runs.js';
import { applyEdits, linesEdit } from './plan.js';
import { editSyntaxError } from './syntax-error.js';
import { LineIndex } from './text.js';
import { changedCells } from './notebook/notebook.js';
import { maskCell } from './notebook/ipython.js';
import type { FilePlan, NotebookMap, Site } from './types.js';
import { planText } from './plan-text.js';

/** Null when the file parses with `text` as the site's whole lines, else one sentence saying where it breaks. */
export async function checkEdit(plan: FilePlan, siteId: string, text: string): Promise<string | null> {
  const site = plan.sites.find((s) => s.id === siteId);
  if (!site) return `no site ${siteId} in ${plan.path}`;
  if (plan.notebook) return checkCellEdit(plan, plan.notebook, site, text);
  const source = planText(plan);
  const before = source.slice(0, site.lines.start);
  const after = applyEdits(source, [linesEdit(plan, site, text)]);
  return parseMessage(after, before.split('\n').length, text, { within: (line) => `line ${line} of ${plan.path}`, breaks: 'the file' });
}

/** In a notebook, the edited cell is checked on its own (a cell holds whole statements), its IPython lines masked. */
async function checkCellEdit(plan: FilePlan, map: NotebookMap, site: Site, text: string): Promise<string | null> {
  const source = planText(plan);
  const [cell] = changedCells(map, source, [linesEdit(plan, site, text)]);
  if (!cell) return null;
  // the edit's first line, counted within its cell
  const firstLine = new LineIndex(source).row(site.lines.start) - (map.cells.find((c) => c.index === cell.index)?.row ?? 0) + 1;
  return parseMessage(maskCell(cell.after).text, firstLine, text, { within: (line) => `cell ${cell.index + 1}, line ${line} of ${plan.path}`, breaks: `cell ${cell.index + 1}` });
}

/**
 * Null when `source` parses, else where it breaks: within the edit (whose first line is `firstLine`
 * of `source`) when the error is on one of its lines, else in the file or cell around it.
 */
async function parseMessage(source: string, firstLine: number, edit: string, place: { within: (line: number) => string; breaks: string }): Promise<string | null> {
  const error = editSyntaxError(await getParser(), source, maskCommentRuns(source), new LineIndex(source));
  if (!error) return null;
  const where = error.line - firstLine + 1;
  const why = error.message ? `: ${error.message}` : '';
  return where >= 1 && where <= edit.split('\n').length
    ? `the edit does not parse: line ${where} of the edit, column ${error.column} (${place.within(error.line)})${why}`
    : `the edit does not parse: ${place.breaks} breaks at line ${error.line}, column ${error.column}${why}`;
}
