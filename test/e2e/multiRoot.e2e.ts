// A two-folder workspace (a .code-workspace file) in a real VS Code: each
// folder's own .vscode/settings.json narrows the user's policy for its paths
// only, a bare name in both folders is refused with the candidates, and a
// folder's attempt to widen the policy is ignored.
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { setApiKey } from './approvalHelpers';
import { cardFacts, sendChat, waitForCardStatus, waitForChatText, waitForFile, waitForIdle } from './chatHelpers';
import { REPO_ROOT } from './codeServer';
import type { FakeModel } from './fakeModel';
import { workbenchWithModel } from './suite';
import type { LaunchedWorkbench } from './harness';

const FIXTURE = join(REPO_ROOT, 'test', 'fixtures', 'workspaces', 'multi-root');
const use = (id: string, name: string, input: unknown) => ({ type: 'tool_use' as const, id, name, input });

describe('a multi-root workspace in a real VS Code', { timeout: 10 * 60_000 }, () => {
  let model: FakeModel;
  let wb: LaunchedWorkbench;

  // Read at load: the launch options need it.
  const user = JSON.parse(readFileSync(join(FIXTURE, 'user-settings.json'), 'utf8')) as Record<string, unknown>;

  workbenchWithModel(
    {
      turns: [
        { content: [use('m1', 'read_file', { path: 'notes.txt' })] },
        { content: [use('m2', 'read_file', { path: 'app:notes.txt' })] },
        { content: [use('m3', 'read_file', { path: 'lib:notes.txt' })] },
        { content: [use('m4', 'write_file', { path: 'app:new.txt', content: 'in app\n' })] },
        { content: [use('m5', 'write_file', { path: 'app:page.md', content: '# page\n' })] },
        { content: [use('m6', 'write_file', { path: 'lib:new.txt', content: 'in lib\n' })] },
        { content: [{ type: 'text', text: 'multi-root task finished.' }] },
      ],
    },
    {
      suite: 'multi-root',
      workspace: FIXTURE,
      workspaceFile: 'multi.code-workspace',
      settings: { ...user },
      viewport: { width: 1400, height: 900 },
    },
    (s) => ({ wb, model } = s),
  );

  it('decides every path in the folder it names, by that folder settings; a folder cannot widen', { timeout: 240_000 }, async () => {
    const ws = (rel: string): string => join(wb.workspaceDir, rel);
    await wb.page.locator('.explorer-folders-view', { hasText: 'lib' }).waitFor({ timeout: 60_000 });
    await setApiKey(wb);
    await sendChat(wb, 'Look at both folders.');

    const ambiguous = await cardFacts(await waitForCardStatus(wb, 'read notes.txt', 'denied'));
    assert.equal(ambiguous.decision, 'deny', ambiguous.text);
    assert.match(ambiguous.text, /several workspace folders \(app, lib\)/, ambiguous.text);
    const appNotes = await cardFacts(await waitForCardStatus(wb, 'read app:notes.txt', 'done'));
    assert.equal(appNotes.decision, 'allow', appNotes.text);
    const libNotes = await cardFacts(await waitForCardStatus(wb, 'read lib:notes.txt', 'denied'));
    assert.match(libNotes.rule, /warden\.paths\.denyRead.*notes\.txt/, libNotes.text);
    await waitForFile(ws('app/new.txt'), (t) => t === 'in app\n');
    const appWrite = await cardFacts(await waitForCardStatus(wb, /write app:new\.txt/, 'done'));
    assert.equal(appWrite.decision, 'allow', appWrite.text);

    // app's own settings try to auto-approve .md: ignored, so it asks.
    const md = await waitForCardStatus(wb, /write app:page\.md/, 'awaiting-approval');
    assert.equal((await cardFacts(md)).decision, 'ask');
    await wb.screenshot('01-multi-root-folder-cannot-widen');
    await md.locator('button.reject').click();
    // lib narrowed autoApprove to nothing: its .txt write asks too.
    const lib = await waitForCardStatus(wb, /write lib:new\.txt/, 'awaiting-approval');
    assert.equal((await cardFacts(lib)).decision, 'ask');
    await wb.screenshot('02-multi-root-lib-write-asks');
    await lib.locator('button.reject').click();

    await waitForChatText(wb, 'multi-root task finished.');
    await waitForIdle(wb);
    await wb.screenshot('03-multi-root-done');
    assert.equal(existsSync(ws('app/page.md')), false);
    assert.equal(existsSync(ws('lib/new.txt')), false);
    // The system prompt named both folders.
    const system = JSON.stringify((model.requests()[0]?.body as { system?: unknown } | undefined)?.system ?? null);
    assert.match(system, /- app: .*app/);
    assert.match(system, /- lib: .*lib/);
  });
});
