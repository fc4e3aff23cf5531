import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';
import type { ExportTarget } from '../../core/audit/export';
import { parseHostPort, type Settings } from '../../core/policy/settings';
import { secretNameSchema } from '../../core/secrets/secretName';
import { AuditExporter } from './exporter';
import { OtlpTarget } from './otlpTarget';
import { SyslogTarget } from './syslogTarget';

/**
 * From settings to export targets. Precedence, for OTLP: the
 * `warden.audit.export.otlp.*` settings, then the standard
 * `OTEL_EXPORTER_OTLP_LOGS_*` and `OTEL_EXPORTER_OTLP_*` variables (read by
 * the OpenTelemetry exporter itself for what the settings leave out).
 * Header values `${secret:NAME}` are filled from the secret store (VS Code
 * SecretStorage; in the CLI, the environment) when the export starts.
 */
export type ExportSettings = Pick<
  Settings,
  | 'warden.audit.export.otlp.endpoint'
  | 'warden.audit.export.otlp.headers'
  | 'warden.audit.export.otlp.caFile'
  | 'warden.audit.export.syslog.address'
  | 'warden.audit.export.syslog.tls'
  | 'warden.audit.export.syslog.caFile'
  | 'warden.managed.organizationId'
>;

export interface ExportDeps {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** A secret's value by name, or undefined. */
  readonly secret: (name: string) => Promise<string | undefined>;
  /** The product version, for the OTLP resource. */
  readonly version?: string;
}

const SECRET_REF = /\$\{secret:([^}]*)\}/g;

/** Fills `${secret:NAME}` in a header value; null (with why) when a named secret is missing or the name is bad. */
async function fillSecrets(value: string, secret: ExportDeps['secret']): Promise<{ ok: true; value: string } | { ok: false; why: string }> {
  let out = value;
  for (const m of value.matchAll(SECRET_REF)) {
    const name = m[1] ?? '';
    if (!secretNameSchema.safeParse(name).success) return { ok: false, why: `'${name}' is not a secret name` };
    const v = await secret(name);
    if (v === undefined || v === '') return { ok: false, why: `the secret ${name} is not set` };
    out = out.replace(m[0], v);
  }
  return { ok: true, value: out };
}

function readCa(path: string): { ok: true; ca: string | undefined } | { ok: false; why: string } {
  if (path === '') return { ok: true, ca: undefined };
  try {
    return { ok: true, ca: readFileSync(path, 'utf8') };
  } catch (e) {
    return { ok: false, why: `cannot read the CA file ${path}: ${e instanceof Error ? e.message : String(e)}` };
  }
}

/** A fingerprint of what the export settings ask for: restart the export only when it changes. */
export function exportConfigKey(s: ExportSettings): string {
  return JSON.stringify([
    s['warden.audit.export.otlp.endpoint'],
    s['warden.audit.export.otlp.headers'],
    s['warden.audit.export.otlp.caFile'],
    s['warden.audit.export.syslog.address'],
    s['warden.audit.export.syslog.tls'],
    s['warden.audit.export.syslog.caFile'],
    s['warden.managed.organizationId'],
  ]);
}

/** The targets the settings and environment ask for, and why any could not be made (it is then left out, and said). */
export async function exportTargets(s: ExportSettings, deps: ExportDeps): Promise<{ targets: ExportTarget[]; problems: string[] }> {
  const targets: ExportTarget[] = [];
  const problems: string[] = [];
  const machine = hostname();
  const org = s['warden.managed.organizationId'];

  const url = s['warden.audit.export.otlp.endpoint'];
  const envUrl = deps.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT || deps.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (url !== '' || envUrl) {
    const headers: Record<string, string> = {};
    let ok = true;
    for (const [name, raw] of Object.entries(s['warden.audit.export.otlp.headers'])) {
      const v = await fillSecrets(raw, deps.secret);
      if (!v.ok) {
        problems.push(`OTLP export not started: header ${name}: ${v.why}`);
        ok = false;
      } else headers[name] = v.value;
    }
    const ca = readCa(s['warden.audit.export.otlp.caFile']);
    if (!ca.ok) {
      problems.push(`OTLP export not started: ${ca.why}`);
      ok = false;
    }
    if (ok && ca.ok) {
      targets.push(
        new OtlpTarget({
          ...(url !== '' ? { url } : {}),
          headers,
          ...(ca.ca !== undefined ? { ca: ca.ca } : {}),
          resource: {
            'service.name': 'warden',
            'service.version': deps.version ?? '0',
            'host.name': machine,
            ...(org !== '' ? { 'warden.organization_id': org } : {}),
          },
        }),
      );
    }
  }

  const address = s['warden.audit.export.syslog.address'];
  if (address !== '') {
    const hp = parseHostPort(address);
    const ca = readCa(s['warden.audit.export.syslog.caFile']);
    if (hp === null) problems.push(`syslog export not started: '${address}' is not host:port`);
    else if (!ca.ok) problems.push(`syslog export not started: ${ca.why}`);
    else {
      targets.push(
        new SyslogTarget({
          host: hp.host,
          port: hp.port,
          tls: s['warden.audit.export.syslog.tls'],
          ...(ca.ca !== undefined ? { ca: ca.ca } : {}),
          origin: { hostname: machine, appName: 'warden', procId: String(process.pid) },
        }),
      );
    }
  }
  return { targets, problems };
}

/** Starts exporting `file` to every target the settings ask for; null when none is set. */
export async function startAuditExport(
  file: string,
  s: ExportSettings,
  deps: ExportDeps & { onStatus?: (target: string, message: string) => void },
): Promise<{ exporter: AuditExporter | null; problems: string[] }> {
  const { targets, problems } = await exportTargets(s, deps);
  if (targets.length === 0) return { exporter: null, problems };
  const exporter = new AuditExporter({ file, targets, ...(deps.onStatus ? { onStatus: deps.onStatus } : {}) }).start();
  return { exporter, problems };
}
