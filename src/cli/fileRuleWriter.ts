import { existsSync } from 'node:fs';
import { defaultSettings, parseFlatSettings } from '../core/policy/settings';
import { withSuggestion, type RuleSuggestion, type RuleWriter } from '../core/policy/suggestRules';
import { readSettingsFile, writeSettingsKey } from '../node/settingsFiles';
import type { Guard } from '../core/policy/guard';

/**
 * The CLI's "always allow": appends a suggested rule to the user settings
 * file given with `--settings`. A setting the file does not hold yet starts
 * from its default list (so `ls *` and friends stay), as VS Code would.
 */
export function fileRuleWriter(path: string, onWritten: () => void = () => undefined): RuleWriter {
  const current = (s: RuleSuggestion): readonly string[] => {
    const r = existsSync(path) ? readSettingsFile(path) : { ok: true as const, value: {} };
    if (!r.ok) throw new Error(r.message);
    const values = parseFlatSettings(r.value).values;
    return values[s.setting] ?? defaultSettings()[s.setting];
  };
  return {
    where: `user settings file ${path}`,
    preview: (s) => Promise.resolve(withSuggestion(current(s), s)),
    write: (s) => {
      const r = writeSettingsKey(path, s.setting, withSuggestion(current(s), s));
      if (!r.ok) return Promise.reject(new Error(r.message));
      onWritten();
      return Promise.resolve();
    },
  };
}

/**
 * A guard that can be rebuilt while a run goes on (a rule was added): every
 * call goes to the newest one. A rebuild that fails to validate keeps the
 * one before, which allows less.
 */
export function liveGuard(first: Guard): { guard: Guard; replace(next: Guard): boolean } {
  let current = first;
  const guard: Guard = {
    get problems() {
      return current.problems;
    },
    get ignoredWorkspaceValues() {
      return current.ignoredWorkspaceValues;
    },
    decide: (call) => current.decide(call),
    canRead: (p) => current.canRead(p),
    readFilter: () => current.readFilter(),
    secretsGrantedTo: (line) => current.secretsGrantedTo(line),
  };
  return {
    guard,
    replace(next) {
      if (next.problems.length) return false;
      current = next;
      return true;
    },
  };
}
