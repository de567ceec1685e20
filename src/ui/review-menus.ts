import type { ReviewAction, ReviewState } from './review-state.js';

export interface MenuItem {
  label: string;
  action: ReviewAction;
}

/**
 * The menu on screen, top to bottom: what each row says and does. The reducer keeps which row is
 * highlighted (`menu`) and Enter acts on that row, so keys read together never act on a stale one.
 */
export function menuItems(state: ReviewState, summaryFiles = 0): MenuItem[] {
  switch (state.screen) {
    case 'summary':
      return [
        { label: summaryFiles > 0 ? `Write ${summaryFiles} file${summaryFiles === 1 ? '' : 's'}` : 'Finish (nothing to write)', action: { type: 'start-write' } },
        { label: 'Back to the review', action: { type: 'back' } },
        { label: 'Quit without writing', action: { type: 'quit' } },
      ];
    case 'confirm-quit':
      return [
        { label: 'Keep reviewing', action: { type: 'back' } },
        { label: 'Quit without writing', action: { type: 'quit' } },
      ];
    case 'edit':
      if (state.edit?.phase !== 'failed') return [];
      return [
        { label: 'Edit again', action: { type: 'edit-again' } },
        { label: 'Discard the edit', action: { type: 'edit-discard' } },
      ];
    default:
      return [];
  }
}
