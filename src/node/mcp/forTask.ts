import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Guard } from '../../core/policy/guard';
import type { Settings } from '../../core/policy/settings';
import { filePinStore } from './pins';
import { startMcpServers, type McpSession } from './servers';

/** Secret names the MCP servers of these settings receive (their values are redacted like every secret). */
export function mcpSecretNames(settings: Settings): string[] {
  return Object.values(settings['warden.mcp.servers']).flatMap((d) => d.secrets);
}

/** Where pins live unless `--mcp-pins` says: the user's config folder, never the workspace. */
export function defaultPinsFile(env: Readonly<Record<string, string | undefined>>): string {
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'warden', 'mcp-pins.json');
}

/**
 * The MCP servers of one `warden run`: user servers start (stdio in the
 * sandbox); workspace proposals are listed and start only when the pin file
 * records an approval of that exact definition (given in the editor).
 */
export async function openMcpForRun(o: {
  settings: Settings;
  roots: readonly string[];
  guard: Guard;
  env: Readonly<Record<string, string | undefined>>;
  pinsFile: string | undefined;
  audit: (note: string) => Promise<void>;
  log: (line: string) => void;
}): Promise<McpSession> {
  const pinsFile = o.pinsFile ?? defaultPinsFile(o.env);
  const scratch = mkdtempSync(join(tmpdir(), 'warden-mcp-'));
  const session = await startMcpServers({
    settings: o.settings,
    roots: o.roots,
    guard: o.guard,
    trusted: true,
    secretValue: (n) => o.env[n] || undefined,
    pins: filePinStore(pinsFile, o.log),
    scratchDir: scratch,
    privateDirs: [dirname(pinsFile)],
    audit: o.audit,
  });
  for (const s of session.status()) o.log(`mcp server ${s.name} (${s.origin}): ${s.state}: ${s.detail}`);
  return {
    tools: session.tools,
    status: () => session.status(),
    async close() {
      await session.close();
      rmSync(scratch, { recursive: true, force: true });
    },
  };
}
