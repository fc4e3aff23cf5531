import { mkdtempSync, mkdirSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createGuard } from '../../../src/core/policy/createGuard';
import type { Guard, GuardEnvironment, ShellParser } from '../../../src/core/policy/guard';
import { createPathProbe } from '../../../src/node/pathProbe';
import { loadShellParser, wasmDirFromNodeModules } from '../../../src/node/shellParser';

/** Real parts for policy tests: the bash grammar, the fs probe, a temp workspace with real files and links. */
let parser: Promise<ShellParser> | null = null;
export function shellParser(): Promise<ShellParser> {
  parser ??= loadShellParser(wasmDirFromNodeModules());
  return parser;
}

export interface Workspace {
  readonly root: string;
  readonly home: string;
  readonly outside: string;
  file(rel: string, content?: string): string;
  link(rel: string, target: string): string;
  dispose(): void;
}

export function makeWorkspace(): Workspace {
  const base = realpathSync(mkdtempSync(join(tmpdir(), 'warden-policy-')));
  const root = join(base, 'ws');
  const home = join(base, 'home');
  const outside = join(base, 'outside');
  for (const d of [root, home, outside]) mkdirSync(d, { recursive: true });
  return {
    root,
    home,
    outside,
    file(rel, content = 'x') {
      const p = rel.startsWith('/') ? rel : join(root, rel);
      mkdirSync(dirname(p), { recursive: true });
      writeFileSync(p, content);
      return p;
    },
    link(rel, target) {
      const p = rel.startsWith('/') ? rel : join(root, rel);
      mkdirSync(dirname(p), { recursive: true });
      symlinkSync(target, p);
      return p;
    },
    dispose() {
      rmSync(base, { recursive: true, force: true });
    },
  };
}

export interface GuardOptions {
  user?: Record<string, unknown>;
  workspace?: Record<string, unknown>;
  sandbox?: boolean;
  trusted?: boolean;
}

export function envFor(ws: Workspace, shell: ShellParser, opts: GuardOptions = {}): GuardEnvironment {
  return {
    roots: [ws.root],
    home: ws.home,
    probe: createPathProbe(),
    shell,
    sandboxAvailable: () => opts.sandbox ?? true,
    trusted: () => opts.trusted ?? true,
  };
}

export function guardFor(ws: Workspace, shell: ShellParser, opts: GuardOptions = {}): Guard {
  return createGuard({ user: opts.user ?? {}, workspace: opts.workspace ?? {} }, envFor(ws, shell, opts));
}
