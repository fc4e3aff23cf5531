import type { ApprovalAnswer } from '../agent/approver';
import { defineBuiltin, writeGrant, str } from './builtin';
import { unifiedDiff } from './diffText';
import { NO_TARGET, fail, ok, resolvedTarget, type ToolContext, type ToolModule, type ToolPlan, type ValidCall } from './tool';
import type { ResolvedPath } from '../policy/guard';

/** Current text of a write target: null when absent; an error string when it cannot be replaced safely. */
export async function currentText(ctx: ToolContext, target: ResolvedPath): Promise<{ text: string | null } | { error: string }> {
  const read = await ctx.fs.readText(target.absolute, ctx.limits.maxReadBytes);
  switch (read.kind) {
    case 'text':
      return { text: read.text };
    case 'missing':
      return { text: null };
    case 'binary':
      return { error: `${target.relative} is a binary file; Warden does not overwrite binary files.` };
    case 'too-large':
      return {
        error: `${target.relative} is ${read.size} bytes, over the ${ctx.limits.maxReadBytes}-byte cap; Warden will not replace it.`,
      };
    case 'not-a-file':
      return { error: `${target.relative} is a ${read.type}, not a file.` };
  }
}

/** Refuses to write over a file that changed between the approval and the write. */
export function changedSincePlan(planned: ToolPlan | null, now: string | null): boolean {
  return planned !== null && planned.kind === 'write' && planned.oldContent !== now;
}

export const CHANGED = 'The file changed after the change was planned and approved; nothing was written. Read it again and retry.';

/** A person's edit of a file change: it becomes a write_file of their content to the same path. */
export function editedContent(path: string, answer: Extract<ApprovalAnswer, { kind: 'approve-edited' }>): ValidCall | string {
  if (answer.content === undefined || answer.command !== undefined) return 'an edit of a file change must carry the edited content only';
  const r = writeFileTool.parse({ path, content: answer.content });
  return r.ok ? { tool: 'write_file', input: r.input, entry: writeFileTool } : r.error;
}

export const writeFileTool: ToolModule<'write_file'> = defineBuiltin({
  name: 'write_file',
  description: 'Create or replace a whole text file in the workspace with the given content. The write is atomic.',
  risk: 'write',
  async plan(input, decided, ctx) {
    const target = resolvedTarget(decided);
    if (!target) return { kind: 'invalid', tool: 'write_file', error: NO_TARGET };
    const cur = await currentText(ctx, target);
    if ('error' in cur) return { kind: 'invalid', tool: 'write_file', error: cur.error };
    return {
      kind: 'write',
      tool: 'write_file',
      target,
      oldContent: cur.text,
      newContent: input.content,
      diff: unifiedDiff(target.relative, cur.text, input.content),
      summary: `${cur.text === null ? 'Create' : 'Replace'} ${target.relative} (${input.content.length} characters)`,
    };
  },
  async run(input, decided, ctx, facts, planned) {
    const target = resolvedTarget(decided);
    if (!target) return fail(NO_TARGET);
    const cur = await currentText(ctx, target);
    if ('error' in cur) return fail(cur.error);
    if (changedSincePlan(planned, cur.text)) return fail(CHANGED);
    await ctx.fs.writeAtomic(target.absolute, input.content, facts.signal);
    const diff = unifiedDiff(target.relative, cur.text, input.content);
    return ok(`${cur.text === null ? 'Created' : 'Wrote'} ${target.relative} (${input.content.length} characters).`, {
      diff,
      bytes: input.content.length,
    });
  },
  request: (input) => ({ kind: 'write', path: input.path, op: 'write' }),
  grant: (_input, decided) => writeGrant(decided),
  summary: (i) => `write ${str(i, 'path')} (${str(i, 'content').length} chars)`,
  editing: { kind: 'content', apply: (input, answer) => editedContent(input.path, answer) },
  edited: (input) => ({
    summary: { chars: input.content.length },
    note: `The person edited the change before approving it; the file now holds their version (${input.content.length} characters), not yours. Read it before further edits.`,
  }),
});
