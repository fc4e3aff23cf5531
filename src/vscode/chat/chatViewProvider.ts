import * as vscode from 'vscode';
import { Disposable } from '../dispose';
import { newNonce, strictCsp } from '../webviewSecurity';
import { type HostMessage, type ViewMessage, viewMessageSchema } from './protocol';

/** One small handler per message type: no giant switch. */
export type ViewMessageHandlers = {
  [K in ViewMessage['type']]: (message: Extract<ViewMessage, { type: K }>) => void | Promise<void>;
};

/**
 * The chat webview in the activity bar: strict CSP (nonce scripts, local
 * styles, nothing remote), messages validated on arrival, and posting held
 * until the view says it is ready.
 */
export class ChatViewProvider extends Disposable implements vscode.WebviewViewProvider {
  private view: vscode.WebviewView | undefined;
  private ready = false;
  private readonly onReady = this._register(new vscode.EventEmitter<void>());
  /** Fires each time a (re)loaded webview is ready for its initial state. */
  readonly onDidBecomeReady = this.onReady.event;

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly handlers: ViewMessageHandlers,
    private readonly log: (message: string) => void,
  ) {
    super();
  }

  get visible(): boolean {
    return this.view?.visible ?? false;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    const dist = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    const media = vscode.Uri.joinPath(this.extensionUri, 'media');
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist, media] };
    view.webview.html = this.html(view.webview, dist, media);
    const sub = view.webview.onDidReceiveMessage((raw: unknown) => this.receive(raw));
    view.onDidDispose(() => {
      sub.dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  post(message: HostMessage): void {
    if (this.view && this.ready) void this.view.webview.postMessage(message);
  }

  reveal(): void {
    this.view?.show(true);
  }

  private receive(raw: unknown): void {
    const parsed = viewMessageSchema.safeParse(raw);
    if (!parsed.success) {
      this.log(`chat view: dropped a malformed message (${parsed.error.issues.map((i) => i.message).join('; ')})`);
      return;
    }
    const message = parsed.data;
    if (message.type === 'ready') {
      this.ready = true;
      this.onReady.fire();
    }
    const handler = this.handlers[message.type] as (m: ViewMessage) => void | Promise<void>;
    Promise.resolve(handler(message)).catch((e: unknown) =>
      this.log(`chat view: ${message.type} failed: ${e instanceof Error ? e.message : String(e)}`),
    );
  }

  private html(webview: vscode.Webview, dist: vscode.Uri, media: vscode.Uri): string {
    const nonce = newNonce();
    const script = webview.asWebviewUri(vscode.Uri.joinPath(dist, 'chat.js'));
    const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'chat.css'));
    const csp = strictCsp(webview.cspSource, nonce);
    return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="${style.toString()}">
<title>Warden</title></head>
<body><div id="app">
<div id="status"><span id="sandbox">sandbox: checking</span><span id="meter"></span></div>
<div id="banners" aria-live="polite"></div>
<div id="welcome" hidden></div>
<div id="transcript" aria-label="Conversation"></div>
<div id="announcer" class="sr-only" aria-live="polite"></div>
<div id="composer">
<textarea id="input" rows="2" placeholder="Ask Warden…" title="Enter sends, Shift+Enter starts a new line" aria-label="Message to Warden (Enter sends, Shift+Enter starts a new line)"></textarea>
<button id="send" title="Send (Enter)">Send</button>
<button id="stop" class="secondary" title="Stop" disabled>Stop</button>
</div></div>
<script nonce="${nonce}" src="${script.toString()}"></script></body></html>`;
  }
}
