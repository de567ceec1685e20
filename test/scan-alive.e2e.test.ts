/**
 * The scan keeps the event loop alive while it runs. Its pauses (setImmediate) and its waits for the
 * read-ahead worker (unref'd) hold no handle of their own: where nothing else does (--json, --check,
 * --dry-run, --yes), Node's loop ran dry at each one and first waited for every V8 background task
 * (NodePlatform::DrainTasks: the JIT's compiles), 40-110 ms at the first pause on the bench tree.
 * Checked in a process of its own (the test runner's timers come and go), with the built modules.
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { REPO, assertBuilt, cleanup, project } from './helpers/project.js';

afterAll(cleanup);

/** Prints the live timers (those with a ref) before, at each progress event, after the scan, and after a scan that fails. */
const SCRIPT = `
const { scanProject, DEFAULT_SCAN_OPTIONS } = await import(process.argv[1]);
const timers = () => process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
const before = timers();
const during = [];
const result = await scanProject(process.argv[2], DEFAULT_SCAN_OPTIONS, (e) => void (e.type === 'progress' && during.push(timers())));
const after = timers();
const failed = await scanProject(process.argv[2] + '/missing', DEFAULT_SCAN_OPTIONS).then(() => 'scanned', (error) => error.message);
console.log(JSON.stringify({ before, during, after, afterFailure: timers(), failed, sites: result.stats.sites }));
`;

it('holds one timer while it scans, and none once done or failed', async () => {
  assertBuilt();
  const files: Record<string, string> = {};
  for (let i = 0; i < 160; i++) files[`pkg${i % 4}/m${i}.py`] = i % 10 ? `x = ${i}\n` : 'model.load_state_dict(sd)\n';
  const dir = await project(files);
  const scan = pathToFileURL(join(REPO, 'dist', 'core', 'scan.js')).href;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '-e', SCRIPT, scan, dir]);
  const seen = JSON.parse(stdout) as { before: number; during: number[]; after: number; afterFailure: number; failed: string; sites: number };
  expect(seen.sites).toBe(16);
  expect(seen.before).toBe(0);
  expect(seen.during.length).toBeGreaterThan(0);
  expect(new Set(seen.during)).toEqual(new Set([1]));
  expect(seen.after).toBe(0);
  expect(seen.failed).not.toBe('scanned');
  expect(seen.afterFailure).toBe(0);
});
