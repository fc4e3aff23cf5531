import * as z from 'zod';

/**
 * Messages between a sandbox-runtime runner and its host child process
 * (`child_process.fork`, JSON serialisation). The host owns only
 * sandbox-runtime's filtering proxy and its bridge socket; commands are run
 * by the runner itself. Both sides validate what arrives; anything else is
 * dropped and reported.
 */
const hostsSchema = z.array(
  z
    .string()
    .min(1)
    .max(253)
    .regex(/^[A-Za-z0-9*.:[\]_-]+$/, 'host, *.domain or host:port'),
);

export const toHostSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('init'), allowedHosts: hostsSchema }),
  z.strictObject({ type: z.literal('update'), allowedHosts: hostsSchema }),
]);
export type ToHost = z.infer<typeof toHostSchema>;

export const fromHostSchema = z.discriminatedUnion('type', [
  /** The proxy runs: `socket` is the Unix socket its bridge listens on, `token` the proxy's credential. */
  z.strictObject({ type: z.literal('ready'), pid: z.number().int(), socket: z.string().min(1), token: z.string() }),
  z.strictObject({ type: z.literal('init-error'), message: z.string() }),
  z.strictObject({ type: z.literal('updated') }),
  z.strictObject({ type: z.literal('error'), message: z.string() }),
]);
export type FromHost = z.infer<typeof fromHostSchema>;

/** One line naming what was wrong with a message. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(message)'}: ${i.message}`).join('; ');
}
