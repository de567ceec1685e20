/**
 * A project whose file names and source drive a terminal if printed raw: an OSC window title, a CSI
 * screen clear, SGR reverse video, an OSC 52 clipboard write, a C1 CSI, Trojan Source bidi controls.
 * Made in a temp dir at test time (no such names in the repository).
 */
import type { Tree } from './project.js';

export const TITLE_OSC = '\u001b]0;PWNED\u0007';
export const CLEAR = '\u001b[2J';
export const REVERSE = '\u001b[7m';
export const CLIPBOARD = '\u001b]52;c;cHduZWQ=\u0007';
export const C1_CSI = '\u009b31m';
export const RLO = '\u202e';

/** Path -> content; the names hold ESC and U+202E. */
export const HOSTILE: Tree = {
  'a.py': `import torch\n\n\ndef f(model):\n    model.load_state_dict(torch.load("${TITLE_OSC}w${CLEAR}.pt"))\n`,
  [`b${REVERSE}X.py`]: 'import torch\n\n\ndef g(model, sd):\n    model.load_state_dict(sd)\n',
  [`c${RLO}yp.py`]: `import torch\n\n\ndef h(model, sd):\n\tmodel.load_state_dict(sd)  # ${RLO} } \u2066if admin\u2069\n`,
  'd.py': `import torch\n\n\ndef k(opt, sd):\n    opt["${CLIPBOARD}"].load_state_dict(sd)  # ${C1_CSI} red\n    self.optimizer.load_state_dict(sd)\n`,
  '模型.py': 'import torch\n\n\ndef m(model, sd):\n    model.load_state_dict(sd)\t# 模型\n',
};

/** Every character that must never reach a terminal raw (C0 but tab and LF, DEL, C1, bidi, separators). */
export const RAW_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

/** What the project's sequences look like once shown. */
export const SHOWN = {
  title: 'torch.load("\\x1b]0;PWNED\\x07w\\x1b[2J.pt")',
  reverse: 'b\\x1b[7mX.py',
  rlo: 'c\\u202eyp.py',
  bidiComment: '# \\u202e } \\u2066if admin\\u2069',
  clipboard: 'opt["\\x1b]52;c;cHduZWQ=\\x07"]',
  c1: '# \\x9b31m red',
};
