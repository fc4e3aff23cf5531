import * as z from 'zod';
import { deleteFileTool } from './deleteFile';
import { editFileTool } from './editFile';
import { fetchUrlTool } from './fetchUrl';
import { listFilesTool } from './listFiles';
import { readFileTool } from './readFile';
import { runCommandTool } from './runCommand';
import { searchTextTool } from './searchText';
import { writeFileTool } from './writeFile';
import type { ToolName } from './schemas';
import type { ToolModule } from './tool';
import type { ToolDefinition } from '../agent/model';

type Registry = { readonly [N in ToolName]: ToolModule<N> };

export const TOOLS: Registry = {
  read_file: readFileTool,
  list_files: listFilesTool,
  search_text: searchTextTool,
  write_file: writeFileTool,
  edit_file: editFileTool,
  delete_file: deleteFileTool,
  run_command: runCommandTool,
  fetch_url: fetchUrlTool,
};

/** The module for a tool name, typed loosely (inputs are validated by its own schema first). */
export function toolModule(name: ToolName): ToolModule {
  return TOOLS[name];
}

/** JSON Schema for the Messages API, generated from the zod input schema. */
export function toolDefinition(tool: ToolModule): ToolDefinition {
  const { $schema: _drop, ...schema } = z.toJSONSchema(tool.schema, { target: 'draft-2020-12', io: 'input' }) as Record<string, unknown>;
  return { name: tool.name, description: tool.description, inputSchema: schema };
}

/** Definitions of the enabled tools, in a stable order (stable order keeps the prompt cache warm). */
export function toolDefinitions(enabled: readonly ToolName[] = Object.keys(TOOLS) as ToolName[]): ToolDefinition[] {
  return enabled.map((n) => toolDefinition(TOOLS[n]));
}
