import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ChainSealer } from '../../../src/core/audit/chain';
import type { AuditEventInput, ChainTip } from '../../../src/core/audit/event';

export function toolEvent(over: Partial<AuditEventInput> = {}): AuditEventInput {
  return {
    kind: 'tool_call',
    sessionId: 'sess-1',
    workspace: '/work/ws',
    actor: { user: 'alice', model: 'claude-sonnet-4-6' },
    tool: 'run_command',
    input: { command: 'npm test' },
    decision: 'ask',
    reason: 'needs-approval',
    rule: null,
    approver: 'person',
    answer: 'approved',
    edits: null,
    outcome: { status: 'ok', exitCode: 0, bytes: 120, durationMs: 842 },
    ...over,
  };
}

/** A fixed clock that advances one second per call. */
export function steppingClock(start = Date.parse('2026-11-29T10:00:00.000Z')): () => Date {
  let t = start;
  return () => new Date((t += 1000));
}

/** `n` sealed lines of one chain (identity redaction), continuing `tip`. */
export function sealedLines(n: number, tip: ChainTip | null = null, redact = (s: string) => s): { lines: string[]; sealer: ChainSealer } {
  const sealer = new ChainSealer(tip, redact, steppingClock());
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(sealer.seal(toolEvent({ input: { command: `echo ${i}` } })).line);
  return { lines, sealer };
}

export function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'warden-audit-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}
