import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/** The chat webview in the activity bar. */
export class ChatViewProvider implements vscode.WebviewViewProvider {
  constructor(private readonly extensionUri: vscode.Uri) {}

  resolveWebviewView(view: vscode.WebviewView): void {
    const mediaRoot = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    view.webview.options = { enableScripts: true, localResourceRoots: [mediaRoot] };
    const nonce = randomBytes(16).toString('base64');
    const script = view.webview.asWebviewUri(vscode.Uri.joinPath(mediaRoot, 'chat.js'));
    const csp = [
      "default-src 'none'",
      `style-src ${view.webview.cspSource} 'nonce-${nonce}'`,
      `script-src 'nonce-${nonce}'`,
      `font-src ${view.webview.cspSource}`,
    ].join('; ');
    view.webview.html = `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Warden</title></head>
<body><main id="app"><p>Warden's chat is starting…</p></main>
<script nonce="${nonce}" src="${script.toString()}"></script></body></html>`;
  }
}
