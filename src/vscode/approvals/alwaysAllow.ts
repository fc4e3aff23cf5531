import * as vscode from 'vscode';
import type { ApprovalRequest } from '../../core/agent/approver';
import { defaultSettings } from '../../core/policy/settings';
import { withSuggestion, type RuleSuggestion, type RuleWriter } from '../../core/policy/suggestRules';

/**
 * "Always allow…" in VS Code: the rule goes to the user's settings.json
 * (`ConfigurationTarget.Global`), never to a workspace's. A setting the user
 * never set starts from its default list, so writing one rule does not drop
 * the defaults.
 */
export function userSettingsRuleWriter(): RuleWriter {
  const current = (s: RuleSuggestion): readonly string[] =>
    vscode.workspace.getConfiguration().inspect<string[]>(s.setting)?.globalValue ?? defaultSettings()[s.setting];
  return {
    where: 'your user settings',
    preview: (s) => Promise.resolve(withSuggestion(current(s), s)),
    write: async (s) => {
      await vscode.workspace.getConfiguration().update(s.setting, withSuggestion(current(s), s), vscode.ConfigurationTarget.Global);
    },
  };
}

/**
 * Offers the request's suggested rules (narrowest first) in a quick pick,
 * shows the chosen one as it will be written in a modal, and writes it
 * only when the person confirms. True when it was written.
 */
export async function offerAlwaysAllow(req: ApprovalRequest, writer: RuleWriter): Promise<boolean> {
  const s = req.suggestions;
  if (!s || 'none' in s) {
    void vscode.window.showInformationMessage(`Warden: no rule is offered for this call: ${s ? s.none : 'no suggestions'}.`);
    return false;
  }
  const picked = await vscode.window.showQuickPick(
    s.rules.map((r) => ({
      label: r.entries.join('  ·  '),
      description: `${r.setting}${r.narrowest ? ' (narrowest)' : ''}`,
      detail: r.label,
      rule: r,
    })),
    { title: 'Warden: always allow calls like this one', placeHolder: 'Pick the rule to add to your user settings (narrowest first)' },
  );
  if (!picked) return false;
  const next = await writer.preview(picked.rule);
  const action = 'Add Rule and Approve';
  const choice = await vscode.window.showWarningMessage(
    `Add ${picked.rule.entries.map((e) => `"${e}"`).join(', ')} to ${picked.rule.setting} in ${writer.where}?`,
    {
      modal: true,
      detail: `This is what will be written:\n\n"${picked.rule.setting}": ${JSON.stringify(next, null, 2)}\n\n${picked.rule.label}.`,
    },
    action,
  );
  if (choice !== action) return false;
  await writer.write(picked.rule);
  void vscode.window.showInformationMessage(`Warden: added ${picked.rule.entries.join(', ')} to ${picked.rule.setting} (user settings).`);
  return true;
}
