import { splitArgs } from './valueFlags';
import { describeServer } from '../core/mcp/config';
import { narrow } from '../core/policy/narrowing';
import { parseFlatSettings } from '../core/policy/settings';
import { defaultPinsFile } from '../node/mcp/forTask';
import { filePinStore } from '../node/mcp/pins';
import { pinKey, serverEntries } from '../node/mcp/servers';
import { readSettingsFile } from '../node/settingsFiles';
import type { CliIo } from './run';
import { lineSource } from './terminalApprover';
import { loadWorkspaceFolders, takeWorkspaceFlags } from './workspaceFlags';

const USAGE = `usage: warden mcp list --workspace DIR [--settings user.json] [--mcp-pins FILE]
       warden mcp approve NAME --workspace DIR [--settings user.json] [--mcp-pins FILE]
approve shows a server the workspace proposes and, when you answer yes, records that exact
definition (its hash) as approved in the pin file; any later change needs a new approval.
`;

/** `warden mcp`: list the servers of the settings and the workspace, or approve a proposed one. */
export async function runMcpCommand(argv: readonly string[], io: CliIo): Promise<number> {
  const [sub, ...rest] = argv;
  const taken = takeWorkspaceFlags(rest);
  if (typeof taken === 'string' || (sub !== 'list' && sub !== 'approve')) {
    io.stderr.write(`warden mcp: ${typeof taken === 'string' ? taken : `unknown subcommand '${sub ?? ''}'`}\n${USAGE}`);
    return 2;
  }
  const split = splitArgs(taken.rest);
  const unknown = typeof split === 'string' ? split : Object.keys(split.raw).find((k) => k !== 'settings' && k !== 'mcp-pins');
  if (typeof split === 'string' || unknown !== undefined) {
    io.stderr.write(`warden mcp: ${typeof split === 'string' ? split : `unknown flag --${unknown}`}\n${USAGE}`);
    return 2;
  }
  const flags = split.raw as Record<string, string>;
  const positional = split.positional;
  const ws = loadWorkspaceFolders(taken.folders, flags.settings);
  if (typeof ws === 'string') return (io.stderr.write(`warden mcp: ${ws}\n`), 1);
  const user = flags.settings === undefined ? { ok: true as const, value: {} } : readSettingsFile(flags.settings);
  if (!user.ok) return (io.stderr.write(`warden mcp: ${user.message}\n`), 1);
  const parsed = parseFlatSettings(user.value, 'user settings');
  if (parsed.problems.length) return (io.stderr.write(`warden mcp: ${parsed.problems.map((p) => p.message).join('; ')}\n`), 1);
  const settings = narrow(parsed.values, {}).effective;
  const pins = filePinStore(flags['mcp-pins'] ?? defaultPinsFile(process.env), (m) => io.stderr.write(`warden mcp: ${m}\n`));
  const { entries, problems } = serverEntries(settings, ws.roots, true);
  for (const p of problems) io.stderr.write(`warden mcp: ${p}\n`);
  if (sub === 'list') {
    for (const e of entries) {
      const pin = pins.get(pinKey(e));
      const state =
        e.origin === 'user'
          ? 'starts with each task'
          : pin?.approved === e.hash
            ? 'approved'
            : pin?.approved
              ? 'changed since approved: not started'
              : 'proposed: not started';
      io.stdout.write(
        `${describeServer(e).join('\n')}\n  state: ${state}${pin?.tools ? `; tools pinned ${pin.tools.slice(0, 12)}` : ''}\n`,
      );
    }
    return 0;
  }
  const name = positional[0];
  const entry = entries.find((e) => e.name === name && e.origin !== 'user');
  if (!entry) return (io.stderr.write(`warden mcp: the workspace proposes no server named ${JSON.stringify(name ?? '')}\n`), 1);
  io.stdout.write(`${describeServer(entry).join('\n')}\nApprove exactly this definition? [y/N] `);
  const lines = lineSource(io.stdin);
  const answer = ((await lines.next()) ?? '').trim().toLowerCase();
  lines.close();
  if (answer !== 'y' && answer !== 'yes') return (io.stdout.write('\nnot approved\n'), 1);
  const key = pinKey(entry);
  const before = pins.get(key);
  // A new approval pins the tool list anew at the next start.
  pins.set(key, { definition: entry.hash, tools: before?.definition === entry.hash ? before.tools : null, approved: entry.hash });
  io.stdout.write(`\napproved ${entry.name} (${entry.hash})\n`);
  return 0;
}
