import { toolInputSchemas } from './schemas';
import { NO_TARGET, fail, ok, resolvedTarget, type ToolModule } from './tool';
import type { TextRead } from './ports';

export function describeUnreadable(read: Exclude<TextRead, { kind: 'text' }>, rel: string, maxBytes: number): string {
  switch (read.kind) {
    case 'binary':
      return `${rel} is a binary file (${read.size} bytes); read_file only returns text.`;
    case 'too-large':
      return `${rel} is ${read.size} bytes, over the ${maxBytes}-byte read cap; read_file refuses it.`;
    case 'missing':
      return `${rel} does not exist.`;
    case 'not-a-file':
      return `${rel} is a ${read.type}, not a file.`;
  }
}

export const readFileTool: ToolModule<'read_file'> = {
  name: 'read_file',
  description:
    'Read a UTF-8 text file in the workspace. Optional offset (first line, from 0) and limit (number of lines). Binary files and files over the read cap are refused.',
  schema: toolInputSchemas.read_file,
  risk: 'read',
  plan(_input, decided) {
    const target = resolvedTarget(decided);
    if (!target) return Promise.resolve({ kind: 'invalid', tool: 'read_file', error: NO_TARGET });
    return Promise.resolve({ kind: 'read', tool: 'read_file', target, summary: `Read ${target.relative}` });
  },
  async run(input, decided, ctx) {
    const target = resolvedTarget(decided);
    if (!target) return fail(NO_TARGET);
    const read = await ctx.fs.readText(target.absolute, ctx.limits.maxReadBytes);
    if (read.kind !== 'text') return fail(describeUnreadable(read, target.relative, ctx.limits.maxReadBytes));
    if (input.offset === undefined && input.limit === undefined) return ok(read.text, { bytes: read.size });
    const lines = read.text.split('\n');
    const from = Math.min(input.offset ?? 0, lines.length);
    const to = Math.min(from + (input.limit ?? lines.length), lines.length);
    const body = lines.slice(from, to).join('\n');
    return ok(`[lines ${from}-${Math.max(from, to - 1)} of ${lines.length} in ${target.relative}]\n${body}`, { bytes: read.size });
  },
};
