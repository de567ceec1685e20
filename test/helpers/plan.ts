/** Planning fixture texts in memory, the way the scanner does. */
import { acceptProposed, planFile, renderFile } from '../../src/core/plan.js';
import { DEFAULT_SCAN_OPTIONS } from '../../src/core/scan.js';
import type { FilePlan, ScanOptions } from '../../src/core/types.js';

export async function planText(text: string | Buffer, options: Partial<ScanOptions> = {}, path = 'fixture.py'): Promise<FilePlan> {
  const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  return planFile(path, `/virtual/${path}`, bytes, { ...DEFAULT_SCAN_OPTIONS, ...options });
}

/** The file's text with every proposed change accepted. */
export function acceptAll(plan: FilePlan): string {
  return renderFile(plan, acceptProposed([plan]));
}
