const { planFile } = await import('./dist/core/plan.js');
const { DEFAULT_SCAN_OPTIONS } = await import('./dist/core/scan.js');
const { diffRows } = await import('./dist/ui/diff-rows.js');
const { summaryOf, summaryLines } = await import('./dist/ui/summary-view.js');
const { listRows } = await import('./dist/ui/site-list.js');
const sites = Array.from({ length: 30 }, (_, i) => `    net${String(i+1).padStart(2,'0')}.load_state_dict(sd)\n`).join('');
const text = `import torch\n\n\ndef load(sd):\n${sites}`;
const plan = await planFile('many.py', '/x/many.py', Buffer.from(text), DEFAULT_SCAN_OPTIONS);
const d = new Map();
for (const [name, f] of [['diffRows', () => diffRows(plan, plan.sites[5], d, 3)], ['summary', () => summaryLines(summaryOf([plan], d, null, []), 110)], ['list', () => listRows([plan], d, plan.sites[5].id)]]) {
  f(); const t = performance.now(); for (let i = 0; i < 20; i++) f(); console.log(name, ((performance.now() - t) / 20).toFixed(2), 'ms');
}
