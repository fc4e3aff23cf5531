import * as vscode from 'vscode';
import { join } from 'node:path';
import { userInfo } from 'node:os';
import { LiveSecrets } from './core/secrets/liveSecrets';
import { createRipgrepSearch } from './node/search/ripgrep';
import { API_KEY_SECRET } from './core/secrets/store';
import { openJsonlAuditWriter } from './node/audit/jsonlWriter';
import { auditKey, globalStateAnchorStore } from './vscode/audit/anchorStore';
import { sandboxConfigFor } from './node/fs/sandboxPaths';
import { GuardHolder } from './vscode/agent/guardHolder';
import { SandboxHolder } from './vscode/agent/sandboxHolder';
import { runTask } from './vscode/agent/taskRunner';
import { workspaceIdentity } from './node/taskScope';
import { ApprovalPanes } from './vscode/approvals/approvalPanes';
import { currentTextReader } from './vscode/approvals/currentText';
import { DiffPane } from './vscode/approvals/diffPane';
import { sessionGrantsCommand } from './vscode/approvals/grantsCommand';
import { PendingApprovals } from './vscode/approvals/pendingApprovals';
import { PreviewPanel } from './vscode/approvals/previewPanel';
import { userSettingsRuleWriter } from './vscode/approvals/alwaysAllow';
import { ReportPage } from './vscode/policy/reportPage';
import { lintRules, warningLine } from './core/policy/ruleLint';
import { ProposalFs } from './vscode/approvals/proposalFs';
import { auditLogFile, registerAuditViews } from './vscode/audit/register';
import { registerAuditExport } from './vscode/audit/exportRegistration';
import { ChatController } from './vscode/chat/chatController';
import { ChatViewProvider } from './vscode/chat/chatViewProvider';
import { CHAT_VIEW_ID } from './vscode/commands/ids';
import { registerCommands } from './vscode/commands/register';
import { secretCommands } from './vscode/commands/secretCommands';
import { SecretStorageStore } from './vscode/secrets/secretStorageStore';
import { onDidChangeWardenSettings } from './vscode/settings/readSettings';
import { WardenStatusBar } from './vscode/statusBar';
import { CheckpointActions } from './vscode/checkpoints/checkpointActions';
import { managedPolicyLines, type ManagedPolicyReport } from './core/policy/managed';
import { dirname } from 'node:path';
import { sessionEvent } from './core/agent/auditRecord';
import { createRedactor } from './core/secrets/createRedactor';
import { storedSecretValues } from './vscode/agent/taskRunner';
import { defaultPinsFile } from './node/mcp/forTask';
import { filePinStore } from './node/mcp/pins';
import { WindowServers } from './node/mcp/windowServers';
import { SERVERS_VIEW_ID, ServersView } from './vscode/mcp/serversView';

/** Composition root: builds the adapters, wires them, and hands every registration to the context. */
export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const log = vscode.window.createOutputChannel('Warden', { log: true });
  context.subscriptions.push(log);
  const secrets = new SecretStorageStore(context.secrets, (m) => log.warn(m));

  // Each task redacts with its own scope's redactor; the audit log, which
  // every task of the window writes to, redacts with the union of the live ones.
  const liveSecrets = new LiveSecrets();

  const auditFile = auditLogFile(context);
  // The anchor (last seq and hash) lives in global state, sealed with a key kept in SecretStorage.
  const anchor = { store: globalStateAnchorStore(context.globalState, auditFile), key: await auditKey(context.secrets) };
  const writer = await openJsonlAuditWriter({
    file: auditFile,
    redact: (t) => liveSecrets.redact(t),
    identity: {
      sessionId: 'extension',
      workspace: workspaceIdentity((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)),
      user: userInfo().username,
    },
    anchor,
  });
  context.subscriptions.push({ dispose: () => void writer.close() });
  const audit = registerAuditViews(context, { file: auditFile, writer, anchor });

  const statusBar = new WardenStatusBar();
  const approvals = new PendingApprovals();
  // MCP approvals and tool-list pins live in the user's config folder (shared with `warden run`), hidden from every command.
  const pinsFile = defaultPinsFile(process.env);
  const sandbox = new SandboxHolder(
    (state, notes) => {
      log.info(`sandbox: ${state}${notes.length ? ` (${notes.join('; ')})` : ''}`);
      updateStatus();
      void chat.pushState();
    },
    // Never visible to a command: the audit log and everything else of Warden's and the editor's.
    [context.globalStorageUri.fsPath, context.storageUri?.fsPath, context.logUri.fsPath, dirname(pinsFile)].filter(
      (p): p is string => p !== undefined,
    ),
  );
  context.subscriptions.push({ dispose: () => void sandbox.dispose() });
  const guards = new GuardHolder(join(context.extensionPath, 'dist'), () => sandbox.available);
  context.subscriptions.push(
    registerAuditExport({
      file: auditFile,
      settings: async () => (await guards.current()).settings,
      secrets,
      env: process.env,
      version: (context.extension.packageJSON as { version?: string }).version ?? '0',
      log: (m) => log.warn(m),
    }),
  );
  // Invalid settings, as the guard last read them; refreshed when settings change.
  let settingsProblems: readonly string[] = [];
  let managed: ManagedPolicyReport | undefined;
  const updateStatus = (): void =>
    statusBar.update({
      sandbox: sandbox.state,
      pendingApprovals: approvals.size,
      trusted: vscode.workspace.isTrusted,
      settingsProblems,
      managed,
    });
  const refreshSettingsProblems = (): void => {
    void guards.current().then(
      (g) => {
        settingsProblems = g.guard.problems.map((p) => `${p.key}: ${p.message}`);
        managed = g.guard.managed;
        updateStatus();
      },
      (e: unknown) => log.error(`reading settings failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  };

  // Approvals: the oldest waiting call opens in its pane (diff editor, command preview, modal); the chat card answers too.
  const proposalFs = new ProposalFs();
  const approver = new ApprovalPanes({
    pending: approvals,
    diff: new DiffPane({
      fs: proposalFs,
      readCurrent: currentTextReader(),
      log: (m) => log.warn(m),
      onEdited: (id, edited) => chat.proposalEdited(id, edited),
    }),
    preview: new PreviewPanel({
      extensionUri: context.extensionUri,
      answer: (id, a) => approvals.answer(id, a),
      stop: () => chat.stop(),
      alwaysAllow: (id) => void approver.alwaysAllow(id),
      decide: async (call) => (await guards.current()).guard.decide(call),
      log: (m) => log.warn(m),
      onEdited: (id, edited) => chat.proposalEdited(id, edited),
    }),
    notify: (req) => chat.showApproval(req),
    rules: userSettingsRuleWriter(),
    log: (m) => log.warn(m),
  });

  // Checkpoint stores live in the global storage folder, which no command can see (a private folder of the sandbox).
  const checkpointsDir = context.globalStorageUri.fsPath;
  const checkpointActions = new CheckpointActions({
    guards,
    stateDir: checkpointsDir,
    audit: audit.sink,
    busy: () => chat.busy,
    log: (m) => log.warn(m),
  });
  // The window's MCP servers: started by the first task that needs them, stopped when settings, folders or trust change.
  const mcpIdentity = {
    sessionId: 'extension',
    workspace: workspaceIdentity((vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath)),
    user: userInfo().username,
    model: null,
  };
  const mcpServers = new WindowServers({
    pins: () => filePinStore(pinsFile, (m) => log.warn(m)),
    secretValues: async (names) => {
      const out: Record<string, string> = {};
      for (const n of names) {
        const v = await secrets.get(n);
        if (v) out[n] = v;
      }
      return out;
    },
    privateDirs: [context.globalStorageUri.fsPath, dirname(pinsFile)],
    audit: async (note) => {
      log.info(note);
      await audit.sink.append(sessionEvent(mcpIdentity, note, createRedactor(await storedSecretValues(secrets))));
    },
    onDidChange: () => serversView.refresh(),
  });
  context.subscriptions.push({ dispose: () => void mcpServers.dispose() });
  const serversView: ServersView = new ServersView({
    servers: mcpServers,
    context: async () => {
      const g = await guards.current();
      return { settings: g.settings, roots: g.env.roots, guard: g.guard, trusted: vscode.workspace.isTrusted };
    },
    log: (m) => log.warn(m),
  });
  // One search for the window: a listing of an unchanged tree is handed out again to the next task.
  const search = createRipgrepSearch();
  const chat: ChatController = new ChatController({
    storage: context.workspaceState,
    approvals,
    runTask: (task, text, history, events, signal) =>
      runTask(
        {
          guards,
          sandbox,
          audit: audit.sink,
          secrets,
          approver,
          liveSecrets,
          env: process.env,
          checkpointsDir,
          mcp: () => serversView.forTask(),
          search,
        },
        task,
        text,
        history,
        (e) => {
          approver.onAgentEvent(e);
          events(e);
        },
        signal,
      ),
    baseState: async () => {
      const g = await guards.current();
      return {
        trusted: vscode.workspace.isTrusted,
        sandbox: sandbox.state,
        model: g.settings['warden.model'],
        apiKeySet: Boolean(await secrets.get(API_KEY_SECRET)),
        policyProblems: g.guard.problems.map((p) => `${p.key}: ${p.message}`),
        ignoredWorkspaceValues: g.guard.ignoredWorkspaceValues.filter((i) => i.level === 'workspace').map((i) => `${i.key}: ${i.why}`),
        ignoredUserValues: g.guard.ignoredWorkspaceValues.filter((i) => i.level === 'user').map((i) => `${i.key}: ${i.why}`),
        managedPolicy: g.guard.managed.inForce || g.guard.managed.refused.length ? managedPolicyLines(g.guard.managed) : [],
        ruleWarnings: g.guard.problems.length ? [] : lintRules(g.settings).map(warningLine),
      };
    },
    onNewChat: () => approver.newChat(),
    checkpoint: (action, checkpointId, taskId) => checkpointActions.run(action, checkpointId, taskId),
    onBusy: (busy) => void vscode.commands.executeCommand('setContext', 'warden.busy', busy),
    limits: async () => {
      const g = await guards.current();
      return { maxTurns: g.settings['warden.limits.maxTurns'], maxCostUsd: g.settings['warden.limits.maxCostUsd'] };
    },
  });
  const view = new ChatViewProvider(context.extensionUri, chat.handlers, (m) => log.warn(m));
  chat.attach((m) => view.post(m));

  const report = new ReportPage(() => ({ available: sandbox.available, state: sandbox.state }));

  // A changed secret reaches the next task's scope (a running task keeps the values it started with).
  const onSecretsChanged = (): void => {
    void chat.pushState();
  };
  const secretsUi = secretCommands(secrets, onSecretsChanged);

  context.subscriptions.push(
    statusBar,
    chat,
    view,
    approvals.onDidChange(updateStatus),
    proposalFs.register(),
    checkpointActions.register(),
    approver,
    vscode.window.registerWebviewViewProvider(CHAT_VIEW_ID, view, { webviewOptions: { retainContextWhenHidden: true } }),
    report,
    serversView,
    vscode.window.registerTreeDataProvider(SERVERS_VIEW_ID, serversView),
    // Servers started with other settings, folders or trust stop; the next task starts them as things are now.
    vscode.workspace.onDidChangeWorkspaceFolders(() => void mcpServers.stop()),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void mcpServers.stop()),
    ...['**/.vscode/mcp.json', '**/.mcp.json'].map((glob) => {
      // A proposal file that changes stops the servers: what starts next is what the file now says (approved again if changed).
      const w = vscode.workspace.createFileSystemWatcher(glob);
      for (const on of [w.onDidChange, w.onDidCreate, w.onDidDelete])
        on(() => void serversView.stopIfChanged().catch((e: unknown) => log.warn(`MCP servers: ${String(e)}`)));
      return w;
    }),
    onDidChangeWardenSettings(() => {
      guards.invalidate();
      void mcpServers.stop();
      report.refresh();
      refreshSettingsProblems();
      void chat.pushState();
    }),
    registerCommands({
      'warden.newChat': () => chat.newChat(),
      'warden.stop': () => chat.stop(),
      'warden.setApiKey': secretsUi.setApiKey,
      'warden.setSecret': secretsUi.setSecret,
      'warden.listSecrets': secretsUi.listSecrets,
      'warden.deleteSecret': secretsUi.deleteSecret,
      'warden.acceptProposal': () => approver.accept(),
      'warden.acceptProposalForSession': () => approver.acceptForSession(),
      'warden.rejectProposal': () => approver.reject(),
      'warden.chooseProposalHunks': () => approver.chooseHunks(),
      'warden.alwaysAllow': () => approver.alwaysAllow(),
      'warden.showPolicyReport': () => report.show(),
      'warden.showSessionGrants': sessionGrantsCommand({ list: () => chat.grants.list(), revoke: (key) => chat.grants.revoke(key) }),
      'warden.showAuditLog': audit.commands['warden.showAuditLog'],
      'warden.verifyAuditLog': audit.commands['warden.verifyAuditLog'],
      'warden.approveMcpServer': (arg) => serversView.approve(arg),
      'warden.reviewMcpTools': (arg) => serversView.review(arg),
      'warden.restartMcpServers': () => serversView.restart(),
      'warden.stopMcpServers': () => serversView.stop(),
    }),
  );
  updateStatus();
  refreshSettingsProblems();
  void approver.closeLeftovers();

  // Choose the sandbox by smoke test after activation, off the activation path.
  setTimeout(() => {
    void (async () => {
      const g = await guards.current();
      if (g.env.roots.length === 0) return;
      await sandbox.runnerFor(sandboxConfigFor(g.env.roots, g.settings));
    })().catch((e: unknown) => log.error(`sandbox selection failed: ${e instanceof Error ? e.message : String(e)}`));
  }, 0);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
