import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { AuditRecord } from '../../core/audit/event';
import { Disposable } from '../dispose';
import { EventList } from './eventList';
import type { AuditLogAccess } from './logAccess';
import { auditPanelHtml } from './panelHtml';
import { type HostMessage, type ViewMessage, viewMessageSchema } from './messages';
import { exportFileName, toDetail } from './rows';
import { newNonce } from '../webviewSecurity';

type Handlers = { [K in ViewMessage['type']]: (m: Extract<ViewMessage, { type: K }>) => void | Promise<void> };

/**
 * The audit panel: a webview listing events newest first, filterable and
 * searchable, showing the full record of the selected event, with Verify and
 * Export. Strict CSP (nonce script, local stylesheet, nothing remote).
 * The host keeps the events (./eventList.ts), filters and searches them;
 * the webview asks for the rows in view and gets only those, and the full
 * record only for the event selected. New events arrive live through
 * `onRecord` (subscribe it to the observed sink).
 */
export class AuditPanel extends Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private ready = false;
  private list = new EventList();
  private loaded: Promise<void> = Promise.resolve();
  private skipped = 0;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly access: AuditLogAccess,
    private readonly log: (message: string) => void,
  ) {
    super();
    this._register({
      dispose: () => {
        this.panel?.dispose();
      },
    });
  }

  show(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    this.loaded = this.load();
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    const panel = vscode.window.createWebviewPanel('warden.audit', 'Warden Audit Log', vscode.ViewColumn.Active, {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [dist, media],
      retainContextWhenHidden: false,
    });
    this.panel = panel;
    this.ready = false;
    panel.webview.html = this.html(panel.webview, dist, media);
    const sub = panel.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    panel.onDidDispose(() => {
      sub.dispose();
      if (this.panel === panel) {
        this.panel = undefined;
        this.list = new EventList();
      }
    });
  }

  /** Live updates: a listener for `ObservedAuditSink.subscribe`. */
  readonly onRecord = (record: AuditRecord): void => {
    if (!this.panel || !this.list.add(record).added) return;
    this.post({ type: 'grew', total: this.list.total, matched: this.list.matched, added: 1, tools: this.list.tools() });
  };

  /** Streams the log from disk into a fresh list (live events that arrive meanwhile are kept too). */
  private async load(): Promise<void> {
    this.list = new EventList();
    try {
      this.skipped = await this.access.read((r) => this.list.add(r));
    } catch (err) {
      this.skipped = 0;
      this.log(`audit panel: cannot read ${this.access.file}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private post(message: HostMessage): void {
    if (this.panel && this.ready) void this.panel.webview.postMessage(message);
  }

  private receive(raw: unknown): void {
    const parsed = viewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.log(`audit panel: dropped a malformed message (${parsed.error.issues.map((i) => i.message).join('; ')})`);
      return;
    }
    const m = parsed.data;
    const run = this.handlers[m.type] as (msg: ViewMessage) => void | Promise<void>;
    Promise.resolve(run(m)).catch((err: unknown) => {
      const text = err instanceof Error ? err.message : String(err);
      this.log(`audit panel: ${m.type} failed: ${text}`);
      this.post({ type: 'notice', level: 'error', text });
    });
  }

  private readonly handlers: Handlers = {
    ready: async () => {
      await this.loaded;
      this.ready = true;
      this.post({ type: 'init', file: this.access.file, skipped: this.skipped, tools: this.list.tools() });
    },
    view: async ({ version, filter, start, count, selected }) => {
      await this.loaded;
      const t = performance.now();
      this.list.setFilter(filter);
      const selectedAt = selected === null ? null : this.list.positionOf(selected);
      const rows = this.list.window(start, count);
      this.post({
        type: 'page',
        version,
        start,
        total: this.list.total,
        matched: this.list.matched,
        rows,
        selectedAt,
        hostMs: performance.now() - t,
      });
    },
    select: ({ seq }) => {
      const r = this.list.record(seq);
      if (r) this.post({ type: 'detail', detail: toDetail(r) });
    },
    verify: async () => {
      this.post({ type: 'verified', status: await this.access.verify() });
    },
    export: async ({ format, filter }) => {
      const records = this.list.select(filter);
      if (records.length === 0) {
        this.post({ type: 'notice', level: 'info', text: 'Nothing to export: no event passes the filters.' });
        return;
      }
      const target = await vscode.window.showSaveDialog({
        title: `Export ${records.length} audit events`,
        saveLabel: 'Export',
        // In the home folder, outside the workspace: an export is a copy of the record, not a file for the agent (or the repository) to see.
        defaultUri: vscode.Uri.joinPath(vscode.Uri.file(homedir()), exportFileName(format, new Date())),
        filters: format === 'csv' ? { CSV: ['csv'] } : { 'JSON Lines': ['jsonl'] },
      });
      if (!target) return;
      this.access.write(target.fsPath, records, format);
      this.post({ type: 'notice', level: 'info', text: `Exported ${records.length} events to ${target.fsPath}` });
    },
  };

  private html(webview: vscode.Webview, dist: vscode.Uri, media: vscode.Uri): string {
    return auditPanelHtml({
      nonce: newNonce(),
      cspSource: webview.cspSource,
      script: webview.asWebviewUri(vscode.Uri.joinPath(dist, 'audit.js')).toString(),
      style: webview.asWebviewUri(vscode.Uri.joinPath(media, 'audit.css')).toString(),
    });
  }
}
