import { defineBuiltin, writeGrant, str } from './builtin';
import { unifiedDiff } from './diffText';
import type { ToolInput } from './schemas';
import { NO_TARGET, fail, ok, resolvedTarget, type ToolModule } from './tool';
import { CHANGED, changedSincePlan, currentText, editedContent } from './writeFile';

/** Counts non-overlapping occurrences (stops at 2: only "none", "one" or "several" matter). */
function occurrences(text: string, needle: string): number {
  let count = 0;
  let at = text.indexOf(needle);
  while (at !== -1 && count < 2) {
    count++;
    at = text.indexOf(needle, at + needle.length);
  }
  return count;
}

/** The edited text, or why the edit cannot be applied. */
export function applyEdit(text: string | null, input: ToolInput<'edit_file'>, relative: string): { text: string } | { error: string } {
  if (text === null) return { error: `${relative} does not exist; use write_file to create it.` };
  const n = occurrences(text, input.old_text);
  if (n === 0) return { error: `old_text was not found in ${relative}; nothing was changed. Read the file and copy the text exactly.` };
  if (n > 1)
    return {
      error: `old_text occurs more than once in ${relative}; nothing was changed. Include more surrounding text so it matches exactly once.`,
    };
  const at = text.indexOf(input.old_text);
  return { text: text.slice(0, at) + input.new_text + text.slice(at + input.old_text.length) };
}

export const editFileTool: ToolModule<'edit_file'> = defineBuiltin({
  name: 'edit_file',
  description:
    'Replace exactly one occurrence of old_text with new_text in a text file. Fails, changing nothing, if old_text occurs zero or several times.',
  risk: 'write',
  async plan(input, decided, ctx) {
    const target = resolvedTarget(decided);
    if (!target) return { kind: 'invalid', tool: 'edit_file', error: NO_TARGET };
    const cur = await currentText(ctx, target);
    if ('error' in cur) return { kind: 'invalid', tool: 'edit_file', error: cur.error };
    const edited = applyEdit(cur.text, input, target.relative);
    if ('error' in edited) return { kind: 'invalid', tool: 'edit_file', error: edited.error };
    return {
      kind: 'write',
      tool: 'edit_file',
      target,
      oldContent: cur.text,
      newContent: edited.text,
      diff: unifiedDiff(target.relative, cur.text, edited.text),
      summary: `Edit ${target.relative}`,
    };
  },
  async run(input, decided, ctx, facts, planned) {
    const target = resolvedTarget(decided);
    if (!target) return fail(NO_TARGET);
    const cur = await currentText(ctx, target);
    if ('error' in cur) return fail(cur.error);
    if (changedSincePlan(planned, cur.text)) return fail(CHANGED);
    const edited = applyEdit(cur.text, input, target.relative);
    if ('error' in edited) return fail(edited.error);
    await ctx.fs.writeAtomic(target.absolute, edited.text, facts.signal);
    return ok(`Edited ${target.relative}.`, { diff: unifiedDiff(target.relative, cur.text, edited.text), bytes: edited.text.length });
  },
  request: (input) => ({ kind: 'write', path: input.path, op: 'write' }),
  grant: (_input, decided) => writeGrant(decided),
  summary: (i) => `edit ${str(i, 'path')}`,
  editing: { kind: 'content', apply: (input, answer) => editedContent(input.path, answer) },
});
