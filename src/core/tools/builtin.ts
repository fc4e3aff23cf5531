import * as z from 'zod';
import { toolInputSchemas, type ToolInput, type ToolName } from './schemas';
import type { GuardResult } from '../policy/guard';
import type { GrantShape, ToolModule } from './tool';

type Spec<N extends ToolName> = Omit<ToolModule<N>, 'parse' | 'inputSchema' | 'schema'>;

/** JSON Schema for the Messages API, generated from a zod input schema. */
export function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _drop, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return rest;
}

/** A built-in tool's entry: the input schema, its JSON Schema and its one validation come from `toolInputSchemas`. */
export function defineBuiltin<N extends ToolName>(spec: Spec<N>): ToolModule<N> {
  const schema = toolInputSchemas[spec.name] as unknown as z.ZodType<ToolInput<N>>;
  let json: Record<string, unknown> | null = null;
  return {
    ...spec,
    schema,
    get inputSchema() {
      json ??= jsonSchemaOf(schema);
      return json;
    },
    parse(input) {
      const r = schema.safeParse(input);
      return r.success
        ? { ok: true, input: r.data }
        : { ok: false, error: `The input does not fit ${spec.name}'s schema: ${z.prettifyError(r.error)}` };
    },
  };
}

/** A loose input's string field, for one-line summaries. */
export function str(input: Readonly<Record<string, unknown>>, key: string): string {
  const v = input[key];
  return typeof v === 'string' ? v : '';
}

/** Reads of one resolved path may be granted for the session, per tool and path. */
export function readGrant(tool: string, decided: GuardResult): GrantShape {
  const d = decided.details;
  if (d.kind !== 'path') return { refused: 'No resolved path.' };
  const key = `${tool}\u0000${d.target.absolute}`;
  return { scopes: [{ scope: 'file', key, label: 'this path', description: `${tool} of ${d.target.relative || '.'}` }], covers: [key] };
}

/**
 * The folders holding a resolved relative path, nearest first, below the
 * workspace folder itself (`src/lib/a.ts` → `src/lib`, `src`). Anything but a
 * clean relative path (empty, absolute, `.` or `..` segments) has none.
 */
export function enclosingFolders(relative: string): string[] {
  const parts = relative.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..' || p.includes('\\'))) return [];
  return parts.slice(1).map((_p, i) => parts.slice(0, parts.length - 1 - i).join('/'));
}

function folderKey(root: string, folder: string): string {
  return `write\u0000folder\u0000${root}\u0000${folder}`;
}

/**
 * Writes to an unprotected resolved path may be granted for the session
 * (write_file and edit_file share these grants): this file, or every file
 * under its folder (`dir/**` within the same workspace folder; a file in the
 * workspace folder itself gets no folder grant, which would be the whole
 * workspace). A grant only answers what the guard asks: each call is still
 * resolved and decided first, denials stand, and protected paths — under a
 * granted folder or not — refuse grants and always ask.
 */
export function writeGrant(decided: GuardResult): GrantShape {
  const d = decided.details;
  if (d.kind !== 'path') return { refused: 'No resolved path.' };
  if (d.target.protected || decided.reason === 'protected-path') return { refused: 'Writes to protected paths always ask.' };
  const t = d.target;
  const file = {
    scope: 'file',
    key: `write\u0000${t.absolute}`,
    label: 'this file',
    description: `writes to ${t.relative} (file)`,
  } as const;
  const folders = enclosingFolders(t.relative);
  const covers = [file.key, ...folders.map((f) => folderKey(t.root, f))];
  const near = folders[0];
  if (near === undefined) return { scopes: [file], covers };
  const folder = {
    scope: 'folder',
    key: folderKey(t.root, near),
    label: `folder ${near}/**`,
    description: `writes under ${near}/** (folder)`,
  } as const;
  return { scopes: [file, folder], covers };
}
