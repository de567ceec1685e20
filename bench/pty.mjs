// Drives the built bin's review screen in a pseudo-terminal (util-linux `script`) and times what a person sees.
import { spawn } from 'node:child_process';
import { stripVTControlCharacters } from 'node:util';

/**
 * Starts `node cli.js tree` on a 120x40 pty. Resolves with ms from spawn to: the spinner, the first
 * site row, the review screen (Ink loaded, keys work), the end of the scan, and the redraw after
 * pressing `j` (then quits with `q`).
 */
export function timeReview(cli, tree) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('script', ['-qfec', `stty cols 120 rows 40; exec node ${cli} ${tree}`, '/dev/null'], {
      stdio: ['pipe', 'pipe', 'inherit'],
      env: { ...process.env, TERM: 'xterm-256color', EDITOR: '', VISUAL: '' },
    });
    const t = {};
    let screen = '';
    let pressedAt = 0;
    let bytesAtPress = 0;
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`review did not finish; saw: ${screen.slice(-500)}`)); }, 60_000);
    child.stdout.on('data', (chunk) => {
      const now = performance.now() - started;
      screen += stripVTControlCharacters(chunk.toString('utf8'));
      if (t.spinner === undefined && /scanning/.test(screen)) t.spinner = now;
      // The placeholder names the first site found before Ink has loaded; then the list shows it.
      if (t.firstSite === undefined && /first: \S+:\d+|[·–] (pending|not proposed)/.test(screen)) t.firstSite = now;
      if (t.review === undefined && /change \d+\/\d+/.test(screen)) t.review = now;
      if (t.scanned === undefined && /scanned \d+ files/.test(screen)) {
        t.scanned = now;
        setTimeout(() => { pressedAt = performance.now() - started; bytesAtPress = screen.length; child.stdin.write('j'); }, 300);
      }
      if (pressedAt && t.keypress === undefined && screen.length > bytesAtPress) {
        t.keypress = now - pressedAt;
        setTimeout(() => child.stdin.write('q'), 50);
      }
    });
    child.on('exit', () => { clearTimeout(timer); resolve(t); });
    child.on('error', reject);
  });
}

/** The floor under any start-up number above: ms until `node` prints one character through the same pty. */
export function timeNodeFloor() {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('script', ['-qfec', `stty cols 120 rows 40; exec node -e "process.stdout.write('x')"`, '/dev/null'], { stdio: ['pipe', 'pipe', 'inherit'] });
    let at = null;
    child.stdout.on('data', (chunk) => { if (at === null && chunk.includes('x')) at = performance.now() - started; });
    child.on('exit', () => resolve(at));
    child.on('error', reject);
  });
}
