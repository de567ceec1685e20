/** How messages name a site's place: `train.py:12:5`, or in a notebook `demo.ipynb · cell 7 · line 3` (cells and lines from 1). */
import type { Site } from './types.js';

export function siteWhere(site: Pick<Site, 'path' | 'line' | 'column' | 'cell'>): string {
  return site.cell === undefined ? `${site.path}:${site.line}:${site.column}` : `${site.path} · cell ${site.cell + 1} · line ${site.line}`;
}

/** Within its file: `12:5`, or `cell 7 · 3:5`. */
export function siteInFile(site: Pick<Site, 'line' | 'column' | 'cell'>): string {
  return site.cell === undefined ? `${site.line}:${site.column}` : `cell ${site.cell + 1} · ${site.line}:${site.column}`;
}
