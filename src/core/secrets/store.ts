/**
 * Where secret values live: VS Code SecretStorage in the extension, the
 * process environment in the CLI. Values are read only to inject them into a
 * command's environment and to build the redactor; they are never shown back.
 */
export interface SecretStore {
  get(name: string): Promise<string | undefined>;
  set(name: string, value: string): Promise<void>;
  delete(name: string): Promise<void>;
  /** Names only, never values. */
  list(): Promise<string[]>;
}

/** The name under which the model API key is stored; it is redacted like any secret. */
export const API_KEY_SECRET = 'ANTHROPIC_API_KEY';
