import type { AuditEvent } from './event';
import { utf8Length } from './hash';

/**
 * Shipping the audit log to a company's own systems. Each exported record
 * carries one log line exactly as written (so the chain can be verified where
 * it lands: `warden audit verify --exported`), and its `seq`, `prev` and
 * `hash` as fields a collector can index. Delivery is at least once and in
 * order of `seq`: a record may arrive twice, never out of order within one
 * destination, and a line that is gone from the local log (rotated files
 * deleted before they were sent) shows as a jump in `seq`.
 */

/** One line of the local log and the event it holds. */
export interface ExportLine {
  readonly line: string;
  readonly event: AuditEvent;
}

/** A destination: OTLP (src/node/audit/otlpTarget.ts) or syslog (src/node/audit/syslogTarget.ts). */
export interface ExportTarget {
  /** Names its cursor file and its messages: `otlp`, `syslog`. */
  readonly name: string;
  /** Where it sends, for messages (`https://collector:4318/v1/logs`, `tcp://siem:514`). */
  readonly where: string;
  /** Sends the lines in order; rejects when they may not have arrived. */
  send(batch: readonly ExportLine[]): Promise<void>;
  /** Highest `seq` known to have arrived (null: nothing yet). Lines after it are sent again after a failure or a restart. */
  delivered(): number | null;
  /** True when lines sent but not known delivered were lost (a connection broke): they are sent again. */
  lost(): boolean;
  close(): Promise<void>;
}

/** Wait before the next attempt after `failures` failures in a row: doubling from `baseMs` up to `maxMs`, with jitter of up to a quarter. */
export function retryDelayMs(failures: number, random: () => number, baseMs = 1000, maxMs = 60_000): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, Math.min(30, failures - 1)));
  return Math.round(raw * (0.75 + random() * 0.25));
}

/** Fields of an event a collector can index, beside the verbatim line. */
export function exportAttributes(e: AuditEvent): Record<string, string | number> {
  const out: Record<string, string | number> = {
    'warden.seq': e.seq,
    'warden.prev': e.prev,
    'warden.hash': e.hash,
    'warden.kind': e.kind,
    'warden.session_id': e.sessionId,
    'warden.workspace': e.workspace,
    'enduser.id': e.actor.user,
  };
  if (e.machine !== undefined) out['host.name'] = e.machine;
  if (e.org !== undefined) out['warden.organization_id'] = e.org;
  if (e.tool !== null) out['warden.tool'] = e.tool;
  if (e.decision !== null) out['warden.decision'] = e.decision;
  if (e.reason !== null) out['warden.reason'] = e.reason;
  if (e.approver !== null) out['warden.approver'] = e.approver;
  return out;
}

/** `severity` for a record: denied calls are warnings, failures errors, the rest info (OpenTelemetry severity numbers). */
export function exportSeverity(e: AuditEvent): { number: number; text: string } {
  if (e.outcome?.status === 'error' || e.outcome?.status === 'timeout') return { number: 17, text: 'ERROR' };
  if (e.decision === 'deny' || e.answer === 'rejected') return { number: 13, text: 'WARN' };
  return { number: 9, text: 'INFO' };
}

/** The SD-ID of Warden's structured data: 32473 is the enterprise number RFC 5612 sets aside for examples and documentation. */
export const SYSLOG_SD_ID = 'warden@32473';

/** RFC 5424 PARAM-VALUE escaping: `"`, `\` and `]` take a backslash. */
function sdValue(s: string): string {
  return s.replace(/["\\\]]/g, (c) => `\\${c}`);
}

/** RFC 5424 header fields: printable US-ASCII, no spaces, bounded; `-` when empty. */
function headerField(s: string, max: number): string {
  const clean = s.replace(/[^\x21-\x7e]/g, '_').slice(0, max);
  return clean === '' ? '-' : clean;
}

export interface SyslogOrigin {
  readonly hostname: string;
  readonly appName: string;
  readonly procId: string;
}

/**
 * One event as an RFC 5424 message (facility 13 "log audit", severity from
 * the event), its MSG the log line verbatim, framed by octet counting
 * (RFC 6587 3.4.1: `<length> <message>`, the length in bytes).
 */
export function syslogFrame(rec: ExportLine, origin: SyslogOrigin): string {
  const sev = exportSeverity(rec.event);
  const severity = sev.number >= 17 ? 3 : sev.number >= 13 ? 4 : 6;
  const pri = 13 * 8 + severity;
  const e = rec.event;
  const sd = `[${SYSLOG_SD_ID} seq="${e.seq}" prev="${e.prev}" hash="${e.hash}" session="${sdValue(e.sessionId)}"${e.org !== undefined ? ` org="${sdValue(e.org)}"` : ''}]`;
  const msg = `<${pri}>1 ${e.time} ${headerField(origin.hostname, 255)} ${headerField(origin.appName, 48)} ${headerField(origin.procId, 128)} ${headerField(e.kind, 32)} ${sd} ${rec.line}`;
  return `${utf8Length(msg)} ${msg}`;
}
