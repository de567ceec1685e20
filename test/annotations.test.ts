/** `--output-format github`: the workflow command lines, exactly, and read back as the Actions runner reads them. */
import { describe, expect, it } from 'vitest';
import { githubText } from '../src/cli/annotations.js';
import type { FilePlan, ScanResult } from '../src/core/types.js';
import { planText } from './helpers/plan.js';

const result = (files: FilePlan[], skipped: ScanResult['skipped'] = []): ScanResult => ({
  root: '/p',
  files,
  skipped,
  stats: { filesScanned: files.length, candidates: files.length, sites: 0, proposed: 0, ms: 1 },
});

/**
 * A workflow command as the runner parses it (actions/runner ActionCommand: `::name k=v,k=v::message`,
 * properties split at `,` and at their first `=`, then unescaped).
 */
function parseCommand(line: string): { name: string; properties: Record<string, string>; message: string } {
  const m = /^::(\w+) ([^:]*)::(.*)$/.exec(line);
  if (!m) throw new Error(`not a workflow command with properties: ${line}`);
  const data = (s: string) => s.replace(/%0D/g, '\r').replace(/%0A/g, '\n').replace(/%25/g, '%');
  const property = (s: string) => data(s.replace(/%3A/g, ':').replace(/%2C/g, ','));
  const properties: Record<string, string> = {};
  for (const pair of (m[2] as string).split(',')) {
    const eq = pair.indexOf('=');
    properties[pair.slice(0, eq)] = property(pair.slice(eq + 1));
  }
  return { name: m[1] as string, properties, message: data(m[3] as string) };
}

describe('--output-format github', () => {
  it('one ::warning line per proposed site, with its range, kind and evidence; nothing for sites not proposed', async () => {
    const plan = await planText('import torch.nn as nn\nmodel = nn.Linear(2, 2)\nmodel.load_state_dict(sd)\noptimizer.load_state_dict(opt)\n', {}, 'pkg/train.py');
    const [site, other] = plan.sites;
    expect(site?.proposed).toBe(true);
    expect(other?.proposed).toBe(false);
    expect(githubText(result([plan]), 'src/')).toBe(
      `::warning file=src/pkg/train.py,line=3,col=1,endLine=3,endColumn=26,title=switcheroo-migrate (module)::` +
        `\`model.load_state_dict(sd)\` -> \`variables = KeyMapper.from_torch(sd)\`%0A${site?.evidence.note}\n`,
    );
  });

  it('a skipped file and a file with a syntax error get a line each; the site keeps its warnings as lines of the message', async () => {
    const broken = await planText('model = Net()\nmodel.load_state_dict(sd, strict=False)\n\ndef f(:\n    pass\n', {}, 'broken.py');
    expect(broken.parseError).toBeTruthy();
    const lines = githubText(result([broken], [{ path: 'data.py', reason: 'binary (a NUL byte)' }]), '').split('\n');
    expect(lines).toEqual([
      `::warning file=broken.py,title=switcheroo-migrate (syntax error)::${broken.parseError}; sites inside the broken code are not checked`,
      expect.stringMatching(/^::warning file=broken\.py,line=2,col=1,endLine=2,endColumn=40,title=switcheroo-migrate \(module\)::`model\.load_state_dict\(sd, strict=False\)` -> `variables = KeyMapper\.from_torch\(sd\)`%0A.+%0Awarning: `strict=False` dropped: /),
      '::warning file=data.py,title=switcheroo-migrate (skipped)::binary (a NUL byte)',
      '',
    ]);
  });

  it('escapes what would end or split the command: % CR LF in the message, and : , too in properties', async () => {
    const plan = await planText('model = Net()\nmodel.load_state_dict(\n    torch.load("100%,done:1.pt"),\n)\n', {}, 'a,b:c%d/x.py');
    const text = githubText(result([plan], [{ path: 'odd\r\nname.py', reason: 'not UTF-8: 50%\nbad' }]), 'top:level,/');
    const lines = text.split('\n');
    expect(lines).toHaveLength(3); // two commands and the final newline: no raw CR or LF inside one
    expect(lines[0]).toMatch(/^::warning file=top%3Alevel%2C\/a%2Cb%3Ac%25d\/x\.py,line=2,col=1,endLine=4,endColumn=2,title=switcheroo-migrate \(module\)::/);
    const site = parseCommand(lines[0] as string);
    expect(site.properties).toEqual({ file: 'top:level,/a,b:c%d/x.py', line: '2', col: '1', endLine: '4', endColumn: '2', title: 'switcheroo-migrate (module)' });
    expect(site.message.split('\n')[0]).toBe('`model.load_state_dict(` ... -> `variables = KeyMapper.from_torch(` ...');
    const skipped = parseCommand(lines[1] as string);
    // project text's CR and LF are shown as escapes (the annotation stays one line); only the message's own line breaks are %0A
    expect(lines[1]).toBe('::warning file=top%3Alevel%2C/odd\\r\\nname.py,title=switcheroo-migrate (skipped)::not UTF-8: 50%25\\nbad');
    expect(skipped.properties.file).toBe('top:level,/odd\\r\\nname.py');
    expect(skipped.message).toBe('not UTF-8: 50%\\nbad');
    expect(lines[0]).toMatch(/::`model\.load_state_dict\(` \.\.\. -> `variables = KeyMapper\.from_torch\(` \.\.\.%0A/);
  });

  it("project text's control characters reach the annotation as escapes (a reviewer reads it), never raw", async () => {
    const plan = await planText('model = Net()\nmodel.load_state_dict(sd["\u202e\u001b[2J"])\n', {}, 'x\u001b]0;title\u0007.py');
    const line = githubText(result([plan]), '');
    expect(line).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f\u202e]/);
    const { properties, message } = parseCommand(line.trimEnd());
    expect(properties.file).toBe('x\\x1b]0;title\\x07.py');
    expect(message.split('\n')[0]).toBe('`model.load_state_dict(sd["\\u202e\\x1b[2J"])` -> `variables = KeyMapper.from_torch(sd["\\u202e\\x1b[2J"])`');
  });

  it('prints nothing when nothing is proposed or skipped', async () => {
    const plan = await planText('optimizer.load_state_dict(sd)\n', {}, 'opt.py');
    expect(githubText(result([plan]), '')).toBe('');
  });
});
