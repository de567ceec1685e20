/** Issue 15 item 12 without a terminal: the scan's counts include each file it reports, and the review's first frame starts from the events the placeholder saw. */
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink-testing-library';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCAN_OPTIONS, scanProject } from '../../src/core/scan.js';
import type { ScanEvent } from '../../src/core/types.js';
import { App } from '../../src/ui/app.js';
import { coreServices } from '../../src/ui/services.js';
import { FIXTURE, SIZE } from './harness.js';

describe('start-up', () => {
  it("each file's sites are in the counts before the file is reported", async () => {
    const events: ScanEvent[] = [];
    await scanProject(FIXTURE, DEFAULT_SCAN_OPTIONS, (e) => events.push(e));
    let counts = { filesScanned: 0, sites: 0 };
    let reported = { files: 0, sites: 0 };
    for (const event of events) {
      if (event.type === 'progress') counts = event;
      if (event.type !== 'file') continue;
      reported = { files: reported.files + 1, sites: reported.sites + event.plan.sites.length };
      expect(counts.filesScanned).toBeGreaterThanOrEqual(reported.files);
      expect(counts.sites).toBeGreaterThanOrEqual(reported.sites);
    }
    expect(reported.files).toBe(3);
  });

  it('the first frame shows what the events so far say, before the scan service has said anything', async () => {
    const seen: ScanEvent[] = [];
    await scanProject(FIXTURE, DEFAULT_SCAN_OPTIONS, (e) => seen.push(e));
    const firstFile = seen.findIndex((e) => e.type === 'file');
    const scan = () => new Promise<never>(() => {}); // says nothing more
    const app = render(
      <App root={FIXTURE} scanOptions={DEFAULT_SCAN_OPTIONS} services={{ ...coreServices(null, {}), scan }} onExit={() => {}} color={false} size={SIZE} animate={false} seen={seen.slice(0, firstFile + 1)} />,
    );
    const frame = stripVTControlCharacters(app.frames[0] ?? '');
    app.unmount();
    expect(frame).not.toContain('Waiting for the first load_state_dict call');
    expect(frame).toMatch(/scanning · [1-9]\d* files? read · [1-9]\d* sites?/);
    expect(frame).toContain('model.load_state_dict(checkpoint["model"])');
  });
});
