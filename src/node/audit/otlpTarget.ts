import type { ExportLine, ExportTarget } from '../../core/audit/export';
import type * as OtlpBundle from './otlpBundle';
import type { OtlpSender, OtlpSenderOptions } from './otlpBundle';

/**
 * OTLP/HTTP log records; the collector's 2xx answer is the acknowledgement,
 * so a batch counts as delivered when `send` resolves. The OpenTelemetry
 * code loads on the first send (a plain require: the build turns it into
 * require('./otlp-export.js'), a bundle of its own).
 */
export class OtlpTarget implements ExportTarget {
  readonly name = 'otlp';
  readonly where: string;
  private sender: OtlpSender | null = null;
  private deliveredSeq: number | null = null;

  constructor(private readonly o: OtlpSenderOptions) {
    this.where = o.url ?? 'the OTEL_EXPORTER_OTLP_* endpoint';
  }

  async send(batch: readonly ExportLine[]): Promise<void> {
    if (this.sender === null) {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const m = require('./otlpBundle') as typeof OtlpBundle;
      this.sender = m.createOtlpSender(this.o);
    }
    await this.sender.send(batch);
    const last = batch[batch.length - 1];
    if (last) this.deliveredSeq = last.event.seq;
  }

  delivered(): number | null {
    return this.deliveredSeq;
  }

  lost(): boolean {
    return false;
  }

  async close(): Promise<void> {
    await this.sender?.shutdown();
    this.sender = null;
  }
}
