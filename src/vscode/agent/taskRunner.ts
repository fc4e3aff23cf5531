import { userInfo } from 'node:os';
import { runAgent, type AgentRun } from '../../core/agent/agentLoop';
import { sessionEvent } from '../../core/agent/auditRecord';
import type { AgentEvents } from '../../core/agent/events';
import type { ModelMessage } from '../../core/agent/model';
import type { SessionGrants } from '../../core/agent/sessionGrants';
import type { AuditSink } from '../../core/audit/event';
import type { LiveSecrets } from '../../core/secrets/liveSecrets';
import { API_KEY_SECRET, type SecretStore } from '../../core/secrets/store';
import { agentOptions } from '../../node/agentDeps';
import { createTaskScope } from '../../node/taskScope';
import { openTaskCheckpoints } from '../../node/checkpoints/taskCheckpoints';
import type { ToolEntry } from '../../core/tools/tool';
import type { RepoSearch } from '../../core/tools/ports';
import type { ApprovalPanes } from '../approvals/approvalPanes';
import type { GuardHolder } from './guardHolder';
import type { SandboxHolder } from './sandboxHolder';

/** The window's services every task uses; nothing here belongs to one task. */
export interface TaskServices {
  readonly guards: GuardHolder;
  readonly sandbox: SandboxHolder;
  readonly audit: AuditSink;
  readonly secrets: SecretStore;
  readonly approver: Pick<ApprovalPanes, 'forTask'>;
  /** The audit log's redaction set: every live task's secret values. */
  readonly liveSecrets: LiveSecrets;
  /** Warden's storage folder: each workspace folder's checkpoint store lives under it (hidden from every command). */
  readonly checkpointsDir?: string;
  /** The window's MCP servers: their tools for this task (started first when none run), and what waits for the person. */
  readonly mcp?: () => Promise<{ readonly tools: readonly ToolEntry[]; readonly notices: readonly string[] }>;
  /** The window's search and listing: a listing of an unchanged tree is handed out again to the next task. */
  readonly search?: RepoSearch;
  /** Extension host environment, for ANTHROPIC_BASE_URL only. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** What the chat hands each task: its key and its chat's grants. */
export interface TaskOfChat {
  readonly id: string;
  readonly grants: SessionGrants;
}

export type TaskStart =
  | { readonly ok: true; readonly run: AgentRun }
  | { readonly ok: false; readonly message: string; readonly action: 'setApiKey' | 'openSettings' | null };

/** Every stored secret value (and the API key), for redaction. Values never leave this function but in it. */
export async function storedSecretValues(store: SecretStore): Promise<string[]> {
  const names = await store.list();
  const values = await Promise.all(names.map((n) => store.get(n)));
  return values.filter((v): v is string => typeof v === 'string' && v.length > 0);
}

/** Runs one chat message as an agent task behind the guard, in a scope of its own. */
export async function runTask(
  s: TaskServices,
  task: TaskOfChat,
  text: string,
  history: readonly ModelMessage[],
  events: AgentEvents,
  signal: AbortSignal,
): Promise<TaskStart> {
  const g = await s.guards.current();
  if (g.env.roots.length === 0) return { ok: false, message: 'Open a folder first: Warden works inside a workspace folder.', action: null };
  const apiKey = await s.secrets.get(API_KEY_SECRET);
  if (!apiKey)
    return {
      ok: false,
      message: 'No API key is set. Run "Warden: Set API Key" (for a local endpoint any non-empty key works).',
      action: 'setApiKey',
    };

  const known = await storedSecretValues(s.secrets);
  const scope = await createTaskScope({
    id: task.id,
    policy: () => s.guards.now(),
    secretValues: known,
    apiKey,
    grants: task.grants,
    liveSecrets: s.liveSecrets,
    sandbox: (config) => s.sandbox.runnerFor(config),
    envBaseUrl: s.env.ANTHROPIC_BASE_URL,
    keyHint: 'vscode',
    user: userInfo().username,
  });
  const { identity, redactor } = scope;
  try {
    await s.audit.append(sessionEvent(identity, `chat task started; sandbox: ${scope.sandbox.state}`, redactor));
    // Fail closed, and say why: while the sandbox cannot tell what to hide, every command asks.
    const incomplete = s.sandbox.incompleteView;
    if (incomplete !== null) {
      const message = `Commands need your approval in this task: ${incomplete}.`;
      events({ type: 'warning', message });
      await s.audit.append(sessionEvent(identity, message, redactor, 'sandbox'));
    }
    const checkpoints =
      s.checkpointsDir === undefined
        ? undefined
        : await openTaskCheckpoints({
            stateDir: s.checkpointsDir,
            root: scope.roots[0] ?? '',
            settings: scope.settings(),
            guard: scope.guard,
            taskId: scope.id,
            events,
            audit: s.audit,
            identity,
            redactor,
          });
    const mcp = s.mcp ? await s.mcp() : { tools: [], notices: [] };
    for (const message of mcp.notices) events({ type: 'warning', message });
    const scoped = scope.agentDeps({
      extraTools: mcp.tools,
      ...(s.search ? { search: s.search } : {}),
      audit: s.audit,
      approver: s.approver.forTask({ id: scope.id, redact: (t) => redactor.redact(t) }),
      events,
      secretValues: async (names) => {
        const granted = new Set(Object.keys(scope.settings()['warden.secrets']));
        const out: Record<string, string> = {};
        for (const n of names) {
          if (!granted.has(n)) continue;
          const v = await s.secrets.get(n);
          // A value stored after the task started is not in its redactor: it waits for the next task.
          if (v && known.includes(v)) out[n] = v;
        }
        return out;
      },
    });
    const deps = checkpoints ? { ...scoped, checkpoints: checkpoints.checkpoints } : scoped;
    const run = await runAgent(agentOptions(scope.settings(), text, signal, { history }), deps);
    await s.audit.append(sessionEvent(identity, `chat task ended: ${run.status}: ${run.message}`, redactor));
    return { ok: true, run };
  } finally {
    scope.close();
  }
}
