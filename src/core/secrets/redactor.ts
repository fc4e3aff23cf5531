/**
 * The redactor contract (implemented in ./createRedactor.ts): removes every
 * secret value and its encoded forms (base64, base64url, hex, URL-encoding)
 * from text before it reaches the model, the chat, a notification or the
 * audit log.
 */
export interface StreamRedactor {
  /** Takes the next chunk; returns what is safe to emit now (a possible secret prefix is held back). */
  push(chunk: string): string;
  /** Emits whatever is held back, redacted. */
  flush(): string;
}

export interface Redactor {
  redact(text: string): string;
  /** A fresh stateful redactor for one output stream, so a value split across chunks is still caught. */
  stream(): StreamRedactor;
}

export const REDACTED = '[REDACTED]';
