import { existsSync } from 'node:fs';
import { defaultSettings, parseFlatSettings } from '../core/policy/settings';
import { withSuggestion, type RuleSuggestion, type RuleWriter } from '../core/policy/suggestRules';
import { readSettingsFile, writeSettingsKey } from '../node/settingsFiles';

/**
 * The CLI's "always allow": appends a suggested rule to the user settings
 * file given with `--settings`. A setting the file does not hold yet starts
 * from its default list (so `ls *` and friends stay), as VS Code would.
 * A run keeps the policy it started with: the rule applies from the next run.
 */
export function fileRuleWriter(path: string): RuleWriter {
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
      return r.ok ? Promise.resolve() : Promise.reject(new Error(r.message));
    },
  };
}
