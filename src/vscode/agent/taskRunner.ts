import { userInfo } from 'node:os';
import { randomUUID } from 'node:crypto';
import { runAgent, type AgentRun } from '../../core/agent/agentLoop';
import type { Approver } from '../../core/agent/approver';
import { sessionEvent } from '../../core/agent/auditRecord';
import type { AgentEvents } from '../../core/agent/events';
import type { ModelMessage } from '../../core/agent/model';
import type { SessionGrants } from '../../core/agent/sessionGrants';
import type { AuditSink } from '../../core/audit/event';
import { redactingRunner } from '../../core/exec/redactingRunner';
import { createRedactor } from '../../core/secrets/createRedactor';
import type { Redactor } from '../../core/secrets/redactor';
import { API_KEY_SECRET, type SecretStore } from '../../core/secrets/store';
import { agentOptions, buildAgentDeps, modelSettings } from '../../node/agentDeps';
import { createAnthropicClient } from '../../node/anthropic/anthropicClient';
import { sandboxConfigFor } from '../../node/fs/sandboxPaths';
import { openTaskCheckpoints } from '../../node/checkpoints/taskCheckpoints';
import type { GuardHolder } from './guardHolder';
import type { SandboxHolder } from './sandboxHolder';

export interface TaskServices {
  readonly guards: GuardHolder;
  readonly sandbox: SandboxHolder;
  readonly audit: AuditSink;
  readonly secrets: SecretStore;
  readonly approver: Approver;
  readonly grants: SessionGrants;
  /** Called with the redactor built for this task, so every other surface uses the same one. */
  readonly useRedactor: (r: Redactor) => void;
  /** Warden's storage folder: each workspace folder's checkpoint store lives under it (hidden from every command). */
  readonly checkpointsDir?: string;
  /** Extension host environment, for ANTHROPIC_BASE_URL only. */
  readonly env: Readonly<Record<string, string | undefined>>;
}

export type TaskStart =
  | { readonly ok: true; readonly run: AgentRun }
  | { readonly ok: false; readonly message: string; readonly action: 'setApiKey' | 'openSettings' | null };

/** Every stored secret value (and the API key), for the redactor. Values never leave this function but in it. */
export async function redactorFromStore(store: SecretStore): Promise<Redactor> {
  const names = await store.list();
  const values = await Promise.all(names.map((n) => store.get(n)));
  return createRedactor(values.filter((v): v is string => typeof v === 'string' && v.length > 0));
}

/** Runs one chat message as an agent task behind the guard. */
export async function runTask(s: TaskServices, text: string, history: readonly ModelMessage[], events: AgentEvents, signal: AbortSignal): Promise<TaskStart> {
  const g = await s.guards.current();
  if (g.roots.length === 0) return { ok: false, message: 'Open a folder first: Warden works inside a workspace folder.', action: null };
  const apiKey = await s.secrets.get(API_KEY_SECRET);
  if (!apiKey) return { ok: false, message: 'No API key is set. Run "Warden: Set API Key" (for a local endpoint any non-empty key works).', action: 'setApiKey' };
  const redactor = await redactorFromStore(s.secrets);
  s.useRedactor(redactor);

  const selection = await s.sandbox.runnerFor(sandboxConfigFor(g.roots, g.settings));
  const model = createAnthropicClient({ apiKey, baseUrl: g.userBaseUrl || s.env.ANTHROPIC_BASE_URL || '', ...modelSettings(g.settings), keyHint: 'vscode' });
  const identity = { sessionId: randomUUID(), workspace: g.roots[0] ?? '', user: userInfo().username, model: model.model };
  const secretNames = new Set(Object.keys(g.settings['warden.secrets']));
  await s.audit.append(sessionEvent(identity, `chat task started; sandbox: ${selection.state}`, redactor));
  // Fail closed, and say why: while the sandbox cannot tell what to hide, every command asks.
  const incomplete = s.sandbox.incompleteView;
  if (incomplete !== null) {
    const message = `Commands need your approval in this task: ${incomplete}.`;
    events({ type: 'warning', message });
    await s.audit.append(sessionEvent(identity, message, redactor, 'sandbox'));
  }
  const checkpoints = s.checkpointsDir === undefined ? undefined : await openTaskCheckpoints({ stateDir: s.checkpointsDir, root: g.roots[0] ?? '', settings: g.settings, guard: g.guard, taskId: identity.sessionId, events, audit: s.audit, identity, redactor });
  const deps = buildAgentDeps({
    roots: g.roots,
    guard: g.guard,
    settings: g.settings,
    runner: redactingRunner(selection.runner, () => redactor),
    audit: s.audit,
    redactor,
    model,
    approver: s.approver,
    grants: s.grants,
    events,
    identity,
    ...(checkpoints ? { checkpoints: checkpoints.checkpoints } : {}),
    secretValues: async (names) => {
      const out: Record<string, string> = {};
      for (const n of names) {
        if (!secretNames.has(n)) continue;
        const v = await s.secrets.get(n);
        if (v) out[n] = v;
      }
      return out;
    },
  });
  const run = await runAgent(agentOptions(g.settings, text, signal, { history }), deps);
  await s.audit.append(sessionEvent(identity, `chat task ended: ${run.status}: ${run.message}`, redactor));
  return { ok: true, run };
}
