import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';

/**
 * The CLI's state folder: `$XDG_STATE_HOME/warden`, by default
 * `~/.local/state/warden` (the XDG Base Directory spec: a relative value is
 * ignored). Checkpoint stores live under it, one per workspace folder.
 */
export function cliStateDir(env: Readonly<Record<string, string | undefined>>): string {
  const xdg = env.XDG_STATE_HOME;
  return join(xdg && isAbsolute(xdg) ? xdg : join(env.HOME && isAbsolute(env.HOME) ? env.HOME : homedir(), '.local', 'state'), 'warden');
}
