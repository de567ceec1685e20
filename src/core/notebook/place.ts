/** Where a notebook's evidence and hints lie: a line of the one planned text as its cell and the line within it. */
import type { FilePlan, NotebookMap, SiteHint } from '../types.js';

/** The cell holding a line of the notebook's text (1-based), and the line within it. */
function cellLine(map: NotebookMap, line: number): { cell: number; line: number } | null {
  let cell = map.cells[0];
  for (const c of map.cells) if (c.row <= line - 1) cell = c;
  return cell ? { cell: cell.index, line: line - cell.row } : null;
}

/** `cell 3, line 2` for a line of the notebook's text (1-based, both). */
export function cellPlace(map: NotebookMap, line: number): string {
  const at = cellLine(map, line);
  return at ? `cell ${at.cell + 1}, line ${at.line}` : `line ${line}`;
}

/** A place in the notebook's text moved into its cell (`line` within it, `cell` 0-based); as is when placed already or no cell holds it. */
function placed<T extends { line?: number; cell?: number }>(map: NotebookMap, at: T): T {
  const cell = at.cell === undefined && at.line !== undefined ? cellLine(map, at.line) : null;
  return cell ? { ...at, line: cell.line, cell: cell.cell } : at;
}

/** `demo.ipynb:12` in a note, as `demo.ipynb · cell 3 · line 2`. */
function placedNote(path: string, map: NotebookMap, note: string): string {
  const escaped = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return note.replace(new RegExp(`${escaped}:(\\d+)`, 'g'), (whole, line: string) => {
    const at = cellLine(map, Number(line));
    return at ? `${path} · cell ${at.cell + 1} · line ${at.line}` : whole;
  });
}

/**
 * The notebook's sites with their evidence placed in cells (the evidence reads the notebook as one
 * text): `line` within the cell (the model class's too), and notes' places.
 */
export function placeEvidence(plan: FilePlan): FilePlan {
  const { notebook: map, path } = plan;
  if (!map) return plan;
  let changed = false;
  const sites = plan.sites.map((site) => {
    const { evidence } = site;
    if (evidence.cell !== undefined || (!evidence.note.includes(`${path}:`) && evidence.path !== path && evidence.class?.path !== path)) return site;
    changed = true;
    const note = placedNote(path, map, evidence.note);
    const here = evidence.path === path ? placed(map, evidence) : evidence;
    const cls = evidence.class?.path === path ? { class: placed(map, evidence.class) } : {};
    return { ...site, evidence: { ...here, note, ...cls }, reason: site.proposed ? site.reason : site.reason === evidence.note ? note : site.reason };
  });
  return changed ? { ...plan, sites } : plan;
}

/** Hints and their warnings read from the notebook's own cells, placed in them (notes too); others as they are. */
export function placeHints(plan: FilePlan, found: { hints: SiteHint[]; warnings: string[] }): { hints: SiteHint[]; warnings: string[] } {
  const { notebook: map, path } = plan;
  if (!map) return found;
  const hints = found.hints.map((hint) => {
    const here = hint.path === path ? placed(map, hint) : hint;
    return hint.note === undefined ? here : { ...here, note: placedNote(path, map, hint.note) };
  });
  return { hints, warnings: found.warnings.map((w) => placedNote(path, map, w)) };
}
