import { randomBytes } from 'node:crypto';
import type { AgentDeps, AgentOptions } from '../core/agent/agentLoop';
import type { Approver } from '../core/agent/approver';
import type { AuditIdentity } from '../core/agent/auditRecord';
import type { AgentEvents } from '../core/agent/events';
import type { ModelClient, ModelMessage } from '../core/agent/model';
import type { SessionGrants } from '../core/agent/sessionGrants';
import { systemPrompt } from '../core/agent/systemPrompt';
import type { AuditSink } from '../core/audit/event';
import type { CommandRunner } from '../core/exec/runner';
import type { StepCheckpoints } from '../core/checkpoints/recorder';
import type { Guard } from '../core/policy/guard';
import type { Settings } from '../core/policy/settings';
import type { Redactor } from '../core/secrets/redactor';
import { createToolRegistry } from '../core/tools/registry';
import type { ToolEntry } from '../core/tools/tool';
import { DEFAULT_TOOL_LIMITS } from '../core/tools/tool';
import type { Effort } from './anthropic/anthropicClient';
import { createHttpFetcher } from './fs/httpFetcher';
import type { RepoSearch } from '../core/tools/ports';
import { createWorkspaceFs } from './workspaceFs';

/** Characters of one tool result the model sees. */
export const MAX_RESULT_CHARS = 100_000;

/** What the CLI and the extension each supply; the rest of the agent's wiring is the same for both. */
export interface AgentWiring {
  readonly roots: readonly string[];
  /** The folders' names in addresses, in the order of `roots` (base names when left out). */
  readonly folderNames?: readonly (string | undefined)[];
  readonly guard: Guard;
  /** The task's effective settings for the next tool call (a stricter change applies at once). */
  readonly settings: () => Settings;
  /** Already wrapped so that its output is redacted. */
  readonly runner: CommandRunner;
  readonly audit: AuditSink;
  readonly redactor: Redactor;
  readonly model: ModelClient;
  readonly approver: Approver;
  readonly grants: SessionGrants;
  readonly events: AgentEvents;
  readonly identity: AuditIdentity;
  /** Values of the named secrets, read only at execution. */
  readonly secretValues: (names: readonly string[]) => Promise<Readonly<Record<string, string>>>;
  /** Checkpoints around the steps that can change the workspace (src/node/checkpoints/taskCheckpoints.ts). */
  readonly checkpoints?: StepCheckpoints;
  /** Tools beyond the built-ins (those of the running MCP servers), offered after them. */
  readonly extraTools?: readonly ToolEntry[];
  /** The window's search and listing (listings of an unchanged tree are kept across tasks); one of the task's own when absent. */
  readonly search?: RepoSearch;
}

export function buildAgentDeps(w: AgentWiring): AgentDeps {
  const registry = createToolRegistry(w.extraTools ?? []);
  const timeoutMs = (): number => w.settings()['warden.commands.timeoutSeconds'] * 1000;
  return {
    model: w.model,
    system: systemPrompt(w.roots, w.folderNames ?? []),
    toolDefinitions: registry.definitions(),
    guard: w.guard,
    approver: w.approver,
    grants: w.grants,
    audit: w.audit,
    redactor: w.redactor,
    tools: {
      fs: createWorkspaceFs(w.search),
      fetcher: createHttpFetcher(),
      runner: w.runner,
      guard: w.guard,
      redactor: w.redactor,
      roots: w.roots,
      // Read at each tool call, so a setting made stricter during the task applies to the next call.
      limits: {
        ...DEFAULT_TOOL_LIMITS,
        get defaultTimeoutMs() {
          return timeoutMs();
        },
        get maxTimeoutMs() {
          return timeoutMs();
        },
      },
      get allowedHosts() {
        return w.settings()['warden.network.allowedHosts'];
      },
      secretValues: w.secretValues,
      get secretGrants() {
        return w.settings()['warden.secrets'];
      },
    },
    registry,
    events: w.events,
    identity: w.identity,
    maxResultChars: MAX_RESULT_CHARS,
    newNonce: () => randomBytes(8).toString('hex'),
    ...(w.checkpoints ? { checkpoints: w.checkpoints } : {}),
  };
}

/** The model-call settings the CLI and the extension both pass to `createAnthropicClient`. */
export function modelSettings(
  settings: Settings,
  modelOverride?: string,
): { model: string; effort: Effort | null; allowedEndpoints: readonly string[] } {
  const effort = settings['warden.thinking.effort'];
  return {
    model: modelOverride ?? settings['warden.model'],
    effort: effort === 'default' ? null : effort,
    allowedEndpoints: settings['warden.managed.allowedModelEndpoints'],
  };
}

export function agentOptions(
  settings: Settings,
  task: string,
  signal: AbortSignal,
  extra: { maxTurns?: number; history?: readonly ModelMessage[] } = {},
): AgentOptions {
  return {
    task,
    maxTurns: extra.maxTurns ?? settings['warden.limits.maxTurns'],
    maxCostUsd: settings['warden.limits.maxCostUsd'],
    ...(settings['warden.anthropic.contextWindow'] > 0 ? { contextWindow: settings['warden.anthropic.contextWindow'] } : {}),
    signal,
    ...(extra.history ? { history: extra.history } : {}),
  };
}
