import * as z from 'zod';
import { secretNameSchema } from '../secrets/secretName';

/**
 * The tools the model may call: names and inputs are a contract shared by the
 * guard, the agent loop, the CLI and the audit log. Unknown tools and inputs
 * that fail these schemas are denied.
 */
const relPath = z.string().min(1).max(4096).describe('Path, relative to the workspace root (or absolute inside it).');

const includeIgnored = z
  .boolean()
  .optional()
  .describe('Also files that .gitignore, .ignore or .rgignore exclude, and node_modules (default: false). Denied files stay out.');

export const toolInputSchemas = {
  read_file: z.strictObject({
    path: relPath,
    offset: z.number().int().min(0).optional().describe('First line to return, counted from 0.'),
    limit: z.number().int().min(1).max(20000).optional().describe('Most lines to return.'),
  }),
  list_files: z.strictObject({
    path: relPath.optional().describe('Folder to list; the workspace root when absent.'),
    glob: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .describe(
        'Only files matching this glob (minimatch, relative to the folder; a glob without "/" also matches file names at any depth).',
      ),
    include_ignored: includeIgnored,
  }),
  search_text: z.strictObject({
    query: z.string().min(1).max(1000),
    path: relPath.optional(),
    glob: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .describe(
        'Only files matching this glob (minimatch, relative to the folder; a glob without "/" also matches file names at any depth).',
      ),
    regex: z.boolean().optional().describe('Treat query as a regular expression (ripgrep syntax).'),
    include_ignored: includeIgnored,
  }),
  write_file: z.strictObject({
    path: relPath,
    content: z.string().max(5_000_000),
  }),
  edit_file: z.strictObject({
    path: relPath,
    old_text: z.string().min(1).max(1_000_000).describe('Exact text to replace; it must occur exactly once.'),
    new_text: z.string().max(1_000_000),
  }),
  delete_file: z.strictObject({
    path: relPath,
  }),
  run_command: z.strictObject({
    command: z.string().min(1).max(20000).describe('A shell command line (bash syntax).'),
    cwd: relPath.optional().describe('Working folder, inside the workspace; the root when absent.'),
    secrets: z.array(secretNameSchema).max(20).optional().describe('Names of secrets to receive as environment variables.'),
    timeout_s: z.number().int().min(1).max(3600).optional(),
  }),
  fetch_url: z.strictObject({
    url: z.string().min(1).max(8192),
  }),
} as const;

export type ToolName = keyof typeof toolInputSchemas;
export type ToolInput<N extends ToolName> = z.infer<(typeof toolInputSchemas)[N]>;

export const TOOL_NAMES = Object.keys(toolInputSchemas) as ToolName[];

export type ToolClass = 'read' | 'write' | 'destructive' | 'execute' | 'network';

export const toolClass: Record<ToolName, ToolClass> = {
  read_file: 'read',
  list_files: 'read',
  search_text: 'read',
  write_file: 'write',
  edit_file: 'write',
  delete_file: 'destructive',
  run_command: 'execute',
  fetch_url: 'network',
};

export function isToolName(name: string): name is ToolName {
  return Object.hasOwn(toolInputSchemas, name);
}

/** A tool call as proposed: a name and an input that has not been validated yet. */
export interface ProposedCall {
  readonly tool: string;
  readonly input: unknown;
}

/** A call whose name is known and whose input passed its schema. */
export type ValidCall = { [N in ToolName]: { readonly tool: N; readonly input: ToolInput<N> } }[ToolName];
