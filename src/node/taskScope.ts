import { randomUUID } from 'node:crypto';
import { delimiter } from 'node:path';
import type { AgentDeps } from '../core/agent/agentLoop';
import type { Approver } from '../core/agent/approver';
import type { AuditIdentity } from '../core/agent/auditRecord';
import type { AgentEvent, AgentEvents } from '../core/agent/events';
import type { SessionGrants } from '../core/agent/sessionGrants';
import type { AuditSink } from '../core/audit/event';
import { redactingRunner } from '../core/exec/redactingRunner';
import type { CommandRunner, SandboxConfig } from '../core/exec/runner';
import type { Guard } from '../core/policy/guard';
import type { Settings } from '../core/policy/settings';
import { taskPolicy, type PolicySnapshot } from '../core/policy/snapshot';
import { createRedactor } from '../core/secrets/createRedactor';
import type { LiveSecrets } from '../core/secrets/liveSecrets';
import type { Redactor } from '../core/secrets/redactor';
import type { ToolEntry } from '../core/tools/tool';
import { buildAgentDeps, modelSettings } from './agentDeps';
import { createAnthropicClient } from './anthropic/anthropicClient';
import { sandboxConfigFor } from './fs/sandboxPaths';
import type { RunnerSelection } from './sandbox/selectRunner';
import type { RepoSearch } from '../core/tools/ports';

/** What the extension and the CLI each supply to open one task's scope. */
export interface TaskScopeInput {
  /** The task's key (the chat's approvals use it); a fresh one when left out. */
  readonly id?: string;
  /** The current settings snapshot: read once at the start, and again at every tool call (a change applies then). */
  readonly policy: () => PolicySnapshot;
  /** Every secret value this task could meet (the API key included): its redactor's set. */
  readonly secretValues: readonly string[];
  readonly apiKey: string;
  /** The grants of the chat (extension) or run (CLI) the task belongs to; they end with it. */
  readonly grants: SessionGrants;
  /** A surface several tasks share (the window's audit log) redacts with every live task's values. */
  readonly liveSecrets?: LiveSecrets;
  /** Chooses or reconfigures the sandbox for this task's view of the workspace. */
  readonly sandbox: (config: SandboxConfig) => Promise<RunnerSelection>;
  /** ANTHROPIC_BASE_URL, used when `warden.anthropic.baseUrl` is not set. */
  readonly envBaseUrl?: string;
  readonly modelOverride?: string;
  readonly keyHint: 'vscode' | 'cli';
  /** The person, for the audit identity. */
  readonly user: string;
}

/**
 * Per-step work that belongs to the task (checkpoints, MCP servers): a hook
 * sees every agent event of its task, in order, after the view and the CLI
 * printer. Hooks must not throw (an error is swallowed so the task goes on).
 */
export type StepHook = (event: AgentEvent) => void;

/**
 * Everything that belongs to one task and to no other: its effective
 * settings and guard, its redactor, its grants, its sandbox view and its
 * identity. Built the same way by the extension and `warden run`.
 */
export interface TaskScope {
  readonly id: string;
  readonly guard: Guard;
  /** Effective settings for the next tool call (see TaskPolicy). */
  readonly settings: () => Settings;
  readonly redactor: Redactor;
  readonly grants: SessionGrants;
  readonly sandbox: RunnerSelection;
  /** The sandbox's runner, its output redacted with this task's redactor. */
  readonly runner: CommandRunner;
  readonly roots: readonly string[];
  readonly identity: AuditIdentity;
  /** `warden.anthropic.baseUrl` (user settings), else ANTHROPIC_BASE_URL, else Anthropic's API (empty). */
  readonly baseUrl: string;
  /** Registers per-step work; the returned function removes it. */
  onStep(hook: StepHook): () => void;
  /** The agent's dependencies for this task. */
  agentDeps(w: {
    readonly audit: AuditSink;
    readonly approver: Approver;
    readonly events: AgentEvents;
    readonly secretValues: (names: readonly string[]) => Promise<Readonly<Record<string, string>>>;
    /** Tools of the task's running MCP servers, offered after the built-ins. */
    readonly extraTools?: readonly ToolEntry[];
    /** The window's search and listing, kept across its tasks. */
    readonly search?: RepoSearch;
  }): AgentDeps;
  /** Ends the scope: its values leave the shared redaction set. Call after the task's last audit event. */
  close(): void;
}

/** The one order for the API endpoint, in the extension and the CLI alike. */
export function baseUrlOf(userBaseUrl: string, envBaseUrl: string | undefined): string {
  return userBaseUrl || envBaseUrl || '';
}

/** Audit identity's workspace: the folders, joined by the platform's path delimiter. */
export function workspaceIdentity(roots: readonly string[]): string {
  return roots.join(delimiter);
}

export async function createTaskScope(input: TaskScopeInput): Promise<TaskScope> {
  const start = input.policy();
  const policy = taskPolicy(start, input.policy);
  const roots = start.env.roots;
  const values = [...input.secretValues, ...(input.apiKey ? [input.apiKey] : [])];
  const redactor = createRedactor(values);
  const release = input.liveSecrets?.add(values) ?? (() => undefined);
  let sandbox: RunnerSelection;
  try {
    sandbox = await input.sandbox(sandboxConfigFor(roots, start.settings));
  } catch (e) {
    release();
    throw e;
  }
  const baseUrl = baseUrlOf(start.userBaseUrl, input.envBaseUrl);
  const model = createAnthropicClient({
    apiKey: input.apiKey,
    baseUrl,
    ...modelSettings(start.settings, input.modelOverride),
    keyHint: input.keyHint,
  });
  const identity: AuditIdentity = {
    sessionId: input.id ?? randomUUID(),
    workspace: workspaceIdentity(roots),
    user: input.user,
    model: model.model,
  };
  const runner = redactingRunner(sandbox.runner, () => redactor);
  const hooks = new Set<StepHook>();
  return {
    id: identity.sessionId,
    guard: policy.guard,
    settings: policy.settings,
    redactor,
    grants: input.grants,
    sandbox,
    runner,
    roots,
    identity,
    baseUrl,
    onStep(hook) {
      hooks.add(hook);
      return () => hooks.delete(hook);
    },
    agentDeps: (w) =>
      buildAgentDeps({
        roots,
        ...(start.env.folderNames ? { folderNames: start.env.folderNames } : {}),
        guard: policy.guard,
        settings: policy.settings,
        runner,
        audit: w.audit,
        redactor,
        model,
        approver: w.approver,
        grants: input.grants,
        events: (e) => {
          w.events(e);
          for (const h of hooks) {
            try {
              h(e);
            } catch {
              // A hook's failure is its own; the task goes on.
            }
          }
        },
        identity,
        secretValues: w.secretValues,
        ...(w.extraTools ? { extraTools: w.extraTools } : {}),
        ...(w.search ? { search: w.search } : {}),
      }),
    close: release,
  };
}
