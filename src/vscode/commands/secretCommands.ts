import * as vscode from 'vscode';
import { API_KEY_SECRET, type SecretStore } from '../../core/secrets/store';
import { isSecretName } from '../../core/secrets/secretName';

/**
 * The secret commands. Values go from a password input box straight into
 * SecretStorage; nothing here ever shows, logs or returns a value.
 */
export function secretCommands(store: SecretStore, onChange: () => void) {
  async function setApiKey(): Promise<void> {
    const value = await vscode.window.showInputBox({
      title: 'Warden: Set API Key',
      prompt: 'Your Anthropic API key (or any non-empty key for a local endpoint). It is kept in VS Code SecretStorage.',
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v.trim() ? undefined : 'The key cannot be empty.'),
    });
    if (value === undefined) return;
    await store.set(API_KEY_SECRET, value.trim());
    onChange();
    void vscode.window.showInformationMessage('Warden: API key saved in SecretStorage.');
  }

  async function setSecret(): Promise<void> {
    const existing = (await store.list()).filter((n) => n !== API_KEY_SECRET);
    const name = await vscode.window.showInputBox({
      title: 'Warden: Set Secret (1/2)',
      prompt:
        'Name of the secret, as the environment variable a command will receive. Grant it to commands in the setting `warden.secrets`.',
      placeHolder: existing.length ? `Existing: ${existing.join(', ')}` : 'NPM_TOKEN',
      ignoreFocusOut: true,
      validateInput: (v) => (isSecretName(v) ? undefined : 'Use letters, digits and _ (not starting with a digit).'),
    });
    if (!name) return;
    const value = await vscode.window.showInputBox({
      title: `Warden: Set Secret (2/2) — ${name}`,
      prompt: `Value of ${name}. It is kept in VS Code SecretStorage and never shown again.`,
      password: true,
      ignoreFocusOut: true,
      validateInput: (v) => (v ? undefined : 'The value cannot be empty.'),
    });
    if (value === undefined) return;
    await store.set(name, value);
    onChange();
    void vscode.window.showInformationMessage(`Warden: secret ${name} saved.`);
  }

  async function listSecrets(): Promise<void> {
    const names = await store.list();
    if (names.length === 0) {
      void vscode.window.showInformationMessage('Warden: no secrets are stored.');
      return;
    }
    await vscode.window.showQuickPick(
      names.map((label) => ({ label, description: label === API_KEY_SECRET ? 'model API key' : 'value hidden' })),
      {
        title: 'Warden: stored secrets (names only)',
        canPickMany: false,
      },
    );
  }

  async function deleteSecret(): Promise<void> {
    const names = await store.list();
    if (names.length === 0) {
      void vscode.window.showInformationMessage('Warden: no secrets are stored.');
      return;
    }
    const pick = await vscode.window.showQuickPick(names, { title: 'Warden: Delete Secret', placeHolder: 'Secret to delete' });
    if (!pick) return;
    const sure = await vscode.window.showWarningMessage(`Delete the secret ${pick}?`, { modal: true }, 'Delete');
    if (sure !== 'Delete') return;
    await store.delete(pick);
    onChange();
    void vscode.window.showInformationMessage(`Warden: secret ${pick} deleted.`);
  }

  return { setApiKey, setSecret, listSecrets, deleteSecret };
}
