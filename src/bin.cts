#!/usr/bin/env node
/**
 * The installed bin. Plain `switcheroo-migrate [path...]` on a terminal opens the review, whose first
 * line is drawn here, before Node loads the ES modules (about 15 ms on the bench machine); cli.js
 * then redraws the same line with live counts. Anything else goes straight to cli.js.
 */
const args = process.argv.slice(2);
const review = process.stdout.isTTY && process.stdin.isTTY && !args.some((a) => a.startsWith('-'));
if (review && (process.stdout.columns ?? 0) >= 40) {
  process.stdout.write('\r\u001b[2K⠋ scanning · 0 files read · 0 sites'); // the text src/cli/run.ts draws first
}
void import('./cli.js');
