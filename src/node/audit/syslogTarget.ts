import { connect as tcpConnect, type Socket } from 'node:net';
import { connect as tlsConnect } from 'node:tls';
import { syslogFrame, type ExportLine, type ExportTarget, type SyslogOrigin } from '../../core/audit/export';

export interface SyslogTargetOptions {
  readonly host: string;
  readonly port: number;
  /** RFC 5425: syslog over TLS. */
  readonly tls: boolean;
  /** PEM of the authority that signs the receiver's certificate; absent: the system's. */
  readonly ca?: string;
  readonly origin: SyslogOrigin;
  /**
   * Syslog over TCP has no acknowledgement. A line counts as delivered once
   * the connection it went out on has stayed open this long after it was
   * written (default 2 s): a receiver that went away resets the connection
   * first, and everything not yet counted is sent again.
   */
  readonly settleMs?: number;
  readonly connectTimeoutMs?: number;
}

/**
 * RFC 5424 messages over TCP or TLS with octet-counting framing (RFC 6587),
 * one connection kept open and made again after a failure.
 */
export class SyslogTarget implements ExportTarget {
  readonly name = 'syslog';
  readonly where: string;
  private socket: Socket | null = null;
  private broken = false;
  /** Lines written on the current connection and when, oldest first. */
  private written: { seq: number; at: number }[] = [];
  private deliveredSeq: number | null = null;

  constructor(private readonly o: SyslogTargetOptions) {
    this.where = `${o.tls ? 'tls' : 'tcp'}://${o.host.includes(':') ? `[${o.host}]` : o.host}:${o.port}`;
  }

  delivered(): number | null {
    const settle = this.o.settleMs ?? 2000;
    const now = Date.now();
    if (!this.broken && this.socket !== null) {
      while (this.written.length > 0 && now - (this.written[0]?.at ?? now) >= settle)
        this.deliveredSeq = this.written.shift()?.seq ?? this.deliveredSeq;
    }
    return this.deliveredSeq;
  }

  lost(): boolean {
    return this.broken && this.written.length > 0;
  }

  async send(batch: readonly ExportLine[]): Promise<void> {
    if (this.broken) this.drop();
    const socket = this.socket ?? (await this.open());
    const text = batch.map((r) => syslogFrame(r, this.o.origin)).join('');
    await new Promise<void>((resolve, reject) => {
      socket.write(text, 'utf8', (err) => (err ? reject(err) : resolve()));
    });
    if (this.broken) throw new Error('the connection closed while sending');
    const at = Date.now();
    for (const r of batch) this.written.push({ seq: r.event.seq, at });
  }

  close(): Promise<void> {
    const s = this.socket;
    this.socket = null;
    if (s === null) return Promise.resolve();
    return new Promise((resolve) => {
      s.once('close', () => resolve());
      s.end();
      setTimeout(() => {
        s.destroy();
        resolve();
      }, 1000).unref();
    });
  }

  /** Forgets a broken connection and what was written on it (it is sent again). */
  private drop(): void {
    this.socket?.destroy();
    this.socket = null;
    this.broken = false;
    this.written = [];
  }

  private open(): Promise<Socket> {
    return new Promise((resolve, reject) => {
      const timeout = this.o.connectTimeoutMs ?? 10_000;
      const s = this.o.tls
        ? tlsConnect({
            host: this.o.host,
            port: this.o.port,
            servername: this.o.host,
            ...(this.o.ca !== undefined ? { ca: this.o.ca } : {}),
          })
        : tcpConnect({ host: this.o.host, port: this.o.port });
      const timer = setTimeout(() => s.destroy(new Error(`no connection within ${timeout / 1000} s`)), timeout);
      const fail = (e: Error) => {
        clearTimeout(timer);
        reject(e);
      };
      s.once('error', fail);
      s.once(this.o.tls ? 'secureConnect' : 'connect', () => {
        clearTimeout(timer);
        s.off('error', fail);
        s.setKeepAlive(true, 10_000);
        const lose = () => {
          if (this.socket === s) this.broken = true;
        };
        s.on('error', lose);
        s.on('close', lose);
        // A receiver sends nothing; reading keeps the end of the stream (the receiver closing) visible.
        s.on('data', () => undefined);
        s.on('end', lose);
        this.socket = s;
        resolve(s);
      });
    });
  }
}
