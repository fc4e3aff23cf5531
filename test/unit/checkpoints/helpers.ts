import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitCheckpointStore } from '../../../src/node/checkpoints/gitStore';

/** Every entry under `root` (but `.git`) with its kind, mode and exact bytes: two equal listings mean byte-identical trees. */
export function treeListing(root: string, skip: (rel: string) => boolean = () => false): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      if (name === '.git' || skip(r)) continue;
      const abs = join(dir, name);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out[r] = `link ${readlinkSync(abs)}`;
      else if (st.isDirectory()) {
        out[`${r}/`] = 'dir';
        walk(abs, r);
      } else out[r] = `file ${(st.mode & 0o111) !== 0 ? 'x' : '-'} ${readFileSync(abs).toString('base64')}`;
    }
  };
  walk(root, '');
  return out;
}

export function stateDir(): string {
  return realpathSync(mkdtempSync(join(tmpdir(), 'warden-state-')));
}

export function openStore(
  root: string,
  opts: { exclude?: string[]; includeIgnored?: boolean; deny?: (rel: string) => boolean; dir?: string } = {},
): Promise<GitCheckpointStore> {
  return GitCheckpointStore.open({
    root,
    dir: opts.dir ?? join(stateDir(), 'store'),
    exclude: opts.exclude ?? ['node_modules/'],
    includeIgnored: opts.includeIgnored ?? false,
    mayStore: (rel) => !(opts.deny ?? (() => false))(rel),
  });
}

export const meta = (taskId: string, step: number, phase: 'before' | 'after' | 'restore' = 'before') => ({
  taskId,
  step,
  callId: `toolu_${step}`,
  tool: 'write_file',
  phase,
  at: new Date().toISOString(),
  summary: `step ${step}`,
});
