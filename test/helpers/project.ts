/** Temporary Python projects, the built bin, and a python3 parse check, for the e2e and apply tests. */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { asksForJson, assertPlan } from './plan-schema.js';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const CLI = join(REPO, 'dist', 'cli.js');

/** Fails with a clear message when the bin has not been built. */
export function assertBuilt(): void {
  for (const f of [CLI, join(REPO, 'dist', 'tree-sitter-python.wasm'), join(REPO, 'dist', 'python', 'keymapper_flax.py')]) {
    if (!existsSync(f)) throw new Error(`${relative(REPO, f)} is missing: run \`npm run build\` first (\`npm test\` does)`);
  }
}

const made: string[] = [];

/** A fresh directory under the OS temp dir (its real path), removed by `cleanup()`. */
export async function tempDir(prefix = 'switcheroo-test-'): Promise<string> {
  const dir = await realpath(await mkdtemp(join(tmpdir(), prefix)));
  made.push(dir);
  return dir;
}

export async function cleanup(): Promise<void> {
  cacheHome = null;
  await Promise.all(made.splice(0).map((d) => rm(d, { recursive: true, force: true })));
}

export type Tree = Record<string, string | Buffer>;

export async function writeTree(root: string, files: Tree): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const abs = join(root, rel);
    await mkdir(dirname(abs), { recursive: true });
    await writeFile(abs, content);
  }
}

/** Every regular file under `root` (relative `/` paths, sorted) with its bytes; `.git` is left out. */
export async function readTree(root: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const visit = async (dir: string): Promise<void> => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const abs = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.git') await visit(abs);
      } else if (e.isFile()) {
        out.set(relative(root, abs).split(sep).join('/'), await readFile(abs));
      }
    }
  };
  await visit(root);
  return new Map([...out].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** A project in a fresh temp dir. */
export async function project(files: Tree, prefix?: string): Promise<string> {
  const dir = await tempDir(prefix);
  await writeTree(dir, files);
  return dir;
}

let cacheHome: string | null = null;

/**
 * Runs the built bin without a terminal and without colour settings from the environment; `--yes`
 * journals into a temp cache dir (XDG_CACHE_HOME), not the user's. A JSON plan it prints is checked
 * against the printed `--json-schema` (a mismatch throws).
 */
export async function runCli(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}) {
  cacheHome ??= await tempDir('switcheroo-test-cache-');
  const env: Record<string, string> = { XDG_CACHE_HOME: cacheHome };
  for (const [k, v] of Object.entries(process.env)) {
    if (v !== undefined && k !== 'FORCE_COLOR' && k !== 'NO_COLOR' && k !== 'XDG_CACHE_HOME' && !k.startsWith('GIT_')) env[k] = v;
  }
  const result = await execa('node', [CLI, ...args], {
    cwd: options.cwd ?? REPO,
    env: { ...env, ...options.env },
    extendEnv: false,
    reject: false,
    stdin: 'ignore',
    stripFinalNewline: false,
    timeout: 60_000,
  });
  const run = { code: result.exitCode, stdout: String(result.stdout), stderr: String(result.stderr) };
  if (run.code === 0 && asksForJson(args)) assertPlan(run.stdout, `switcheroo-migrate ${args.join(' ')}`);
  return run;
}

/**
 * Parses a file with python3's `ast`; returns the error text, or '' when it parses. A file with a
 * BOM is read as `utf-8-sig` (as Python reads source files), since plain `utf-8` keeps U+FEFF.
 */
export async function pythonParseError(file: string, options: { bom?: boolean } = {}): Promise<string> {
  const encoding = options.bom ? 'utf-8-sig' : 'utf-8';
  const r = await execa('python3', ['-c', `import ast,sys; ast.parse(open(sys.argv[1],encoding='${encoding}').read())`, file], { reject: false });
  return r.exitCode === 0 ? '' : `${file}: ${String(r.stderr).trim().split('\n').pop()}`;
}

/** Like `pythonParseError` for many files in one python3 process: the errors, one per broken file. */
export async function pythonParseErrors(files: string[]): Promise<string[]> {
  const script = [
    'import ast, sys',
    'for f in sys.argv[1:]:',
    '    try:',
    "        ast.parse(open(f, encoding='utf-8').read())",
    '    except Exception as e:',
    "        print(f'{f}: {type(e).__name__}: {e}')",
  ].join('\n');
  const r = await execa('python3', ['-c', script, ...files], { reject: false });
  if (r.exitCode !== 0) return [String(r.stderr)];
  return String(r.stdout).split('\n').filter(Boolean);
}

export const git = (cwd: string, ...args: string[]) =>
  execa('git', ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'init.defaultBranch=main', '-c', 'commit.gpgsign=false', ...args], { cwd });

/**
 * A realistic small project: a model zoo package with `__init__.py` files, a training script that
 * resumes model, optimizer, scheduler and scaler state, and an evaluation script.
 */
export const ZOO: Tree = {
  'README.md': '# vision-zoo\n\nTrain and evaluate models from the zoo.\n',
  'requirements.txt': 'torch>=2.1\n',
  'zoo/__init__.py': '"""A small model zoo."""\nfrom .models import build_model\n\n__all__ = ["build_model"]\n',
  'zoo/models/__init__.py': `from .resnet import ResNet
from .vit import ViT


def build_model(name, checkpoint=None):
    import torch
    model = {"resnet": ResNet, "vit": ViT}[name]()
    if checkpoint is not None:
        state = torch.load(checkpoint, map_location="cpu")
        model.load_state_dict(state["model"], strict=False)
    return model
`,
  'zoo/models/resnet.py': `import torch
import torch.nn as nn


class ResNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 64, 7)
        self.fc = nn.Linear(64, 10)

    def load_state_dict(self, state_dict, strict=True):
        # drop the old classifier head
        state_dict = {k: v for k, v in state_dict.items() if not k.startswith("head.")}
        return super().load_state_dict(state_dict, strict=strict)
`,
  'zoo/models/vit.py': `import torch.nn as nn


class ViT(nn.Module):
    def __init__(self):
        super().__init__()
        self.blocks = nn.Sequential(nn.Linear(8, 8), nn.GELU())
`,
  'scripts/train.py': `#!/usr/bin/env python3
"""Train a model from the zoo, resuming from a checkpoint."""
from __future__ import annotations

import argparse

import torch

from zoo import build_model


def resume(path, model, optimizer, scheduler, scaler):
    ckpt = torch.load(path, map_location="cpu")
    model.load_state_dict(ckpt["model"])
    optimizer.load_state_dict(ckpt["optimizer"])
    scheduler.load_state_dict(ckpt["scheduler"])
    scaler.load_state_dict(ckpt["scaler"])
    return ckpt["epoch"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--resume")
    args = parser.parse_args()
    model = build_model("resnet")
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-4)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=100)
    scaler = torch.cuda.amp.GradScaler()
    start = resume(args.resume, model, optimizer, scheduler, scaler) if args.resume else 0
    print("starting at epoch", start)


if __name__ == "__main__":
    main()
`,
  'scripts/evaluate.py': `"""Evaluate a checkpoint on the validation set."""
import sys

import torch

from zoo import build_model


def evaluate(checkpoint):
    model = build_model("vit")
    missing, unexpected = model.load_state_dict(
        torch.load(checkpoint),  # the EMA weights
        strict=False,
    )
    if missing:
        print("missing:", missing, file=sys.stderr)
    model.eval()
    return model


if __name__ == "__main__":
    evaluate(sys.argv[1])
`,
};
