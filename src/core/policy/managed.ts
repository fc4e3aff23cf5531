import type { SettingsProblem } from './guard';
import { isManagedOnly } from './narrowing';
import { parseFlatSettings, type Settings } from './settings';

/**
 * The managed policy: settings an administrator puts in a root-owned file
 * (`/etc/warden/managed-settings.json` and `managed-settings.d/*.json` on
 * Linux; src/node/managedPolicy.ts finds and checks them). The same `warden.*`
 * keys as user settings, validated by the same schema, plus `warden.managed.*`
 * keys that only this level may set. User, workspace and folder settings can
 * only narrow what it sets (src/core/policy/narrowing.ts).
 */

/** What the loader hands over: the files it used, their merged values, and files it refused with why. */
export interface ManagedPolicyInput {
  /** Files read, in the order they were merged (later keys replace earlier ones). Empty: no managed policy. */
  readonly sources: readonly string[];
  /** The merged flat `{ "warden.x.y": value }` object. */
  readonly values: Readonly<Record<string, unknown>>;
  /** Files found but not used (wrong owner, writable by others, not a regular file), each with why. */
  readonly refused: readonly string[];
  /** Trusted files that hold no valid JSON object: the guard denies everything until they are fixed. */
  readonly unreadable?: readonly string[];
}

export const NO_MANAGED_POLICY: ManagedPolicyInput = { sources: [], values: {}, refused: [] };

export interface ParsedManagedPolicy {
  readonly values: Partial<Settings>;
  readonly problems: readonly SettingsProblem[];
}

/** Validates the merged managed values with the settings schema; a bad value is a problem (the guard then denies everything). */
export function parseManagedPolicy(input: ManagedPolicyInput | undefined): ParsedManagedPolicy {
  if (!input || input.sources.length === 0) return { values: {}, problems: [] };
  const r = parseFlatSettings(input.values, `managed policy (${input.sources.join(', ')})`);
  const unreadable = (input.unreadable ?? []).map((message) => ({ key: 'managed policy', message }));
  return { values: r.values, problems: [...unreadable, ...r.problems] };
}

/** What a person and an auditor are told about the managed policy in force. */
export interface ManagedPolicyReport {
  readonly inForce: boolean;
  readonly sources: readonly string[];
  readonly organizationId: string;
  /** One line per thing the policy forbids, in plain words. */
  readonly forbids: readonly string[];
  /** The ordinary `warden.*` keys it sets, which user and workspace settings can only narrow. */
  readonly sets: readonly string[];
  /** Managed files found but ignored, with why. */
  readonly refused: readonly string[];
}

/**
 * Describes the managed policy: whether one is in force, from which files,
 * what it forbids and which settings it fixes. `effective` are the settings
 * after every level was merged (for the lists it names).
 */
export function describeManagedPolicy(input: ManagedPolicyInput | undefined, effective: Settings): ManagedPolicyReport {
  const m = input ?? NO_MANAGED_POLICY;
  const values = parseManagedPolicy(m).values;
  const keys = Object.keys(values);
  const forbids: string[] = [];
  if (effective['warden.managed.forbidUnsandboxedRunner']) forbids.push('running commands without a sandbox, even with approval');
  if (effective['warden.managed.forbidWorkspaceMcpServers']) forbids.push('MCP servers proposed by a workspace');
  if (effective['warden.managed.forbidAutoReads']) forbids.push("'warden.approval.reads: auto' (every read asks)");
  const endpoints = effective['warden.managed.allowedModelEndpoints'];
  if (endpoints.length > 0) forbids.push(`model endpoints other than ${endpoints.join(', ')}`);
  if (effective['warden.managed.requireAuditExport']) forbids.push('turning the audit export off');
  const sets = keys.filter((k) => !isManagedOnly(k));
  if (sets.length > 0) forbids.push(`widening ${sets.join(', ')} in user, workspace or folder settings`);
  return {
    inForce: m.sources.length > 0,
    sources: m.sources,
    organizationId: effective['warden.managed.organizationId'],
    forbids,
    sets,
    refused: m.refused,
  };
}

/** The report as lines of text, for the CLI, the status bar tooltip and `warden policy report`. */
export function managedPolicyLines(r: ManagedPolicyReport): string[] {
  const lines: string[] = [];
  if (!r.inForce) lines.push('No managed policy is in force.');
  else {
    lines.push(`Managed policy in force from ${r.sources.join(', ')}${r.organizationId ? ` (organisation ${r.organizationId})` : ''}.`);
    for (const f of r.forbids) lines.push(`It forbids ${f}.`);
  }
  for (const x of r.refused) lines.push(`Ignored: ${x}`);
  return lines;
}
