export interface SecretEnvRequest {
  /** What `Guard.secretsGrantedTo(command)` answered for this command line. */
  readonly granted: readonly string[];
  /** The names the model asked for (`run_command.secrets`). */
  readonly requested: readonly string[];
  /** True only when a person approved this exact call. */
  readonly approvedByPerson: boolean;
}

export interface SecretEnvPlan {
  /** Requested and granted: these, and only these, are injected. */
  readonly inject: readonly string[];
  /** Requested but not granted to this command: never injected. */
  readonly notGranted: readonly string[];
}

/**
 * Which requested secrets may be injected into a command: the one place that
 * decides it (run_command asks here). Without a person's approval nothing is.
 */
export function planSecretEnv(req: SecretEnvRequest): SecretEnvPlan {
  const granted = new Set(req.granted);
  const requested = [...new Set(req.requested)];
  const inject = req.approvedByPerson ? requested.filter((n) => granted.has(n)) : [];
  const notGranted = requested.filter((n) => !granted.has(n));
  return { inject, notGranted };
}
