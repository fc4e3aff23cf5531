import { realpathSync } from 'node:fs';
import * as z from 'zod';
import { folderPolicy, policyReport, reportMarkdown, reportText } from '../core/policy/report';
import { detectSandbox } from '../node/sandboxProbe';
import { readSettingsFile } from '../node/settingsFiles';
import { loadManagedPolicy } from '../node/managedPolicy';
import type { CliIo } from './run';
import { parseValueFlags } from './valueFlags';

const USAGE =
  'usage: warden policy report --workspace DIR [--settings user.json] [--workspace-settings ws.json] [--sandbox available|unavailable] [--format text|md|json]\n';

const flagsSchema = z.strictObject({
  workspace: z.string().min(1),
  settings: z.string().min(1).optional(),
  'workspace-settings': z.string().min(1).optional(),
  sandbox: z.enum(['available', 'unavailable']).optional(),
  format: z.enum(['text', 'md', 'json']).default('text'),
});

/** `warden policy report`: what the agent may do in a folder under these settings. */
export function runPolicy(argv: readonly string[], io: CliIo): number {
  if (argv[0] !== 'report') {
    io.stderr.write(`warden policy: expected 'report'\n${USAGE}`);
    return 2;
  }
  const flags = parseValueFlags(argv.slice(1), flagsSchema);
  if (typeof flags === 'string') {
    io.stderr.write(`warden policy report: ${flags}\n${USAGE}`);
    return 2;
  }
  let folder: string;
  try {
    folder = realpathSync(flags.workspace);
  } catch {
    io.stderr.write(`warden policy report: the workspace ${flags.workspace} does not exist\n`);
    return 2;
  }
  const levels: Record<'user' | 'workspace', unknown> = { user: {}, workspace: {} };
  for (const [level, file] of [
    ['user', flags.settings],
    ['workspace', flags['workspace-settings']],
  ] as const) {
    if (file === undefined) continue;
    const r = readSettingsFile(file);
    if (!r.ok) {
      io.stderr.write(`warden policy report: ${r.message}\n`);
      return 2;
    }
    levels[level] = r.value;
  }
  const available = flags.sandbox === undefined ? detectSandbox() : flags.sandbox === 'available';
  const report = policyReport(
    folderPolicy(
      folder,
      levels.user,
      levels.workspace,
      { available, state: available ? 'sandboxed' : 'none' },
      undefined,
      loadManagedPolicy(),
    ),
  );
  io.stdout.write(
    flags.format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : flags.format === 'md' ? reportMarkdown(report) : reportText(report),
  );
  return report.valid ? 0 : 1;
}
