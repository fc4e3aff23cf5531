import { ExportResultCode } from '@opentelemetry/core';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { LoggerProvider, type LogRecordProcessor, type SdkLogRecord } from '@opentelemetry/sdk-logs';
import { exportAttributes, exportSeverity, type ExportLine } from '../../core/audit/export';

/**
 * The OpenTelemetry part of the audit export, in a bundle of its own
 * (dist/otlp-export.js, scripts/build.mjs): loaded only when an OTLP
 * destination is set, never at activation. Each audit event becomes one log
 * record: the body is the log line verbatim, the attributes its seq, prev,
 * hash and who/what (src/core/audit/export.ts), sent with the OTLP/HTTP
 * exporter (JSON encoding). The exporter reads the standard
 * `OTEL_EXPORTER_OTLP_*` variables (endpoint, headers, certificate, client
 * key and certificate) for what the options leave out.
 */
export interface OtlpSenderOptions {
  /** Full URL of the logs endpoint; undefined: the OTEL_EXPORTER_OTLP_* variables decide. */
  readonly url?: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly ca?: string;
  readonly resource: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
}

export interface OtlpSender {
  send(batch: readonly ExportLine[]): Promise<void>;
  shutdown(): Promise<void>;
}

/** Hands emitted records to the caller, which exports them itself and learns whether they arrived. */
class Collect implements LogRecordProcessor {
  records: SdkLogRecord[] = [];
  onEmit(record: SdkLogRecord): void {
    this.records.push(record);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

export function createOtlpSender(o: OtlpSenderOptions): OtlpSender {
  const collect = new Collect();
  const provider = new LoggerProvider({ resource: resourceFromAttributes({ ...o.resource }), processors: [collect] });
  const logger = provider.getLogger('warden.audit');
  const exporter = new OTLPLogExporter({
    ...(o.url !== undefined ? { url: o.url } : {}),
    headers: { ...o.headers },
    timeoutMillis: o.timeoutMs ?? 10_000,
    ...(o.ca !== undefined ? { httpAgentOptions: { ca: o.ca } } : {}),
  });
  return {
    send(batch) {
      collect.records = [];
      for (const r of batch) {
        const sev = exportSeverity(r.event);
        const t = Date.parse(r.event.time);
        logger.emit({
          body: r.line,
          attributes: exportAttributes(r.event),
          severityNumber: sev.number,
          severityText: sev.text,
          ...(Number.isFinite(t) ? { timestamp: t } : {}),
          eventName: `warden.audit.${r.event.kind}`,
        });
      }
      const records = collect.records;
      collect.records = [];
      return new Promise((resolve, reject) => {
        exporter.export(records, (result) => {
          if (result.code === ExportResultCode.SUCCESS) resolve();
          else reject(result.error ?? new Error('the collector did not accept the records'));
        });
      });
    },
    async shutdown() {
      await exporter.shutdown();
      await provider.shutdown();
    },
  };
}
