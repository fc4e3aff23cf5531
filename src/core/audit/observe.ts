import type { AuditEventInput, AuditRecord, RecordingAuditSink } from './event';

export type RecordListener = (record: AuditRecord) => void;

/**
 * A sink decorator: appends through `inner`, then tells each listener what
 * was written (for the output channel and the panel). A listener that throws
 * never fails the append; `onListenerError` hears about it.
 */
export class ObservedAuditSink implements RecordingAuditSink {
  private readonly listeners = new Set<RecordListener>();

  constructor(
    private readonly inner: RecordingAuditSink,
    private readonly onListenerError: (err: unknown) => void = () => undefined,
  ) {}

  /** Adds a listener; the returned function removes it. */
  subscribe(listener: RecordListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async append(event: AuditEventInput): Promise<void> {
    await this.appendRecord(event);
  }

  async appendRecord(event: AuditEventInput): Promise<AuditRecord> {
    const record = await this.inner.appendRecord(event);
    for (const l of this.listeners) {
      try {
        l(record);
      } catch (err) {
        this.onListenerError(err);
      }
    }
    return record;
  }
}
