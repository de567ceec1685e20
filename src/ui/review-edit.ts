import { originalLines, proposedLines } from '../core/plan.js';
import type { Decision } from '../core/types.js';
import { SUPER_MESSAGE, decideOne, notOnASite } from './review-decide.js';
import { canAccept, findSite } from './review-order.js';
import type { EditState, ReviewState } from './review-state.js';
import { bufferOf } from './text-edit.js';
import { planText } from '../core/plan-text.js';

/** `e`: edit the selected site's statement, its whole lines, starting from its edit if it has one, else from the proposal. */
export function startEdit(s: ReviewState, inline: boolean): ReviewState {
  const found = findSite(s.plans, s.cursor);
  if (!found) return s;
  const { site, plan } = found;
  const refused = notOnASite(s);
  if (refused) return { ...s, message: refused };
  if (site.kind === 'super') return { ...s, message: SUPER_MESSAGE };
  const decision = s.decisions.get(site.id);
  const offered = decision?.type === 'edited' ? decision.text : proposedLines(plan, site);
  const firstLine = site.line - (planText(plan).slice(site.lines.start, site.edit.start).match(/\n/g)?.length ?? 0);
  const edit: EditState = { siteId: site.id, original: originalLines(plan, site), firstLine, buffer: bufferOf(offered), offered, inline, phase: 'editing', error: null };
  return { ...s, screen: 'edit', edit, pinned: true };
}

/** The editor's text came back: unchanged records nothing, else it is checked. */
export function submitEdit(s: ReviewState, text: string): ReviewState {
  if (!s.edit) return s;
  if (text === s.edit.offered) return { ...s, screen: 'review', edit: null, message: 'Edit left unchanged: nothing recorded.' };
  return { ...s, edit: { ...s.edit, buffer: bufferOf(text), phase: 'checking', error: null } };
}

/** The parse check answered: a failure offers edit again / discard, else the edit is the site's decision. */
export function checkedEdit(s: ReviewState, error: string | null): ReviewState {
  const edit = s.edit;
  if (!edit || edit.phase !== 'checking') return s;
  if (error !== null) return { ...s, edit: { ...edit, phase: 'failed', error }, menu: 0 };
  const found = findSite(s.plans, edit.siteId);
  const text = edit.buffer.text;
  // Editing a change back to the proposal is accepting it.
  const decision: Decision = found && canAccept(found.site) && text === proposedLines(found.plan, found.site) ? { type: 'accepted' } : { type: 'edited', text };
  return decideOne({ ...s, screen: 'review', edit: null, cursor: edit.siteId }, decision);
}
