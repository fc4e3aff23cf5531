import * as vscode from 'vscode';
import type { GuardResult } from '../../core/policy/guard';
import type { ToolEntry } from '../../core/tools/tool';
import { WindowServers, type ServersContext, type ServerView } from '../../node/mcp/windowServers';
import { approvalDialog, decisionLabel, reviewDialog, serverDescription, stateLabel, toolListDocument } from './serverText';

/**
 * The MCP Servers view: each server of the user's settings and of the
 * workspace's proposals with its state, its tools and the guard's decision
 * for each; and the person's actions on them (approve a proposal, accept a
 * tool list, start, stop). The servers themselves are `WindowServers`'.
 */
export const SERVERS_VIEW_ID = 'warden.servers';
/** Read-only documents of a server's tool list, opened beside the review dialog. */
const TOOLS_SCHEME = 'warden-mcp-tools';

type Node =
  | { readonly kind: 'server'; readonly view: ServerView; readonly decisions: ReadonlyMap<string, GuardResult> }
  | { readonly kind: 'tool'; readonly server: ServerView; readonly name: string; readonly decision: GuardResult | undefined };

export interface ServersViewDeps {
  readonly servers: WindowServers;
  /** The window's current settings, folders, guard and trust. */
  readonly context: () => Promise<ServersContext>;
  readonly log: (message: string) => void;
  /** The dialogs (replaceable in tests); a modal by default. */
  readonly confirm?: (message: string, detail: string, action: string) => Thenable<boolean>;
}

const ICONS: Record<ServerView['state'], [string, string?]> = {
  running: ['pass-filled', 'testing.iconPassed'],
  paused: ['debug-pause', 'editorWarning.foreground'],
  failed: ['error', 'errorForeground'],
  stopped: ['circle-slash'],
  'awaiting-approval': ['shield', 'editorWarning.foreground'],
  'not-started': ['circle-outline'],
};

export class ServersView implements vscode.TreeDataProvider<Node>, vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  /** The text of each tool-list document, by URI. */
  private readonly documents = new Map<string, string>();
  private readonly provider: vscode.Disposable;

  constructor(private readonly deps: ServersViewDeps) {
    this.provider = vscode.workspace.registerTextDocumentContentProvider(TOOLS_SCHEME, this);
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.toString()) ?? 'This tool list is no longer under review.';
  }

  refresh(): void {
    this.changed.fire();
  }

  /** The tools of the running servers for a task (starting them first), and what needs the person meanwhile. */
  async forTask(): Promise<{ tools: readonly ToolEntry[]; notices: string[] }> {
    const ctx = await this.deps.context();
    const tools = await this.deps.servers.tools(ctx);
    const notices = (await this.deps.servers.list(ctx)).flatMap((v) =>
      v.action === 'approve'
        ? [
            `The MCP server "${v.name}" (${v.origin}) is not started: it waits for your approval in the MCP Servers view (or set warden.mcp.workspaceServers to "off" to ignore the servers workspaces propose).`,
          ]
        : v.action === 'review-tools'
          ? [`The MCP server "${v.name}" is paused (${v.detail}): review its tools in the MCP Servers view.`]
          : v.state === 'failed'
            ? [`The MCP server "${v.name}" failed: ${v.detail}`]
            : [],
    );
    return { tools, notices };
  }

  getTreeItem(n: Node): vscode.TreeItem {
    if (n.kind === 'tool') {
      const item = new vscode.TreeItem(n.name.split('__').slice(2).join('__'), vscode.TreeItemCollapsibleState.None);
      const t = n.server.tools.find((x) => x.name === n.name);
      item.description = n.decision ? decisionLabel(n.decision) : '';
      item.tooltip = new vscode.MarkdownString().appendText(
        `${n.name}\n\n${n.decision ? `${n.decision.message}\n\n` : ''}The server's description (untrusted):\n${t?.description ?? ''}`,
      );
      item.iconPath = new vscode.ThemeIcon(
        n.decision?.decision === 'allow' ? 'play' : n.decision?.decision === 'deny' ? 'circle-slash' : 'question',
      );
      item.contextValue = 'warden.mcpTool';
      return item;
    }
    const v = n.view;
    const item = new vscode.TreeItem(
      v.name,
      v.tools.length ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    // The state is part of the id: a server that starts running shows its tools expanded.
    item.id = `${v.origin}:${v.name}:${v.state}`;
    item.description = serverDescription(v);
    item.tooltip = new vscode.MarkdownString().appendText(`${v.name}: ${stateLabel(v.state)}\n${v.detail}`);
    const [icon, color] = ICONS[v.state];
    item.iconPath = new vscode.ThemeIcon(icon, color ? new vscode.ThemeColor(color) : undefined);
    item.contextValue =
      v.action === 'approve' ? 'warden.mcpServer.awaiting' : v.action === 'review-tools' ? 'warden.mcpServer.paused' : 'warden.mcpServer';
    if (v.action === 'approve') item.command = { command: 'warden.approveMcpServer', title: 'Approve…', arguments: [n] };
    else if (v.action === 'review-tools') item.command = { command: 'warden.reviewMcpTools', title: 'Review Tools…', arguments: [n] };
    return item;
  }

  async getChildren(n?: Node): Promise<Node[]> {
    if (n?.kind === 'tool') return [];
    if (n?.kind === 'server')
      return n.view.tools.map((t) => ({ kind: 'tool', server: n.view, name: t.name, decision: n.decisions.get(t.name) }));
    try {
      const ctx = await this.deps.context();
      return (await this.deps.servers.list(ctx)).map((view) => ({
        kind: 'server',
        view,
        decisions: WindowServers.decisions(ctx.guard, view),
      }));
    } catch (e) {
      this.deps.log(`MCP servers view: ${e instanceof Error ? e.message : String(e)}`);
      return [];
    }
  }

  /** Approve a proposed server (the node given, or one picked from those waiting), then review its first tool list. */
  async approve(arg?: unknown): Promise<void> {
    const view = await this.pick(arg, 'approve', 'No MCP server waits for your approval.');
    if (!view) return;
    const d = approvalDialog(view);
    if (!(await this.confirm(d.message, d.detail, d.action))) return;
    const ctx = await this.deps.context();
    await this.deps.servers.approve(view.entry, ctx);
    this.refresh();
    // Started again with the approval (and again if something stopped them meanwhile): its tool list is what the person reviews next.
    await this.deps.servers.tools(await this.deps.context());
    const now = (await this.deps.servers.list(ctx)).find((v) => v.name === view.name && v.entry.hash === view.entry.hash);
    if (now?.action === 'review-tools') await this.review(now);
    else if (now?.state === 'failed')
      void vscode.window.showWarningMessage(`Warden: the MCP server "${now.name}" failed to start: ${now.detail}`);
  }

  /** Accept a paused server's tool list after reading it (the node given, or one picked from those paused). */
  async review(arg?: unknown): Promise<void> {
    const view = await this.pick(arg, 'review-tools', 'No MCP server has tools waiting for review.');
    if (!view) return;
    const ctx = await this.deps.context();
    const decisions = WindowServers.decisions(ctx.guard, view);
    const d = reviewDialog(view, decisions);
    // The whole list, descriptions included, opens beside the dialog (read-only, without taking focus).
    const uri = vscode.Uri.from({ scheme: TOOLS_SCHEME, path: `/${view.name} tools.txt`, query: view.entry.hash.slice(0, 12) });
    this.documents.set(uri.toString(), toolListDocument(view, decisions));
    await vscode.window
      .showTextDocument(uri, { preview: true, preserveFocus: true, viewColumn: vscode.ViewColumn.Active })
      .then(undefined, (e: unknown) => this.deps.log(`MCP servers: the tool list could not be shown: ${String(e)}`));
    let accepted = false;
    try {
      accepted = await this.confirm(d.message, d.detail, d.action);
    } finally {
      this.documents.delete(uri.toString());
      await closeTabsOf(uri);
    }
    if (!accepted) return;
    await this.deps.servers.acceptTools(view, ctx);
    this.refresh();
  }

  async restart(): Promise<void> {
    await this.deps.servers.restart(await this.deps.context());
    this.refresh();
  }

  /** A proposal file changed: stop the servers if what they started from is not what the files say now. */
  async stopIfChanged(): Promise<void> {
    await this.deps.servers.stopIfChanged(await this.deps.context());
    this.refresh();
  }

  async stop(): Promise<void> {
    await this.deps.servers.stop();
    this.refresh();
  }

  private confirm(message: string, detail: string, action: string): Thenable<boolean> {
    if (this.deps.confirm) return this.deps.confirm(message, detail, action);
    return vscode.window.showWarningMessage(message, { modal: true, detail }, action).then((a) => a === action);
  }

  private async pick(arg: unknown, action: ServerView['action'], none: string): Promise<ServerView | undefined> {
    const given = arg as Partial<Node> | undefined;
    const ctx = await this.deps.context();
    const list = (await this.deps.servers.list(ctx)).filter((v) => v.action === action);
    if (given?.kind === 'server' && given.view) {
      // The view may be stale: act on the server as it is now, and only while it still needs this.
      const now = list.find((v) => v.name === given.view?.name && v.entry.hash === given.view.entry.hash);
      if (!now)
        void vscode.window.showInformationMessage(
          `Warden: the MCP server "${given.view.name}" has changed since the view showed it; look again.`,
        );
      return now;
    }
    if (list.length === 0) {
      void vscode.window.showInformationMessage(`Warden: ${none}`);
      return undefined;
    }
    if (list.length === 1) return list[0];
    const picked = await vscode.window.showQuickPick(
      list.map((v) => ({ label: v.name, description: serverDescription(v), detail: v.detail, v })),
      { placeHolder: 'Which MCP server?' },
    );
    return picked?.v;
  }

  dispose(): void {
    this.provider.dispose();
    this.changed.dispose();
  }
}

/** Closes the editor tabs showing `uri`. */
async function closeTabsOf(uri: vscode.Uri): Promise<void> {
  const tabs = vscode.window.tabGroups.all
    .flatMap((g) => g.tabs)
    .filter((t) => t.input instanceof vscode.TabInputText && t.input.uri.toString() === uri.toString());
  if (tabs.length) await vscode.window.tabGroups.close(tabs, true);
}
