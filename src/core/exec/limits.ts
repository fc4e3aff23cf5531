import type { ResourceLimits } from './runner';

/** Default wall-clock limit of a command, in seconds (`warden.commands.timeoutSeconds`). */
export const DEFAULT_TIMEOUT_S = 120;

/** Defaults that leave ordinary builds alone and stop runaway ones (the process count counts threads too). */
export const DEFAULT_LIMITS: ResourceLimits = { memoryMiB: 4096, cpuSeconds: 600, processes: 1024 };

/** Most bytes kept per stream unless the caller says otherwise. */
export const DEFAULT_MAX_OUTPUT_BYTES = 1_000_000;

/**
 * The timeout of one call in ms: the model's `timeout_s` when given, never above
 * the setting. Anything not a positive number falls back to the setting (fail closed: never unbounded).
 */
export function effectiveTimeoutMs(requestedSeconds: number | undefined, settingSeconds: number): number {
  const cap = Number.isFinite(settingSeconds) && settingSeconds > 0 ? settingSeconds : DEFAULT_TIMEOUT_S;
  const wanted = requestedSeconds !== undefined && Number.isFinite(requestedSeconds) && requestedSeconds > 0 ? requestedSeconds : cap;
  return Math.round(Math.min(wanted, cap) * 1000);
}

/** Limits for one call: the request's where valid, the defaults elsewhere. */
export function resolveLimits(requested: Partial<ResourceLimits> | undefined, defaults: ResourceLimits = DEFAULT_LIMITS): ResourceLimits {
  const pick = (v: number | undefined, d: number): number => (v !== undefined && Number.isInteger(v) && v > 0 ? v : d);
  return {
    memoryMiB: pick(requested?.memoryMiB, defaults.memoryMiB),
    cpuSeconds: pick(requested?.cpuSeconds, defaults.cpuSeconds),
    processes: pick(requested?.processes, defaults.processes ?? DEFAULT_LIMITS.processes ?? 1024),
  };
}

/**
 * A bash preamble that applies the limits to the command's shell and so to
 * every process it starts; if a limit cannot be set the command does not run.
 */
export function limitPreamble(limits: ResourceLimits): string {
  const kib = Math.floor(limits.memoryMiB) * 1024;
  const cpu = Math.floor(limits.cpuSeconds);
  return `ulimit -v ${kib} || exit 126\nulimit -t ${cpu} || exit 126\n`;
}

/** The script a runner hands to `bash -c`: the limits, then the command exactly as approved. */
export function limitedScript(command: string, limits: ResourceLimits): string {
  return `${limitPreamble(limits)}${command}`;
}
