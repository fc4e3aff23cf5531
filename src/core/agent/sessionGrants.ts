import type { GuardResult } from '../policy/guard';
import type { GrantShape, ValidCall } from '../tools/tool';

/** One "approve for this session" answer: later calls of the exact same shape run without asking. */
export interface SessionGrant {
  readonly key: string;
  readonly tool: string;
  readonly description: string;
}

/**
 * The shape a session grant covers is each tool entry's to say
 * (`ToolEntry.grant`): writes to protected paths, deletes, commands
 * receiving secrets, destructive commands and edited calls always ask again.
 */
export function grantShape(call: ValidCall, decided: GuardResult): GrantShape {
  return call.entry.grant(call.input, decided);
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
