// One measured scan in a fresh process: prints JSON {wallMs, firstSiteMs, peakMb, ...}.
import { scanProject, DEFAULT_SCAN_OPTIONS } from '../dist/core/scan.js';

const started = performance.now();
let firstSiteMs = null;
const result = await scanProject(process.argv[2], DEFAULT_SCAN_OPTIONS, (e) => {
  if (firstSiteMs === null && e.type === 'file' && e.plan.sites.length > 0) firstSiteMs = performance.now() - started;
});
const wallMs = performance.now() - started;
console.log(JSON.stringify({
  wallMs: Math.round(wallMs),
  firstSiteMs: firstSiteMs === null ? null : Math.round(firstSiteMs),
  peakMb: Math.round(process.resourceUsage().maxRSS / 1024),
  files: result.stats.filesScanned,
  candidates: result.stats.candidates,
  sites: result.stats.sites,
}));
