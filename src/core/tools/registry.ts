import { deleteFileTool } from './deleteFile';
import { editFileTool } from './editFile';
import { fetchUrlTool } from './fetchUrl';
import { listFilesTool } from './listFiles';
import { readFileTool } from './readFile';
import { runCommandTool } from './runCommand';
import { searchTextTool } from './searchText';
import { writeFileTool } from './writeFile';
import type { ToolName } from './schemas';
import type { ToolEntry, ToolModule } from './tool';
import type { ToolDefinition } from '../agent/model';

/** The eight built-in tools, in the order they are offered (a stable order keeps the prompt cache warm). */
export const BUILTIN_TOOLS: readonly ToolModule[] = [
  readFileTool,
  listFilesTool,
  searchTextTool,
  writeFileTool,
  editFileTool,
  deleteFileTool,
  runCommandTool,
  fetchUrlTool,
];

const BUILTIN_BY_NAME: ReadonlyMap<string, ToolEntry> = new Map(BUILTIN_TOOLS.map((t) => [t.name, t]));

/** The built-in entry of that name, or undefined. */
export function builtinTool(name: string): ToolEntry | undefined {
  return BUILTIN_BY_NAME.get(name);
}

/**
 * The tools of one task: the built-ins and, after them, the tools of the MCP
 * servers that are running. Every question about a tool goes to its entry;
 * nothing else asks which tool a call is for.
 */
export interface ToolRegistry {
  get(name: string): ToolEntry | undefined;
  readonly entries: readonly ToolEntry[];
  /** Definitions for the Messages API, in registry order. */
  definitions(): ToolDefinition[];
  /** One line for a card: the entry's summary, or the input as JSON for a name no entry has. */
  summary(name: string, input: unknown): string;
}

export function toolDefinition(tool: ToolEntry): ToolDefinition {
  return { name: tool.name, description: tool.description, inputSchema: { ...tool.inputSchema } };
}

export function createToolRegistry(extra: readonly ToolEntry[] = []): ToolRegistry {
  const byName = new Map<string, ToolEntry>();
  for (const t of [...(BUILTIN_TOOLS as readonly ToolEntry[]), ...extra]) if (!byName.has(t.name)) byName.set(t.name, t);
  const entries = [...byName.values()];
  return {
    get: (name) => byName.get(name),
    entries,
    definitions: () => entries.map(toolDefinition),
    summary(name, input) {
      const loose = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
      const entry = byName.get(name);
      return entry ? entry.summary(loose) : JSON.stringify(input ?? null).slice(0, 200);
    },
  };
}

/** The card line for a call, from the built-ins alone (surfaces that see only a name and an input). */
export function summarizeBuiltin(name: string, input: unknown): string {
  const loose = input !== null && typeof input === 'object' ? (input as Record<string, unknown>) : {};
  const entry = BUILTIN_BY_NAME.get(name);
  return entry ? entry.summary(loose) : JSON.stringify(input ?? null).slice(0, 200);
}

/** Definitions of the built-in tools (a task with MCP servers uses its own registry's). */
export function toolDefinitions(): ToolDefinition[] {
  return createToolRegistry().definitions();
}

/** A built-in tool's entry by name (tests and tools that plan one another). */
export function toolModule(name: ToolName): ToolEntry {
  const entry = BUILTIN_BY_NAME.get(name);
  if (!entry) throw new Error(`no built-in tool ${name}`);
  return entry;
}
