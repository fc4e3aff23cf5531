import * as vscode from 'vscode';
import type { Settings } from '../../core/policy/settings';
import type { SecretStore } from '../../core/secrets/store';
import { exportConfigKey, startAuditExport } from '../../node/audit/auditExport';
import type { AuditExporter } from '../../node/audit/exporter';
import { onDidChangeWardenSettings } from '../settings/readSettings';

export interface AuditExportDeps {
  /** The live audit file. */
  readonly file: string;
  /** The effective settings (managed, user, workspace merged). */
  readonly settings: () => Promise<Settings>;
  readonly secrets: SecretStore;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly version: string;
  readonly log: (message: string) => void;
}

/**
 * Runs the audit export for the window: started from the effective settings
 * after activation (off its path), restarted when the export settings
 * change, stopped on dispose. It only reads the log, so no tool call waits
 * for it; what it could not deliver yet waits behind its cursor.
 */
export function registerAuditExport(d: AuditExportDeps): vscode.Disposable {
  let current: { key: string; exporter: AuditExporter | null } | null = null;
  let chain: Promise<void> = Promise.resolve();
  let disposed = false;
  const refresh = (): void => {
    chain = chain
      .then(async () => {
        if (disposed) return;
        const s = await d.settings();
        const key = exportConfigKey(s);
        if (current?.key === key) return;
        await current?.exporter?.close();
        const { exporter, problems } = await startAuditExport(d.file, s, {
          env: d.env,
          secret: (n) => d.secrets.get(n),
          version: d.version,
          onStatus: (t, m) => d.log(`audit export (${t}): ${m}`),
        });
        for (const p of problems) d.log(`audit export: ${p}`);
        if (exporter !== null)
          d.log(
            `audit export: sending ${d.file} to ${exporter
              .status()
              .map((x) => x.target)
              .join(' and ')}`,
          );
        current = { key, exporter };
      })
      .catch((e: unknown) => d.log(`audit export: ${e instanceof Error ? e.message : String(e)}`));
  };
  const timer = setTimeout(refresh, 0);
  const sub = onDidChangeWardenSettings(refresh);
  return new vscode.Disposable(() => {
    disposed = true;
    clearTimeout(timer);
    sub.dispose();
    void chain.then(() => current?.exporter?.close());
  });
}
