import * as z from 'zod';
import { secretNameSchema } from '../../core/secrets/secretName';
import type { ResourceLimits, RunRequest, SandboxConfig } from '../../core/exec/runner';

const absolute = z
  .string()
  .min(1)
  .refine((p) => p.startsWith('/') && !p.includes('\0'), 'must be an absolute path without NUL bytes');

export const sandboxConfigSchema = z.strictObject({
  writableRoots: z.array(absolute).min(1, 'at least one workspace folder is needed'),
  denyRead: z.array(z.string().min(1).max(1000)).max(1000).optional(),
  caseInsensitive: z.boolean().optional(),
  hiddenPaths: z.array(absolute),
  readOnlyPaths: z.array(absolute),
  allowedHosts: z.array(
    z
      .string()
      .min(1)
      .max(253)
      .regex(/^[A-Za-z0-9*.:[\]_-]+$/, 'host, *.domain or host:port'),
  ),
  forbidUnsandboxed: z.boolean().optional(),
});

/** Validates a sandbox config (fail closed: a bad one throws, naming the field). */
export function parseSandboxConfig(config: SandboxConfig): z.infer<typeof sandboxConfigSchema> {
  const r = sandboxConfigSchema.safeParse(config);
  if (!r.success) throw new Error(`invalid sandbox config: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  return r.data;
}

const requestSchema = z.object({
  command: z.string().min(1).max(100_000),
  cwd: absolute,
  secretEnv: z.record(secretNameSchema, z.string()),
  timeoutMs: z
    .number()
    .int()
    .positive()
    .max(24 * 3600 * 1000),
  maxOutputBytes: z.number().int().nonnegative(),
  approvedByPerson: z.boolean(),
});

/** Validates the plain fields of a run request; the message names what was wrong. */
export function checkRunRequest(req: RunRequest): string | null {
  const r = requestSchema.safeParse({
    command: req.command,
    cwd: req.cwd,
    secretEnv: req.secretEnv,
    timeoutMs: req.timeoutMs,
    maxOutputBytes: req.maxOutputBytes,
    approvedByPerson: req.approvedByPerson,
  });
  return r.success ? null : `invalid run request: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`;
}

/** True when `cwd` is one of the writable roots or inside one. */
export function insideRoots(cwd: string, roots: readonly string[]): boolean {
  return roots.some((r) => cwd === r || cwd.startsWith(r.endsWith('/') ? r : `${r}/`));
}

export interface RunnerCommonOptions {
  readonly config: SandboxConfig;
  /** PATH for finding the sandbox tools and for commands; the caller's PATH when absent. */
  readonly pathEnv?: string;
  /** The environment the allowlist is read from (the caller's when absent). */
  readonly inheritedEnv?: Readonly<Record<string, string | undefined>>;
  readonly defaultLimits?: ResourceLimits;
  /** Where the scratch folder is made (the system temp folder when absent). */
  readonly tempParent?: string;
  /** Folder hidden inside the sandbox (ambient credentials); the real home when absent, null for none. */
  readonly hideHome?: string | null;
  /** Folders never visible to a command wherever they are: the editor's and Warden's own storage (the audit log). */
  readonly privateDirs?: readonly string[];
  /** Size of each command's scratch tmpfs (its changes, HOME, /tmp), in MiB. */
  readonly scratchMiB?: number;
  /** Most entries the workspace index holds before it gives up (the view is then incomplete). */
  readonly maxIndexedEntries?: number;
  /** Longest a command not approved by a person waits for the first index of the workspace before it is refused. */
  readonly viewWaitMs?: number;
}
