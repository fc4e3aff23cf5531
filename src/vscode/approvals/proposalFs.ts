import * as vscode from 'vscode';

/** Proposed content (editable) and the current content beside it (read-only). */
export const PROPOSAL_SCHEME = 'warden-proposal';
export const CURRENT_SCHEME = 'warden-current';

/**
 * An in-memory file system for the two sides of a proposal diff. Nothing here
 * touches the real file: the proposed side is a document the person may edit
 * and save (into memory), and the answer carries what it holds at Accept.
 * URIs are `<scheme>:/<workspace-relative path>?call=<callId>` so the tab,
 * the breadcrumbs and the language mode follow the real target's name (and
 * the internal call id shows nowhere).
 */
export class ProposalFs implements vscode.FileSystemProvider {
  private readonly files = new Map<string, { data: Uint8Array; mtime: number }>();
  private readonly emitter = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
  readonly onDidChangeFile = this.emitter.event;

  static uri(scheme: typeof PROPOSAL_SCHEME | typeof CURRENT_SCHEME, callId: string, relative: string): vscode.Uri {
    const rel =
      relative
        .split('/')
        .filter((p) => p && p !== '..' && p !== '.')
        .join('/') || 'untitled';
    return vscode.Uri.from({ scheme, path: `/${rel}`, query: ProposalFs.callQuery(callId) });
  }

  /** The call a proposal URI belongs to; null when it names none. */
  static callOf(uri: vscode.Uri): string | null {
    return new URLSearchParams(uri.query).get('call');
  }

  /** The query naming a call in a proposal URI. */
  static callQuery(callId: string): string {
    return `call=${encodeURIComponent(callId)}`;
  }

  /** Registers the provider for both schemes; the current side is read-only. */
  register(): vscode.Disposable {
    return vscode.Disposable.from(
      vscode.workspace.registerFileSystemProvider(PROPOSAL_SCHEME, this, { isCaseSensitive: true }),
      vscode.workspace.registerFileSystemProvider(CURRENT_SCHEME, this, { isCaseSensitive: true, isReadonly: true }),
      this.emitter,
    );
  }

  /** Sets a side's text (a new proposal, a refresh after the file changed on disk). */
  set(uri: vscode.Uri, text: string): void {
    const existed = this.files.has(uri.toString());
    this.files.set(uri.toString(), { data: new TextEncoder().encode(text), mtime: Date.now() });
    this.emitter.fire([{ type: existed ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri }]);
  }

  text(uri: vscode.Uri): string | undefined {
    const f = this.files.get(uri.toString());
    return f ? new TextDecoder().decode(f.data) : undefined;
  }

  /** Forgets every file of one call. */
  drop(callId: string): void {
    const query = ProposalFs.callQuery(callId);
    for (const key of [...this.files.keys()]) {
      if (vscode.Uri.parse(key).query === query) this.files.delete(key);
    }
  }

  watch(): vscode.Disposable {
    return new vscode.Disposable(() => undefined);
  }

  stat(uri: vscode.Uri): vscode.FileStat {
    const f = this.files.get(uri.toString());
    if (!f) throw vscode.FileSystemError.FileNotFound(uri);
    return { type: vscode.FileType.File, ctime: f.mtime, mtime: f.mtime, size: f.data.byteLength };
  }

  readDirectory(): [string, vscode.FileType][] {
    return [];
  }

  createDirectory(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  readFile(uri: vscode.Uri): Uint8Array {
    const f = this.files.get(uri.toString());
    if (!f) throw vscode.FileSystemError.FileNotFound(uri);
    return f.data;
  }

  writeFile(uri: vscode.Uri, content: Uint8Array): void {
    if (uri.scheme !== PROPOSAL_SCHEME || !this.files.has(uri.toString())) throw vscode.FileSystemError.NoPermissions(uri);
    this.files.set(uri.toString(), { data: content, mtime: Date.now() });
    this.emitter.fire([{ type: vscode.FileChangeType.Changed, uri }]);
  }

  delete(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }

  rename(uri: vscode.Uri): void {
    throw vscode.FileSystemError.NoPermissions(uri);
  }
}
