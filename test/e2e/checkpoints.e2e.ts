// Checkpoints in a real VS Code: a scripted task writes, edits, deletes and
// runs a command that rewrites a file; each step shows a "changed N files"
// row in the chat. Compare opens VS Code's diff editor (the checkpoint's
// version, read-only, against the file now); Restore brings the files back
// step by step, Restore to here the whole task at once, each after a modal
// that says what it will change — byte for byte as they were.
import assert from 'node:assert/strict';
import { lstatSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { Frame } from 'playwright-core';
import type { FakeScript } from '../fixtures/fake-anthropic/script';
import { chatFrame, sendChat, setApiKey, waitForChatText, waitForFile } from './approvalHelpers';
import { workbenchWithModel } from './suite';
import type { LaunchedWorkbench } from './harness';

const use = (id: string, name: string, input: unknown) => ({ type: 'tool_use' as const, id, name, input });
const task = (n: number) => [
  { content: [use(`toolu_cp_write_${n}`, 'write_file', { path: 'notes/plan.md', content: '# plan\n' })] },
  { content: [use(`toolu_cp_edit_${n}`, 'edit_file', { path: 'data.txt', old_text: 'one', new_text: 'two' })] },
  { content: [use(`toolu_cp_delete_${n}`, 'delete_file', { path: 'old.txt' })] },
  { content: [use(`toolu_cp_cmd_${n}`, 'run_command', { command: 'cp template.txt data.txt' })] },
  { content: [{ type: 'text' as const, text: `checkpoint-task ${n} finished.` }] },
];
const SCRIPT: FakeScript = { turns: [...task(1), ...task(2)] };

const START: Record<string, string> = { 'data.txt': 'one\nline two\n', 'old.txt': 'old file\n', 'template.txt': 'from the template\n' };

/** Every file and folder of the workspace with its exact bytes. */
function listing(root: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (dir: string, rel: string) => {
    for (const name of readdirSync(dir).sort()) {
      const r = rel ? `${rel}/${name}` : name;
      const abs = join(dir, name);
      if (lstatSync(abs).isDirectory()) {
        out[`${r}/`] = 'dir';
        walk(abs, r);
      } else out[r] = readFileSync(abs).toString('base64');
    }
  };
  walk(root, '');
  return out;
}

describe('checkpoints in a real VS Code', { timeout: 15 * 60_000 }, () => {
  let wb: LaunchedWorkbench;
  const ws = (rel: string): string => join(wb.workspaceDir, rel);
  const states: Array<Record<string, string>> = [];

  workbenchWithModel(
    SCRIPT,
    {
      suite: 'checkpoints',
      settings: { 'warden.paths.autoApprove': ['**'], 'warden.commands.allow': ['cp template.txt data.txt'] },
      viewport: { width: 1400, height: 860 },
      ready: async () => {
        for (const [p, c] of Object.entries(START)) writeFileSync(ws(p), c);
        await setApiKey(wb);
      },
    },
    (s) => ({ wb } = s),
  );

  const checkpointRow = async (frame: Frame, step: number, nth: number) => {
    const row = frame.locator('.checkpoint', { hasText: `Step ${step} changed` }).nth(nth);
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    return row;
  };

  /** The delete asks in a modal; confirm it. */
  const confirmDelete = async () => {
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 60_000 });
    await dialog
      .locator('a.monaco-button', { hasText: /^Delete$/ })
      .first()
      .click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  };

  const restoreVia = async (row: Awaited<ReturnType<typeof checkpointRow>>, name: RegExp, expectInDialog: RegExp, shot?: string) => {
    await row.getByRole('button', { name }).click();
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ state: 'visible', timeout: 30_000 });
    const text = await dialog.innerText();
    assert.match(text, expectInDialog);
    if (shot) await wb.screenshot(shot);
    await dialog
      .locator('a.monaco-button', { hasText: /^Restore$/ })
      .first()
      .click();
    await dialog.waitFor({ state: 'detached', timeout: 30_000 });
    await wb.waitForNotification(/restored to checkpoint/);
    await wb.clearNotifications();
  };

  it('each changing step shows a row; Compare opens the diff editor on the checkpoint and now', { timeout: 180_000 }, async () => {
    states.push(listing(wb.workspaceDir));
    await sendChat(wb, 'checkpoint task one');
    await confirmDelete();
    await waitForChatText(wb, 'checkpoint-task 1 finished.');
    await waitForFile(ws('data.txt'), (c) => c === 'from the template\n');
    const frame = await chatFrame(wb);
    for (const step of [1, 2, 3, 4]) await checkpointRow(frame, step, 0);
    const row4 = await checkpointRow(frame, 4, 0);
    assert.match(await row4.innerText(), /Step 4 changed 1 file/);
    await wb.screenshot('01-checkpoint-rows');
    await row4.getByRole('button', { name: /Compare the files of step 4/ }).click();
    const tab = wb.page.locator('.tabs-container .tab', { hasText: /data\.txt \(checkpoint [0-9a-f]{12} ↔ now\)/ });
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    const diff = wb.page.locator('.editor-group-container.active .monaco-diff-editor');
    await diff.waitFor({ state: 'visible', timeout: 30_000 });
    const left = await diff.locator('.editor.original .view-lines').innerText();
    const right = await diff.locator('.editor.modified .view-lines').innerText();
    assert.match(left.replace(/\u00a0/g, ' '), /two\s*line two/, `checkpoint side: ${left}`);
    assert.match(right.replace(/\u00a0/g, ' '), /from the template/, `now side: ${right}`);
    await wb.screenshot('02-compare-diff-editor');
  });

  it('Restore brings the files back step by step, byte for byte', { timeout: 180_000 }, async () => {
    const frame = await chatFrame(wb);
    const expected = [
      { ...START },
      { ...START, 'notes/plan.md': '# plan\n' },
      { ...START, 'notes/plan.md': '# plan\n', 'data.txt': 'two\nline two\n' },
      { 'data.txt': 'two\nline two\n', 'template.txt': START['template.txt'] as string, 'notes/plan.md': '# plan\n' },
    ];
    const base = states[0] ?? {};
    for (let step = 4; step >= 1; step--) {
      await restoreVia(
        await checkpointRow(frame, step, 0),
        new RegExp(`Restore the files to before step ${step}`),
        /Restore \d+ file\(s\) to checkpoint/,
        step === 4 ? '03-restore-modal' : undefined,
      );
      const want = expected[step - 1] as Record<string, string>;
      await waitForFile(ws('data.txt'), (c) => c === want['data.txt']);
      const now = listing(wb.workspaceDir);
      for (const [p, c] of Object.entries(want))
        assert.equal(now[p], Buffer.from(c).toString('base64'), `after restoring step ${step}: ${p}`);
      if (step === 1) assert.deepEqual(now, base, 'the whole workspace is byte-identical to before the task');
    }
  });

  it('Restore to here puts the whole task back at once', { timeout: 180_000 }, async () => {
    await sendChat(wb, 'checkpoint task two');
    await confirmDelete();
    await waitForChatText(wb, 'checkpoint-task 2 finished.');
    const frame = await chatFrame(wb);
    const row = await checkpointRow(frame, 3, 1);
    await restoreVia(
      row,
      /Restore every file the task changed/,
      /restore data\.txt\s*[\s\S]*delete notes\/plan\.md[\s\S]*restore old\.txt/,
      '04-restore-task-modal',
    );
    await waitForFile(ws('old.txt'), (c) => c === 'old file\n');
    assert.deepEqual(listing(wb.workspaceDir), states[0]);
    await wb.screenshot('05-restored');
  });
});
