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
  return { key: `${tool}\u0000${d.target.absolute}`, description: `${tool} of ${d.target.relative || '.'}` };
}

/** Writes to one resolved, unprotected path may be granted for the session (write_file and edit_file share it). */
export function writeGrant(decided: GuardResult): GrantShape {
  const d = decided.details;
  if (d.kind !== 'path') return { refused: 'No resolved path.' };
  if (d.target.protected || decided.reason === 'protected-path') return { refused: 'Writes to protected paths always ask.' };
  return { key: `write\u0000${d.target.absolute}`, description: `writes to ${d.target.relative} (write_file and edit_file)` };
}
