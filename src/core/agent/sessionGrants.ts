import type { GuardResult } from '../policy/guard';
import type { GrantScope, GrantScopeKind, GrantShape, ValidCall } from '../tools/tool';

/** One "approve for this session" answer: later calls it covers run without asking. */
export interface SessionGrant {
  readonly key: string;
  readonly tool: string;
  readonly scope: GrantScopeKind;
  /** What it covers, in words (`writes under src/lib/** (folder)`). */
  readonly description: string;
}

/**
 * The grants a call may be given and the grants that would cover it are each
 * tool entry's to say (`ToolEntry.grant`): writes to protected paths,
 * deletes, commands receiving secrets, destructive commands and edited calls
 * always ask again.
 */
export function grantShape(call: ValidCall, decided: GuardResult): GrantShape {
  return call.entry.grant(call.input, decided);
}

/**
 * The scope a person picked among those offered: none named means the
 * narrowest offered; one that was not offered gives no grant (null).
 */
export function pickScope(shape: GrantShape, wanted: GrantScopeKind | undefined): GrantScope | null {
  if (!('scopes' in shape)) return null;
  if (wanted === undefined) return shape.scopes[0];
  return shape.scopes.find((s) => s.scope === wanted) ?? null;
}

/**
 * Grants for one agent session; listed and revoked from the UI. A grant only
 * ever answers a question the guard asked: the pipeline consults it for
 * calls decided `ask`, never for a denial, after the call's paths were
 * resolved — so a folder grant reaches exactly the files whose resolved path
 * lies under that folder of the same workspace folder.
 */
export class SessionGrants {
  readonly #grants = new Map<string, SessionGrant>();

  has(key: string): boolean {
    return this.#grants.has(key);
  }

  add(grant: SessionGrant): void {
    this.#grants.set(grant.key, grant);
  }

  /** The grant that lets a call of this shape run unasked (the narrowest held), or null. */
  covering(shape: GrantShape): SessionGrant | null {
    if (!('covers' in shape)) return null;
    for (const key of shape.covers) {
      const g = this.#grants.get(key);
      if (g) return g;
    }
    return null;
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
