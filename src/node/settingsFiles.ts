import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { stripJsonc } from '../core/text/jsonc';

/** A settings file as the CLI reads it: a flat JSON object of `warden.*` keys (settings.json shape). */
export type SettingsFileResult = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly message: string };

/** Reads one settings file; a missing or unreadable file, or bad JSON, is an error naming the file. */
export function readSettingsFile(path: string): SettingsFileResult {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    return { ok: false, message: `cannot read settings file ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  return parseJsoncObject(text, path);
}

/** Parses settings.json-shaped text (comments and trailing commas allowed) that must hold one object. */
export function parseJsoncObject(text: string, path: string): SettingsFileResult {
  try {
    const value: unknown = JSON.parse(stripJsonc(text));
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return { ok: false, message: `settings file ${path} must hold a JSON object of "warden.*" keys` };
    }
    return { ok: true, value };
  } catch (err) {
    return { ok: false, message: `settings file ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
}

/**
 * Sets one key of a settings file, keeping every other key: written to a
 * temporary file beside it, then renamed over it. A file with comments is
 * left alone (rewriting it would drop them): the caller says what to add.
 * A missing file is created.
 */
export function writeSettingsKey(path: string, key: string, value: unknown): { ok: true } | { ok: false; message: string } {
  let text = '{}';
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      return { ok: false, message: `cannot read settings file ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (stripJsonc(text).trim() !== text.trim())
    return { ok: false, message: `settings file ${path} holds comments or trailing commas, which rewriting would lose` };
  let current: unknown;
  try {
    current = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    return { ok: false, message: `settings file ${path} is not valid JSON: ${err instanceof Error ? err.message : String(err)}` };
  }
  if (typeof current !== 'object' || current === null || Array.isArray(current))
    return { ok: false, message: `settings file ${path} must hold a JSON object` };
  const next = { ...(current as Record<string, unknown>), [key]: value };
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    return { ok: false, message: `cannot write settings file ${path}: ${err instanceof Error ? err.message : String(err)}` };
  }
  return { ok: true };
}
