import type { GuardResult } from '../policy/guard';
import type { ValidCall } from '../tools/schemas';

/** One "approve for this session" answer: later calls of the exact same shape run without asking. */
export interface SessionGrant {
  readonly key: string;
  readonly tool: string;
  readonly description: string;
}

/**
 * The shape a session grant covers, or why none may be given. Writes to
 * protected paths, deletes, commands receiving secrets, destructive commands
 * and edited calls always ask again.
 */
export function grantShape(call: ValidCall, decided: GuardResult): { key: string; description: string } | { refused: string } {
  const d = decided.details;
  switch (call.tool) {
    case 'delete_file':
      return { refused: 'Deletes always ask.' };
    case 'write_file':
    case 'edit_file':
      if (d.kind !== 'path') return { refused: 'No resolved path.' };
      if (d.target.protected || decided.reason === 'protected-path') return { refused: 'Writes to protected paths always ask.' };
      return { key: `write\u0000${d.target.absolute}`, description: `writes to ${d.target.relative} (write_file and edit_file)` };
    case 'read_file':
    case 'list_files':
    case 'search_text':
      if (d.kind !== 'path') return { refused: 'No resolved path.' };
      return { key: `${call.tool}\u0000${d.target.absolute}`, description: `${call.tool} of ${d.target.relative || '.'}` };
    case 'run_command': {
      if (d.kind !== 'command') return { refused: 'No parsed command.' };
      if ((call.input.secrets ?? []).length > 0 || d.secrets.length > 0) return { refused: 'Commands receiving secrets always ask.' };
      if (decided.reason === 'destructive-operation' || d.commands.some((c) => c.destructive !== null)) {
        return { refused: 'Commands that delete, rewrite history or publish always ask.' };
      }
      const cwd = d.cwd?.absolute ?? '';
      return { key: `run_command\u0000${call.input.command}\u0000${cwd}`, description: `exactly the command ${JSON.stringify(call.input.command)}${d.cwd ? ` in ${d.cwd.relative || '.'}` : ''}` };
    }
    case 'fetch_url':
      if (d.kind !== 'url') return { refused: 'No checked URL.' };
      return { key: `fetch_url\u0000${d.url}`, description: `fetching exactly ${d.url}` };
  }
}

/** Grants for one agent session; listed and revoked from the UI. */
export class SessionGrants {
  readonly #grants = new Map<string, SessionGrant>();

  has(key: string): boolean {
    return this.#grants.has(key);
  }

  add(grant: SessionGrant): void {
    this.#grants.set(grant.key, grant);
  }

  list(): SessionGrant[] {
    return [...this.#grants.values()];
  }

  revoke(key: string): boolean {
    return this.#grants.delete(key);
  }

  clear(): void {
    this.#grants.clear();
  }
}
