import type { Redactor } from '../secrets/redactor';
import type { CommandRunner, RunRequest, RunResult } from './runner';

/**
 * Wraps a runner so nothing it produces reaches anyone unredacted: streamed
 * chunks pass one stream redactor per stream (a value split across chunks is
 * still caught), and the final stdout/stderr pass the redactor whole.
 */
export function redactingRunner(inner: CommandRunner, redactor: () => Redactor): CommandRunner {
  return {
    kind: inner.kind,
    async run(req: RunRequest): Promise<RunResult> {
      const r = redactor();
      const { onOutput } = req;
      let wrapped: RunRequest = req;
      let finishStreams = () => undefined as void;
      if (onOutput !== undefined) {
        const streams = { stdout: r.stream(), stderr: r.stream() };
        wrapped = {
          ...req,
          onOutput: (chunk, stream) => {
            const safe = streams[stream].push(chunk);
            if (safe !== '') onOutput(safe, stream);
          },
        };
        finishStreams = () => {
          for (const name of ['stdout', 'stderr'] as const) {
            const rest = streams[name].flush();
            if (rest !== '') onOutput(rest, name);
          }
        };
      }
      try {
        const result = await inner.run(wrapped);
        return { ...result, stdout: r.redact(result.stdout), stderr: r.redact(result.stderr) };
      } finally {
        finishStreams();
      }
    },
    updateConfig: inner.updateConfig?.bind(inner),
    dispose: () => inner.dispose(),
  };
}
