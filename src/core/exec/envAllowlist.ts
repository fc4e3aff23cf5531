import { isSecretName } from '../secrets/secretName';

/**
 * The only variables of the caller's environment a command sees; everything
 * else (tokens, cloud credentials, SSH agents…) is dropped. HOME and TMPDIR
 * are replaced by the runner's own temporary folders.
 */
export const ENV_ALLOWLIST = ['PATH', 'LANG', 'LC_ALL', 'LC_CTYPE', 'LC_MESSAGES', 'TERM', 'TZ', 'COLORTERM'] as const;

export interface CommandEnvParts {
  /** The caller's environment (only allowlisted names are read). */
  readonly inherited: Readonly<Record<string, string | undefined>>;
  readonly home: string;
  readonly tmpdir: string;
  /** Secrets granted to this call, already approved. */
  readonly secretEnv: Readonly<Record<string, string>>;
}

/**
 * Builds a command's environment: the allowlist, a temporary HOME and TMPDIR,
 * then the granted secrets. A secret whose name is not a valid variable name
 * or that would replace PATH/HOME/TMPDIR is an error, not silently dropped.
 */
export function buildCommandEnv(parts: CommandEnvParts): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of ENV_ALLOWLIST) {
    const v = parts.inherited[name];
    if (typeof v === 'string') env[name] = v;
  }
  env.PATH ??= '/usr/local/bin:/usr/bin:/bin';
  env.HOME = parts.home;
  env.TMPDIR = parts.tmpdir;
  // `git status` and friends then do not take .git/index.lock to refresh the index on the side
  // (a write into .git that the sandbox would drop on every run), as editors do for background status.
  env.GIT_OPTIONAL_LOCKS = '0';
  for (const [name, value] of Object.entries(parts.secretEnv)) {
    if (!isSecretName(name)) throw new Error(`secret name '${name}' is not a valid environment variable name`);
    if (name === 'PATH' || name === 'HOME' || name === 'TMPDIR' || name === 'GIT_OPTIONAL_LOCKS')
      throw new Error(`secret name '${name}' would replace ${name}`);
    env[name] = value;
  }
  return env;
}
