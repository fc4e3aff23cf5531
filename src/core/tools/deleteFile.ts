import { defineBuiltin, str } from './builtin';
import { unifiedDiff } from './diffText';
import { NO_TARGET, fail, ok, resolvedTarget, type ToolModule } from './tool';
import { CHANGED, changedSincePlan, currentText } from './writeFile';

export const deleteFileTool: ToolModule<'delete_file'> = defineBuiltin({
  name: 'delete_file',
  description: 'Delete one file in the workspace (never a folder). Always asks a person first.',
  risk: 'destructive',
  async plan(_input, decided, ctx) {
    const target = resolvedTarget(decided);
    if (!target) return { kind: 'invalid', tool: 'delete_file', error: NO_TARGET };
    const stat = await ctx.fs.stat(target.absolute);
    if (!stat) return { kind: 'invalid', tool: 'delete_file', error: `${target.relative} does not exist.` };
    if (stat.type !== 'file')
      return { kind: 'invalid', tool: 'delete_file', error: `${target.relative} is a ${stat.type}; delete_file only deletes files.` };
    const cur = await currentText(ctx, target);
    const old = 'error' in cur ? `(${cur.error})` : cur.text;
    return {
      kind: 'write',
      tool: 'delete_file',
      target,
      oldContent: old,
      newContent: null,
      diff: unifiedDiff(target.relative, old, null),
      summary: `Delete ${target.relative}`,
    };
  },
  async run(_input, decided, ctx, _facts, planned) {
    const target = resolvedTarget(decided);
    if (!target) return fail(NO_TARGET);
    const stat = await ctx.fs.stat(target.absolute);
    if (!stat) return fail(`${target.relative} does not exist.`);
    if (stat.type !== 'file') return fail(`${target.relative} is a ${stat.type}; delete_file only deletes files.`);
    const cur = await currentText(ctx, target);
    if (!('error' in cur) && changedSincePlan(planned, cur.text)) return fail(CHANGED);
    await ctx.fs.delete(target.absolute);
    return ok(`Deleted ${target.relative}.`);
  },
  request: (input) => ({ kind: 'write', path: input.path, op: 'delete' }),
  grant: () => ({ refused: 'Deletes always ask.' }),
  summary: (i) => `delete ${str(i, 'path')}`,
  editing: null,
});
