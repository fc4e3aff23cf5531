// MCP servers in a real VS Code, against the real servers from npm
// (server-everything from user settings, server-filesystem proposed by the
// workspace), each started in the sandbox: the MCP Servers view lists them
// with their state, tools and decisions; an allowed tool runs unasked; one
// that asks opens in the command preview, and its result reaches the model
// with the server's secret redacted (the value is in no request); a proposed
// server starts only after the person approves its definition and then its
// tool list in two dialogs; every step is on the audit log.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import type { Frame, Locator } from 'playwright-core';
import { requestText, sendChat, setApiKey, waitForChatText } from './approvalHelpers';
import { card, filesContaining, setSecretViaPalette, waitForCardStatus, waitForIdle } from './chatHelpers';
import { REPO_ROOT } from './codeServer';
import { startFakeModel, type FakeModel } from './fakeModel';
import { launchWorkbench, type LaunchedWorkbench } from './harness';

const everything = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/server-everything/dist/index.js');
const filesystem = join(REPO_ROOT, 'node_modules/@modelcontextprotocol/server-filesystem/dist/index.js');
const SECRET = 'mcp-e2e-token-7c41d09b';

const text = (t: string) => ({ type: 'text' as const, text: t });
const tool = (id: string, name: string, input: unknown) => ({ type: 'tool_use' as const, id, name, input });

const TURNS = [
  // user-task: echo is allowed by a rule; get-env asks (and prints the server's environment, secret included).
  { content: [text('Using the MCP tools.'), tool('toolu_echo', 'mcp__everything__echo', { message: 'hello from the workbench' })] },
  { content: [tool('toolu_env', 'mcp__everything__get-env', {})] },
  { content: [text('user-task finished.')] },
  // fs-task: a tool of the proposed server, once approved.
  { content: [tool('toolu_ls', 'mcp__fs__list_directory', { path: '.' })] },
  { content: [text('fs-task finished.')] },
];

describe('MCP servers in a real VS Code', { timeout: 15 * 60_000 }, () => {
  let model: FakeModel;
  let wb: LaunchedWorkbench;

  /** The MCP Servers view's row whose label is `name`. */
  const serverRow = (name: string): Locator =>
    wb.page.locator('.pane:has(.pane-header[aria-label*="MCP Servers"]) .monaco-list-row', {
      has: wb.page.locator('.label-name', { hasText: new RegExp(`^${name}$`) }),
    });

  /** The command preview showing an MCP call of `serverTool` (the preview's arguments block, with Call enabled). */
  const mcpPreview = async (serverTool: string, timeout = 60_000): Promise<Frame> => {
    const until = Date.now() + timeout;
    while (Date.now() < until) {
      for (const f of wb.page.frames()) {
        const t = await f.$('#mcp-tool > .code').catch(() => null);
        if (!t || (await t.innerText().catch(() => '')).trim() !== serverTool) continue;
        const run = await f.$('#run');
        if (run && !(await run.isDisabled())) return f;
      }
      await sleep(250);
    }
    await wb.screenshot(`no-preview-${serverTool}`);
    throw new Error(`no preview of the MCP tool ${serverTool}`);
  };

  const dialogText = async (expect: RegExp): Promise<string> => {
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60_000 });
    const shown = await dialog.innerText();
    assert.match(shown, expect);
    return shown;
  };
  const clickDialog = async (button: string): Promise<void> => {
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog
      .locator('.dialog-buttons-row a.monaco-button, .dialog-buttons a.monaco-button', { hasText: new RegExp(`^${button}$`) })
      .click();
    await dialog.waitFor({ state: 'hidden', timeout: 30_000 });
  };

  before(
    async () => {
      model = await startFakeModel({ turns: TURNS });
      const launch = model.launchOptions();
      wb = await launchWorkbench({
        suite: 'mcp',
        ...launch,
        settings: {
          ...launch.settings,
          'warden.mcp.servers': { everything: { command: process.execPath, args: [everything, 'stdio'], secrets: ['EVERYTHING_TOKEN'] } },
          'warden.mcp.tools.allow': ['mcp__everything__echo'],
          'warden.mcp.tools.deny': ['mcp__*__write_file'],
        },
        viewport: { width: 1400, height: 900 },
      });
    },
    { timeout: 5 * 60_000 },
  );

  after(
    async () => {
      await wb?.close();
      await model?.stop();
    },
    { timeout: 60_000 },
  );

  it('lists the user server before it starts, and starts it in the sandbox with the first task', { timeout: 240_000 }, async () => {
    await wb.openWardenView();
    await setApiKey(wb);
    await setSecretViaPalette(wb, 'EVERYTHING_TOKEN', SECRET);
    await serverRow('everything').waitFor({ timeout: 30_000 });
    assert.match(await serverRow('everything').innerText(), /not started · user settings/);

    await sendChat(wb, 'user-task');
    // echo runs unasked by its rule; get-env asks, in the preview, like a command.
    await waitForCardStatus(wb, /mcp everything: echo/, 'done', 120_000);
    const f = await mcpPreview('get-env', 120_000);
    assert.equal(await f.locator('#mcp-server').innerText(), 'everything');
    assert.match(await f.locator('#sandbox').innerText(), /sandbox/);
    assert.equal(await f.locator('#secrets').innerText(), 'EVERYTHING_TOKEN');
    assert.match(await f.locator('#run').innerText(), /^Call$/);
    await wb.screenshot('01-mcp-call-in-preview');
    await f.locator('#run').click();
    await waitForChatText(wb, 'user-task finished.', 120_000);
    await waitForIdle(wb);

    const sent = requestText(model.requests());
    assert.ok(sent[0]?.includes('"name":"mcp__everything__echo"'), 'the model was offered the server’s tools');
    assert.ok(
      sent.some((s) => s.includes('Echo: hello from the workbench')),
      'the echo result reached the model',
    );
    const envResult = sent.at(-1) ?? '';
    assert.match(envResult, /EVERYTHING_TOKEN/, 'get-env printed the server’s environment');
    assert.match(envResult, /\[REDACTED\]/);
    assert.ok(!sent.some((s) => s.includes(SECRET)), 'the secret value is in no request to the model');
    const envCard = await card(wb, /mcp everything: get-env/);
    assert.doesNotMatch(await envCard.innerText(), new RegExp(SECRET));

    const row = serverRow('everything');
    assert.match(await row.innerText(), /running · \d+ tools · user settings/);
    // Its tools are listed beneath it, each with the guard's decision.
    const echoRow = wb.page.locator('.monaco-list-row', { has: wb.page.locator('.label-name', { hasText: /^echo$/ }) });
    assert.match(await echoRow.innerText(), /runs unasked \(warden\.mcp\.tools\.allow: mcp__everything__echo\)/);
    await wb.screenshot('02-servers-view-running');
  });

  it(
    'a server the workspace proposes waits for approval, shows its definition, then its tools, and only then starts',
    { timeout: 300_000 },
    async () => {
      mkdirSync(join(wb.workspaceDir, '.vscode'), { recursive: true });
      writeFileSync(
        join(wb.workspaceDir, '.vscode', 'mcp.json'),
        JSON.stringify({ servers: { fs: { type: 'stdio', command: process.execPath, args: [filesystem, wb.workspaceDir] } } }, null, 2),
      );
      await wb.runCommand('Warden: Start or Restart MCP Servers');
      await serverRow('fs').waitFor({ timeout: 60_000 });
      assert.match(await serverRow('fs').innerText(), /waiting for your approval · proposed in \.vscode\/mcp\.json/);
      await wb.screenshot('03-servers-view-proposal');

      await wb.runCommand('Warden: Approve MCP Server…');
      const shown = await dialogText(/Start the MCP server "fs" that \.vscode\/mcp\.json proposes\?/);
      assert.ok(shown.includes('server-filesystem'), shown);
      assert.match(shown, /runs: in the sandbox/);
      await wb.screenshot('04-approve-definition');
      await clickDialog('Approve and Start');

      const tools = await dialogText(/Offer the tools of the MCP server "fs" to the agent\?/);
      assert.match(tools, /Denied: write_file/);
      assert.match(tools, /Declared destructive \(always ask\): .*edit_file/);
      // The whole list, with the server's descriptions, is open beside the dialog.
      const doc = wb.page.locator('.tab', { hasText: 'fs tools.txt' });
      await doc.waitFor({ timeout: 30_000 });
      const listing = (await wb.page.locator('.editor-instance .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
      assert.match(listing, /read_text_file \[declared read-only\] — asks/);
      assert.match(listing, /name for the agent: mcp__fs__read_text_file/);
      await wb.screenshot('05-review-tools');
      await clickDialog('Accept Tools');
      await serverRow('fs')
        .filter({ hasText: /running/ })
        .waitFor({ timeout: 60_000 });

      await sendChat(wb, 'fs-task');
      const f = await mcpPreview('list_directory', 120_000);
      await f.locator('#run').click();
      await waitForChatText(wb, 'fs-task finished.', 120_000);
      const result = requestText(model.requests()).at(-1) ?? '';
      assert.match(result, /package\.json/, 'the listing of the workspace reached the model');
      await wb.screenshot('06-servers-view-both-running');

      // Every step is on the audit log.
      for (const note of [
        'mcp server everything (user',
        'approved by the person in the editor',
        'the person accepted its',
        'mcp server fs (.vscode/mcp.json',
      ])
        assert.ok(filesContaining(wb.userDataDir, note).length > 0, `the audit log records "${note}"`);
    },
  );
});
