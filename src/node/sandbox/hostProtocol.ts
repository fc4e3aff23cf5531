import * as z from 'zod';
import { sandboxConfigSchema } from './runnerOptions';

/**
 * Messages between a sandbox-runtime runner and its host child process
 * (`child_process.fork`, JSON serialisation). Both sides validate what
 * arrives; anything else is dropped and reported.
 */
const limitsSchema = z.strictObject({ memoryMiB: z.number().int().positive(), cpuSeconds: z.number().int().positive() });

export const toHostSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('init'),
    config: sandboxConfigSchema,
    /** Scratch folder (writable inside the sandbox; HOME and TMPDIR point into it). */
    tempRoot: z.string().min(1),
    home: z.string().min(1),
    tmp: z.string().min(1),
    /** A folder to hide entirely (the real home, where ambient credentials live), or null. */
    hideHome: z.string().min(1).nullable(),
  }),
  z.strictObject({ type: z.literal('update'), config: sandboxConfigSchema }),
  z.strictObject({
    type: z.literal('run'),
    id: z.number().int().nonnegative(),
    command: z.string().min(1),
    cwd: z.string().min(1),
    /** The whole environment of the command (already scrubbed, secrets included). */
    env: z.record(z.string(), z.string()),
    timeoutMs: z.number().int().positive(),
    maxOutputBytes: z.number().int().nonnegative(),
    limits: limitsSchema,
  }),
  z.strictObject({ type: z.literal('cancel'), id: z.number().int().nonnegative() }),
]);
export type ToHost = z.infer<typeof toHostSchema>;

const resultSchema = z.strictObject({
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  droppedBytes: z.strictObject({ stdout: z.number().int().nonnegative(), stderr: z.number().int().nonnegative() }),
  timedOut: z.boolean(),
  cancelled: z.boolean(),
  durationMs: z.number().nonnegative(),
});

export const fromHostSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), pid: z.number().int() }),
  z.strictObject({ type: z.literal('init-error'), message: z.string() }),
  z.strictObject({ type: z.literal('updated') }),
  /** The command's process group, so the runner can kill it should the host die. */
  z.strictObject({ type: z.literal('started'), id: z.number().int().nonnegative(), pid: z.number().int().positive() }),
  z.strictObject({ type: z.literal('output'), id: z.number().int().nonnegative(), stream: z.enum(['stdout', 'stderr']), chunk: z.string() }),
  z.strictObject({ type: z.literal('result'), id: z.number().int().nonnegative(), result: resultSchema }),
  z.strictObject({ type: z.literal('error'), id: z.number().int().nonnegative().nullable(), message: z.string() }),
]);
export type FromHost = z.infer<typeof fromHostSchema>;
export type HostRunResult = z.infer<typeof resultSchema>;

/** One line naming what was wrong with a message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
}
