import { toolInputSchemas } from './schemas';
import { NO_TARGET, fail, ok, resolvedTarget, type ToolModule } from './tool';
import { globFilter, shouldDescend, workspaceRelative } from './walkHelpers';

export const listFilesTool: ToolModule<'list_files'> = {
  name: 'list_files',
  description:
    'List files and folders under a workspace folder (the root when path is absent), recursively; folders end with "/". Optional glob (minimatch, relative to the folder). Files Warden may not read are omitted; .git and node_modules are listed but not entered.',
  schema: toolInputSchemas.list_files,
  risk: 'read',
  plan(_input, decided) {
    const target = resolvedTarget(decided);
    if (!target) return Promise.resolve({ kind: 'invalid', tool: 'list_files', error: NO_TARGET });
    return Promise.resolve({ kind: 'read', tool: 'list_files', target, summary: `List ${target.relative || '.'}` });
  },
  async run(input, decided, ctx, facts) {
    const target = resolvedTarget(decided);
    if (!target) return fail(NO_TARGET);
    const stat = await ctx.fs.stat(target.absolute);
    if (!stat) return fail(`${target.relative || '.'} does not exist.`);
    if (stat.type !== 'dir') return fail(`${target.relative} is not a folder.`);
    let match: (abs: string) => boolean;
    try {
      match = globFilter(input.glob, target.absolute);
    } catch (err) {
      return fail(`The glob is not valid: ${err instanceof Error ? err.message : String(err)}`);
    }
    const { entries, truncated } = await ctx.fs.walk(target.absolute, {
      maxEntries: ctx.limits.maxListEntries,
      maxDepth: 20,
      include: (abs) => ctx.guard.canRead(abs),
      descend: shouldDescend,
      signal: facts.signal,
    });
    const lines = entries
      .filter((e) => e.type === 'dir' || match(e.absolute))
      .filter((e) => input.glob === undefined || e.type !== 'dir')
      .map((e) => workspaceRelative(target, e.absolute) + (e.type === 'dir' ? '/' : ''));
    const note = truncated ? `\n[listing stopped at ${ctx.limits.maxListEntries} entries]` : '';
    return ok(lines.length === 0 ? '(no entries)' + note : lines.join('\n') + note);
  },
};
