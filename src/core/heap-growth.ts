/**
 * How far V8 lets the heap grow on a large project. After each full collection V8 lets the old
 * space grow to between 1.1 and 4 times what survived before it collects again; on a large project
 * that room, not what the scan keeps, takes the peak over 300 MB (a 16x tree of 112,000 files:
 * 88 MB alive at the scan's end, 120-145 MB of old space at the peak). Once the heap holds more
 * than TIGHT_FROM_BYTES, V8 is asked to grow it by a quarter at a time: more full collections, of a
 * heap that size. Measured on that tree: peak 261-271 MB against 274-288 without, in the same time.
 * Set from the start, it made the 1x bench tree 6% slower; that scan never gets near the threshold.
 *
 * A project of LARGE_FILES files or more has it from the start: the limit V8 sets at a full
 * collection stands until the next one, so a flag set after a collection of a small heap came too
 * late. Once the read-ahead worker lexed the candidates, the planning thread made so little
 * external memory (which had brought full collections often) that on the 16x tree the one at 5 s
 * of scanning (38 MB left) was the last until 13 s, when the heap had grown to 184 MB: peak 313 MB,
 * 271 with the flag from the start. (Measured with the read-ahead on 2 cores; on 4 or more, where
 * worker threads plan, it is set the same way, unmeasured.)
 */
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

const TIGHT_FROM_BYTES = 72 << 20;
const LARGE_FILES = 50_000;

let tightened = false;

/** Called between slices of the scan (`files`: how many it reads): cheap until the heap is large, then once. */
export function tightenHeapGrowthWhenLarge(files: number): void {
  if (tightened || (files < LARGE_FILES && getHeapStatistics().used_heap_size < TIGHT_FROM_BYTES)) return;
  tightened = true;
  // (read by V8 each time it sets the next limit, so it takes effect from the next full collection)
  setFlagsFromString('--heap-growing-percent=25');
}
