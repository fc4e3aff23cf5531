import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as z from 'zod';

/**
 * What a person (or their user settings) last accepted of each server: the
 * hash of its definition and of its tool list, and for a workspace-proposed
 * server the definition hash they approved. Kept outside the workspace.
 */
const pinSchema = z.strictObject({
  definition: z.string(),
  tools: z.string().nullable(),
  approved: z.string().nullable(),
});
const fileSchema = z.record(z.string(), pinSchema);
export type Pin = z.infer<typeof pinSchema>;

export interface PinStore {
  get(key: string): Pin | undefined;
  set(key: string, pin: Pin): void;
}

/** A pin file; one that does not parse is reported and treated as empty, so every server is approved and pinned anew. */
export function filePinStore(file: string, warn: (m: string) => void): PinStore {
  let pins: Record<string, Pin> = {};
  if (existsSync(file)) {
    try {
      pins = fileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
    } catch (err) {
      warn(
        `the MCP pin file ${file} is not valid (${err instanceof Error ? err.message.slice(0, 200) : String(err)}); no server counts as approved`,
      );
    }
  }
  return {
    get: (key) => (Object.hasOwn(pins, key) ? pins[key] : undefined),
    set(key, pin) {
      pins = { ...pins, [key]: pin };
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(`${file}.tmp`, `${JSON.stringify(pins, null, 2)}\n`, { mode: 0o600 });
      renameSync(`${file}.tmp`, file);
    },
  };
}
