import type { Settings } from '../core/policy/settings';
import { startAuditExport } from '../node/audit/auditExport';
import type { CliIo } from './run';

/** How long `warden run` waits at its end for the export to catch up; what is left is sent by the next run or `warden audit ship`. */
export const CLI_EXPORT_WAIT_MS = 5000;

/**
 * The audit export for a CLI command: started beside the log, never waited
 * on while the task runs; at the end it gets a bounded wait to deliver, and
 * what is still undelivered is named (it stays in the log, behind the
 * cursor, and goes out next time).
 */
export async function cliAuditExport(
  file: string,
  settings: Settings,
  env: Readonly<Record<string, string | undefined>>,
  io: CliIo,
  waitMs = CLI_EXPORT_WAIT_MS,
): Promise<{ finish(): Promise<boolean> } | null> {
  const say = (m: string) => io.stderr.write(`warden: audit export: ${m}\n`);
  const { exporter, problems } = await startAuditExport(file, settings, {
    env,
    secret: (n) => Promise.resolve(env[n]),
    onStatus: (t, m) => say(`${t}: ${m}`),
  });
  for (const p of problems) say(p);
  if (exporter === null) return null;
  return {
    async finish() {
      const done = await exporter.drained(waitMs);
      if (!done)
        for (const s of exporter.status())
          say(
            `${s.target}: events after seq ${s.delivered} are not delivered yet; they stay in ${file} and are sent the next time the export runs`,
          );
      await exporter.close();
      return done;
    },
  };
}
