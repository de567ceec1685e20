import type { FilePlan, Site, SiteKind } from '../../src/core/types.js';

/** A hand-made site on `line`: `R.load_state_dict(sd)` -> `variables = KeyMapper.from_torch(sd)`. */
export function site(path: string, line: number, kind: SiteKind = 'module', receiver = 'model'): Site {
  const proposed = kind === 'module';
  const original = `${receiver}.load_state_dict(sd)`;
  const replacement = kind === 'super' || kind === 'unsupported' ? original : 'variables = KeyMapper.from_torch(sd)';
  const start = (line - 1) * 40;
  return {
    id: `${path}:${line}:1`,
    path,
    line,
    column: 1,
    endLine: line,
    endColumn: original.length + 1,
    receiver,
    kind,
    evidence: { rule: 'name', note: `${kind} receiver` },
    clues: [],
    proposed,
    reason: proposed ? '' : `${kind} receiver`,
    original,
    replacement,
    warnings: [],
    edit: { start, end: start + original.length, text: replacement },
    lines: { start, end: start + original.length },
  };
}

export function plan(path: string, sites: Site[]): FilePlan {
  return {
    path,
    absPath: `/project/${path}`,
    sites,
    preamble: { line: 1, endLine: 1, text: 'class KeyMapper: ...\n', edit: { start: 0, end: 0, text: 'class KeyMapper: ...\n' } },
    hash: 'h',
    text: '',
    bom: false,
    eol: '\n',
    parseError: null,
  };
}
