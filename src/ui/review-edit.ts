import type { Decision } from '../core/types.js';
import { SUPER_MESSAGE, decideOne } from './review-decide.js';
import { canAccept, findSite } from './review-order.js';
import type { EditState, ReviewState } from './review-state.js';
import { bufferOf } from './text-edit.js';

/** `e`: edit the selected site's replacement, starting from its edit if it has one. */
export function startEdit(s: ReviewState, inline: boolean): ReviewState {
  const found = findSite(s.plans, s.cursor);
  if (!found) return s;
  const { site } = found;
  if (site.kind === 'super') return { ...s, message: SUPER_MESSAGE };
  const decision = s.decisions.get(site.id);
  const offered = decision?.type === 'edited' ? decision.text : site.replacement;
  const edit: EditState = { siteId: site.id, buffer: bufferOf(offered), offered, inline, phase: 'editing', error: null };
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
  const site = findSite(s.plans, edit.siteId)?.site;
  const text = edit.buffer.text;
  // Editing a change back to the proposal is accepting it.
  const decision: Decision = site && canAccept(site) && text === site.replacement ? { type: 'accepted' } : { type: 'edited', text };
  return decideOne({ ...s, screen: 'review', edit: null, cursor: edit.siteId }, decision);
}
