import type { Guard } from '../policy/guard';
import type { ChangeReport, ChangeVerdict, WorkspaceChange } from './runner';

/**
 * What a sandboxed command wrote to its copy-on-write view of the workspace
 * is a proposal, decided path by path (absolute, in the folder that holds
 * it) by the same write policy as `write_file` and `delete_file`:
 *
 * | guard says            | command ran unasked | a person approved the command |
 * |-----------------------|---------------------|-------------------------------|
 * | allow (autoApprove)   | kept                | kept                          |
 * | ask: needs-approval   | dropped, reported   | kept                          |
 * | ask: protected-path   | dropped, reported   | dropped, reported             |
 * | deny (any reason)     | dropped, reported   | dropped, reported             |
 *
 * A protected path is never changed by a command, approved or not: the
 * person approved a command line, not a hook or an agent config it might
 * write; the model can propose that file with write_file, whose diff the
 * person sees. A path the guard resolves somewhere else than where the
 * command wrote it (a link in the real workspace) is dropped too.
 */
export interface ChangePolicyOptions {
  readonly approvedByPerson: boolean;
  /** Absolute paths whose changes are never kept (the runner config's `readOnlyPaths`). */
  readonly readOnly?: readonly string[];
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(dir.endsWith('/') ? dir : `${dir}/`);
}

export function decideChanges(guard: Guard, changes: readonly WorkspaceChange[], options: ChangePolicyOptions): ChangeVerdict[] {
  return changes.map((change): ChangeVerdict => {
    const ro = options.readOnly?.find((p) => under(change.path, p));
    if (ro !== undefined)
      return { change, keep: false, reason: 'protected-path', message: `${change.path} is kept read-only for commands.` };
    const d = guard.decideChange(change.path, change.kind);
    if (d.details.kind === 'path' && d.details.target.absolute !== change.path) {
      return {
        change,
        keep: false,
        reason: 'link-in-the-way',
        message: `${change.path} leads to ${d.details.target.absolute} through a link.`,
      };
    }
    if (d.decision === 'allow') return { change, keep: true, reason: d.reason, message: d.message };
    if (d.decision === 'ask' && d.reason === 'needs-approval' && options.approvedByPerson) {
      return { change, keep: true, reason: 'approved-command', message: 'A person approved the command that made it.' };
    }
    const why = d.decision === 'ask' && d.reason === 'needs-approval' ? `${d.message} (the command ran unasked)` : d.message;
    return { change, keep: false, reason: d.reason, message: why };
  });
}

/** The report's paths relative to the workspace folder that holds them. */
function rel(path: string, roots: readonly string[]): string {
  for (const r of roots) if (under(path, r)) return path === r ? '.' : path.slice(r.length + (r.endsWith('/') ? 0 : 1));
  return path;
}

const SHOWN = 20;

/** Lines for the model, the chat card and the audit record; empty when the command changed nothing. */
export function describeChanges(report: ChangeReport | undefined, roots: readonly string[]): string[] {
  if (report === undefined) return [];
  const lines: string[] = [];
  if (report.discarded !== undefined) lines.push(`Workspace changes discarded: ${report.discarded}.`);
  if (report.dropped.length > 0) {
    lines.push(
      `Warden did not keep ${report.dropped.length} change${report.dropped.length === 1 ? '' : 's'} this command made (nothing of them is in the workspace):`,
    );
    for (const d of report.dropped.slice(0, SHOWN)) lines.push(`  ${d.kind} ${rel(d.path, roots)}: ${d.reason}: ${d.message}`);
    if (report.dropped.length > SHOWN) lines.push(`  … and ${report.dropped.length - SHOWN} more`);
  }
  if (report.kept.length > 0) {
    lines.push(
      `Kept ${report.kept.length} change${report.kept.length === 1 ? '' : 's'}: ${report.kept
        .slice(0, SHOWN)
        .map((p) => rel(p, roots))
        .join(', ')}${report.kept.length > SHOWN ? ', …' : ''}`,
    );
  }
  return lines;
}
